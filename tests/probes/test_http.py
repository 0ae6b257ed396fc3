"""probe_url against a scripted loopback server: what a reuser would be told."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import pytest

from observatory.net.fetch import HttpSettings
from observatory.net.guard import parse_networks
from observatory.probes.http import probe_url
from tests.probes.scripted import CSV, LAST_MODIFIED, start


def test_healthy_file_is_up_by_head_alone(server, http):
    now = datetime(2025, 3, 5, tzinfo=UTC)
    result = probe_url(f"{server.base}/file.csv", http, now=now)
    assert result.outcome == "up"
    assert result.method == "HEAD"
    assert result.status == 200
    assert result.checked_at == now
    assert result.content_type == "text/csv"
    assert result.content_length == len(CSV)
    assert result.last_modified == LAST_MODIFIED
    assert result.etag == '"v1"'
    assert result.latency_ms is not None and result.latency_ms >= 0
    assert "ttfb_ms" in result.extra


def test_lying_head_is_caught_by_get(server, http):
    result = probe_url(f"{server.base}/lying.csv", http)
    assert result.outcome == "down"
    assert result.method == "GET"
    assert result.status == 404
    assert "HEAD says 200 but GET answers 404" in result.reason


def test_firewall_block_page_where_a_csv_is_expected_is_down(server, http):
    result = probe_url(f"{server.base}/firewall.csv", http)
    assert result.outcome == "down"
    assert result.method == "GET"
    assert "firewall/HTML page instead of a file" in result.reason
    assert "denied" in result.reason


def test_plain_html_page_where_a_file_is_expected_is_down(server, http):
    result = probe_url(f"{server.base}/page.csv", http)
    assert result.outcome == "down"
    assert "firewall/HTML page instead of a file" in result.reason


def test_html_page_is_up_when_a_page_is_expected(server, http):
    result = probe_url(f"{server.base}/page.csv", http, expect_file=False)
    assert result.outcome == "up"


def test_head_not_allowed_falls_back_to_get(server, http):
    result = probe_url(f"{server.base}/nohead.csv", http)
    assert result.outcome == "up"
    assert result.method == "GET"
    assert result.extra["head_status"] == 405


def test_head_without_length_or_date_is_confirmed_by_get(server, http):
    result = probe_url(f"{server.base}/bare.csv", http)
    assert result.outcome == "up"
    assert result.method == "GET"
    assert "no usable Content-Length or Content-Type" in result.extra["fallback"]
    assert result.content_length == len(CSV)  # measured on the body read


def test_get_reads_only_a_prefix_of_a_large_file(server, http):
    result = probe_url(f"{server.base}/big.bin", http)
    assert result.outcome == "up"
    assert result.content_length == 2_000_000


def test_429_is_unknown_and_quotes_retry_after(server, http):
    result = probe_url(f"{server.base}/429", http)
    assert result.outcome == "unknown"
    assert result.status == 429
    assert "Retry-After: 120" in result.reason
    get_hits = [h for h in server.hits if h == ("GET", "/429")]
    assert not get_hits  # asked to slow down: no second request


def test_503_with_retry_after_is_unknown(server, http):
    result = probe_url(f"{server.base}/503-retry", http)
    assert result.outcome == "unknown"
    assert "Retry-After: 30" in result.reason


def test_503_without_retry_after_is_down(server, http):
    result = probe_url(f"{server.base}/503", http)
    assert result.outcome == "down"
    assert result.status == 503


def test_missing_file_is_down(server, http):
    result = probe_url(f"{server.base}/nothing.csv", http)
    assert result.outcome == "down"
    assert result.status == 404


def test_slow_file_is_degraded(server, http):
    result = probe_url(f"{server.base}/slow.csv", http, slow_ms=200)
    assert result.outcome == "degraded"
    assert "slow" in result.reason
    assert result.latency_ms >= 200


def test_redirect_loop_is_down_with_reason(server, http):
    result = probe_url(f"{server.base}/loop-a", http)
    assert result.outcome == "down"
    assert "redirect loop" in result.reason


def test_redirect_is_followed_and_final_url_recorded(server, http):
    result = probe_url(f"{server.base}/to-file", http)
    assert result.outcome == "up"
    assert result.final_url == f"{server.base}/file.csv"


def test_connection_refused_is_down(http):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there any more
    result = probe_url(f"http://127.0.0.1:{port}/x.csv", http)
    assert result.outcome == "down"
    assert "connection" in result.reason


def test_read_timeout_is_down(server):
    impatient = HttpSettings(allowed=tuple(parse_networks(["127.0.0.0/8"])), read_timeout=0.1)
    result = probe_url(f"{server.base}/slow.csv", impatient)
    assert result.outcome == "down"
    assert "timeout" in result.reason or "timed out" in result.reason


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:9/data.csv", "loopback"),
        ("http://10.0.0.1/data.csv", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]:9/data.csv", "loopback"),
        ("http://localhost:9/data.csv", "resolves to"),
        ("file:///etc/passwd", "scheme"),
    ],
)
def test_guarded_addresses_are_refused_with_a_clear_reason(url, why):
    result = probe_url(url, HttpSettings())
    assert result.outcome == "refused"
    assert why in result.reason
    assert result.status is None


def test_loopback_allowed_by_the_allow_list(server, http):
    assert probe_url(f"{server.base}/file.csv", HttpSettings()).outcome == "refused"
    assert probe_url(f"{server.base}/file.csv", http).outcome == "up"


def test_localhost_allowed_when_its_networks_are(server):
    port = server.server_address[1]
    allowed = HttpSettings(allowed=tuple(parse_networks(["127.0.0.0/8", "::1/128"])))
    assert probe_url(f"http://localhost:{port}/file.csv", allowed).outcome == "up"


def test_private_network_allowed_is_contacted_not_refused():
    settings = HttpSettings(
        allowed=tuple(parse_networks(["10.0.0.0/8"])), connect_timeout=0.2, read_timeout=0.2
    )
    result = probe_url("http://10.0.0.1/data.csv", settings)
    assert result.outcome == "down"  # contacted (and unreachable here), not refused


def test_ipv6_loopback_allowed_when_listed():
    try:
        srv = start("::1", socket.AF_INET6)
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    try:
        url = f"{srv.base}/file.csv"
        assert probe_url(url, HttpSettings()).outcome == "refused"
        allowed = HttpSettings(allowed=tuple(parse_networks(["::1/128"])))
        assert probe_url(url, allowed).outcome == "up"
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.mark.parametrize(
    ("path", "why"), [("/to-private", "10.0.0.1"), ("/to-metadata", "169.254")]
)
def test_redirect_from_allowed_to_refused_address_is_refused(server, http, path, why):
    result = probe_url(f"{server.base}{path}", http)
    assert result.outcome == "refused"
    assert why in result.reason
