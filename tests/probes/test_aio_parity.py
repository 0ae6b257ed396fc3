"""The asynchronous engine applies exactly the rules of the threaded one: same outcomes, reasons
and fields on every scripted fault of the sandbox server, and on the guard's refusals."""

from __future__ import annotations

import re
import socket

import pytest

from observatory.net.fetch import HttpSettings
from observatory.net.guard import parse_networks
from observatory.probes.aio import AsyncProber, probe_url_async, run_sync
from observatory.probes.http import probe_url

ENGINES = ("threads", "async")
# Timings differ from run to run; connect/TLS times even come and go with keep-alive reuse
# (the threaded engine closes a redirect's connection, aiohttp keeps it).
TIMINGS = ("ttfb_ms", "connect_ms", "tls_ms")


def probe(engine: str, url: str, http: HttpSettings, **kw):
    if engine == "threads":
        return probe_url(url, http, **kw)
    return run_sync(probe_url_async(url, http, **kw))


def comparable(result) -> dict:
    """What a reuser sees, without the timings that differ from one run to the next."""
    extra = {k: v for k, v in result.extra.items() if k not in TIMINGS}
    return {
        "outcome": result.outcome,
        "reason": re.sub(r"\d+ ms >", "N ms >", result.reason),
        "method": result.method,
        "status": result.status,
        "final_url": result.final_url,
        "content_type": result.content_type,
        "content_length": result.content_length,
        "last_modified": result.last_modified,
        "etag": result.etag,
        "extra": extra,
    }


FAULTS = [
    ("/file.csv", {}, "up"),
    ("/lying.csv", {}, "down"),
    ("/firewall.csv", {}, "down"),
    ("/page.csv", {}, "down"),
    ("/page.csv", {"expect_file": False}, "up"),
    ("/nohead.csv", {}, "up"),
    ("/bare.csv", {}, "up"),
    ("/big.bin", {}, "up"),
    ("/429", {}, "unknown"),
    ("/503-retry", {}, "unknown"),
    ("/503", {}, "down"),
    ("/nothing.csv", {}, "down"),
    ("/slow.csv", {"slow_ms": 200}, "degraded"),
    ("/loop-a", {}, "down"),
    ("/to-file", {}, "up"),
    ("/to-private", {}, "refused"),
    ("/to-metadata", {}, "refused"),
]


@pytest.mark.parametrize(("path", "kw", "expected"), FAULTS)
def test_both_engines_judge_scripted_faults_alike(server, http, path, kw, expected):
    url = f"{server.base}{path}"
    threaded, asynchronous = (probe(engine, url, http, **kw) for engine in ENGINES)
    assert threaded.outcome == expected
    assert comparable(asynchronous) == comparable(threaded)


@pytest.mark.parametrize("engine", ENGINES)
def test_lying_head_is_down_and_429_asks_no_second_request(server, http, engine):
    lying = probe(engine, f"{server.base}/lying.csv", http)
    assert lying.outcome == "down"
    assert "HEAD says 200 but GET answers 404" in lying.reason
    before = len(server.hits)
    busy = probe(engine, f"{server.base}/429", http)
    assert busy.outcome == "unknown"
    assert "Retry-After: 120" in busy.reason
    assert server.hits[before:] == [("HEAD", "/429")]


@pytest.mark.parametrize("engine", ENGINES)
def test_large_file_is_up_and_slow_is_degraded(server, http, engine):
    big = probe(engine, f"{server.base}/big.bin", http)
    assert (big.outcome, big.content_length) == ("up", 2_000_000)
    slow = probe(engine, f"{server.base}/slow.csv", http, slow_ms=200)
    assert slow.outcome == "degraded"
    assert slow.latency_ms >= 200


@pytest.mark.parametrize("engine", ENGINES)
def test_connection_refused_is_down(http, engine):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    result = probe(engine, f"http://127.0.0.1:{port}/x.csv", http)
    assert result.outcome == "down"
    assert result.reason.startswith("connection: connection failed")


@pytest.mark.parametrize("engine", ENGINES)
def test_read_timeout_is_down(server, engine):
    impatient = HttpSettings(allowed=tuple(parse_networks(["127.0.0.0/8"])), read_timeout=0.1)
    result = probe(engine, f"{server.base}/slow.csv", impatient)
    assert result.outcome == "down"
    assert result.reason.startswith("timeout: timed out")


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:9/data.csv", "loopback"),
        ("http://10.0.0.1/data.csv", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]:9/data.csv", "loopback"),
        ("http://localhost:9/data.csv", "resolves to"),
        ("http://no-such-host.invalid/data.csv", "does not resolve"),
        ("file:///etc/passwd", "scheme"),
        ("http:///nohost", "no host"),
    ],
)
def test_guard_refuses_the_same_addresses_with_the_same_words(url, why):
    threaded, asynchronous = (probe(engine, url, HttpSettings()) for engine in ENGINES)
    assert asynchronous.outcome == threaded.outcome == "refused"
    assert why in asynchronous.reason
    assert asynchronous.reason == threaded.reason


def test_host_names_are_resolved_once_and_the_checked_addresses_used(server):
    port = server.server_address[1]
    allowed = HttpSettings(allowed=tuple(parse_networks(["127.0.0.0/8", "::1/128"])))

    async def run():
        async with AsyncProber(allowed) as prober:
            results = [
                await prober.probe(f"http://localhost:{port}/file.csv?{i}") for i in range(3)
            ]
            return results, dict(prober.resolver._lookups)

    results, lookups = run_sync(run())
    assert [r.outcome for r in results] == ["up"] * 3
    assert list(lookups) == ["localhost"]  # one lookup for three probes


def test_ipv6_loopback_allowed_when_listed():
    from tests.probes.scripted import start

    try:
        srv = start("::1", socket.AF_INET6)
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    try:
        url = f"{srv.base}/file.csv"
        assert probe("async", url, HttpSettings()).outcome == "refused"
        allowed = HttpSettings(allowed=tuple(parse_networks(["::1/128"])))
        assert probe("async", url, allowed).outcome == "up"
    finally:
        srv.shutdown()
        srv.server_close()


def test_guard_verdicts_hold_for_every_url_of_an_origin(server, http):
    from observatory.probes.aio import probe_many_async

    urls = [
        "http://10.0.0.1/a.csv",
        "http://10.0.0.1/b.csv",
        f"{server.base}/file.csv",
        f"{server.base}/to-private",  # an allowed origin, redirected to a refused one
        "http://10.0.0.1:80/c.csv",
    ]
    results = run_sync(probe_many_async(urls, http))
    assert [r.outcome for r in results] == ["refused", "refused", "up", "refused", "refused"]
    assert results[0].reason == results[1].reason == results[4].reason
    assert "10.0.0.1" in results[3].reason
