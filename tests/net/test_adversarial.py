"""No request ever reaches an address the guard refuses, whatever the URL's shape.

Hypothesis writes URLs in every shape of ``tests.net.shapes`` aimed at a loopback victim that
counts TCP connections, directly or at the end of a redirect chain through the allowed relay,
and sends each through every client the observatory fetches with: ``net.fetch`` (harvest
pages, schemas, file downloads, ``check``), the threaded probe and the asynchronous probe.
The victim must never see a connection, and nothing may raise.
"""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observatory.net.fetch import FetchError, fetch
from observatory.probes.aio import probe_url_async, run_sync
from observatory.probes.http import probe_url
from tests.net.shapes import adversarial_urls, header_safe

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def through_every_client(url: str, http) -> list[str]:
    """Send ``url`` through each client; return the outcomes (never raises)."""
    outcomes = []
    try:
        fetch(url, http)
        outcomes.append("fetched")
    except FetchError as exc:
        outcomes.append(exc.kind)
    outcomes.append(probe_url(url, http).outcome)
    outcomes.append(run_sync(probe_url_async(url, http)).outcome)
    return outcomes


@SETTINGS
@given(data=st.data())
def test_no_shape_reaches_the_victim(farm, guarded, data):
    url = data.draw(adversarial_urls(farm.port, f"127.0.0.2:{farm.port}"), label="url")
    before = farm.hits
    outcomes = through_every_client(url, guarded)
    assert farm.hits == before, f"{url!r} reached the victim ({outcomes})"
    assert "up" not in outcomes and "fetched" not in outcomes


@SETTINGS
@given(data=st.data())
def test_no_redirect_chain_reaches_the_victim(farm, guarded, data):
    target = data.draw(adversarial_urls(farm.port, f"127.0.0.2:{farm.port}").filter(header_safe))
    hops = data.draw(st.integers(min_value=0, max_value=3), label="hops")
    url = target
    for _ in range(hops + 1):  # each hop through the allowed relay
        url = f"{farm.relay_base}/r?to={quote(url, safe='')}"
    before = farm.hits
    outcomes = through_every_client(url, guarded)
    assert farm.hits == before, f"{target!r} after {hops + 1} hops reached the victim"
    assert "up" not in outcomes and "fetched" not in outcomes


def test_relay_itself_is_reachable(farm, guarded):
    """The property above is not vacuous: the allowed relay answers, and so do its redirects."""
    direct = f"{farm.relay_base}/ok.csv"
    chained = f"{farm.relay_base}/r?to={quote(direct, safe='')}"
    assert through_every_client(direct, guarded) == ["fetched", "up", "up"]
    assert through_every_client(chained, guarded) == ["fetched", "up", "up"]
    assert farm.hits == 0


def test_victim_counts_when_allowed(farm, guarded):
    """The victim does count connections: with loopback allowed, a probe reaches it."""
    from dataclasses import replace

    from observatory.net.guard import parse_networks

    opened = replace(guarded, allowed=tuple(parse_networks(["127.0.0.0/8"])))
    before = farm.hits
    probe_url(f"http://127.0.0.1:{farm.port}/", opened)
    assert farm.hits > before
