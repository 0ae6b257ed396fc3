"""Fixtures of the guard tests: the loopback listeners and the resolver of the test names."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from observatory.net.fetch import HttpSettings
from observatory.net.guard import IPAddress, parse_networks, system_resolver
from tests.net.listeners import RELAY_HOST, Listeners, listeners
from tests.net.shapes import VICTIM_NAME


@pytest.fixture(scope="module")
def farm() -> Iterator[Listeners]:
    with listeners() as running:
        yield running


def names(host: str, port: int) -> list[IPAddress]:
    """The tests' DNS: ``victim.test`` is loopback, ``relay.test`` the relay, others real."""
    if host.lower() == VICTIM_NAME:
        return [ipaddress.ip_address("127.0.0.1")]
    if host.lower() == "relay.test":
        return [ipaddress.ip_address(RELAY_HOST)]
    return system_resolver(host, port)


@pytest.fixture(scope="module")
def guarded() -> HttpSettings:
    """Only the relay's address (127.0.0.2) is allowed; short timeouts."""
    return HttpSettings(
        allowed=tuple(parse_networks([f"{RELAY_HOST}/32"])),
        connect_timeout=1,
        read_timeout=2,
        total_timeout=5,
        resolver=names,
    )
