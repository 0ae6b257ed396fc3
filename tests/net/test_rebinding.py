"""DNS rebinding: a name that answers an allowed address first and loopback next.

The rebinding resolver gives the relay's address (127.0.0.2, the allowed "public" one) on its
first answer and the victim's (127.0.0.1) on every later one, both on the same port. A client
that resolves once to check and again to connect would reach the victim; the guard connects
to the address it checked. Every client is tried: ``net.fetch`` (harvest, schemas, files,
``check``), the threaded probe and the asynchronous probe.
"""

from __future__ import annotations

import ipaddress
import threading
from dataclasses import replace

import pytest

from observatory.net.fetch import FetchError, fetch
from observatory.probes.aio import probe_url_async, run_sync
from observatory.probes.http import probe_url
from tests.net.listeners import RELAY_HOST


class Rebinder:
    """Answers ``first`` once, then ``then`` for ever; counts the questions."""

    def __init__(self, first: str, then: str) -> None:
        self.answers = [ipaddress.ip_address(first), ipaddress.ip_address(then)]
        self.asked = 0
        self.lock = threading.Lock()

    def __call__(self, host: str, port: int) -> list:
        with self.lock:
            self.asked += 1
            return [self.answers[0] if self.asked == 1 else self.answers[1]]


CLIENTS = ("fetch", "threads", "async")


def send(client: str, url: str, http) -> tuple[str, int | None]:
    if client == "fetch":
        try:
            response = fetch(url, http)
        except FetchError as exc:
            return exc.kind, exc.status
        return "fetched", response.status
    result = probe_url(url, http) if client == "threads" else run_sync(probe_url_async(url, http))
    return result.outcome, result.status


@pytest.mark.parametrize("client", CLIENTS)
def test_rebinding_to_loopback_never_connects_there(farm, guarded, client):
    resolver = Rebinder(RELAY_HOST, "127.0.0.1")
    http = replace(guarded, resolver=resolver)
    before = farm.hits
    outcome = send(client, f"http://rebind.example:{farm.port}/ok.csv", http)
    assert farm.hits == before  # the victim saw no connection
    assert outcome in (("fetched", 200), ("up", 200))  # the checked address answered
    assert resolver.asked >= 1


@pytest.mark.parametrize("client", CLIENTS)
def test_loopback_first_is_refused_before_connecting(farm, guarded, client):
    resolver = Rebinder("127.0.0.1", RELAY_HOST)
    http = replace(guarded, resolver=resolver)
    before = farm.hits
    outcome = send(client, f"http://rebind.example:{farm.port}/ok.csv", http)
    assert farm.hits == before
    assert outcome[0] == "refused"


@pytest.mark.parametrize("client", CLIENTS)
def test_one_bad_address_among_several_refuses_the_name(farm, guarded, client):
    def mixed(host: str, port: int) -> list:
        return [ipaddress.ip_address(RELAY_HOST), ipaddress.ip_address("127.0.0.1")]

    http = replace(guarded, resolver=mixed)
    before = farm.hits
    outcome = send(client, f"http://mixed.example:{farm.port}/ok.csv", http)
    assert farm.hits == before
    assert outcome[0] == "refused"
