"""Connection phases and certificate expiry, against a real HTTPS server on loopback.

Each test makes its own certificate authority and server certificate; the probe trusts that CA
through ``HttpSettings.ca_bundle``, as a deployment would trust a private CA.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from observatory.net.fetch import HttpSettings
from observatory.probes.aio import probe_many_async, probe_url_async, run_sync
from observatory.probes.api import check_api
from observatory.probes.http import probe_url
from observatory.registry import ApiCheck, Expectation
from tests.probes.test_aio_parity import comparable
from tests.probes.tls import Pki, TlsServer, make_pki, start_tls

ENGINES = ("threads", "async")


def probe(engine: str, url: str, http: HttpSettings, **kw):
    if engine == "threads":
        return probe_url(url, http, **kw)
    return run_sync(probe_url_async(url, http, **kw))


def serve(tmp_path_factory: pytest.TempPathFactory, days: float) -> Iterator[tuple[TlsServer, Pki]]:
    pki = make_pki(tmp_path_factory.mktemp("pki"), days)
    server = start_tls(pki)
    yield server, pki
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> Iterator[tuple[TlsServer, Pki]]:
    """A certificate valid 200 days and 6 hours."""
    yield from serve(tmp_path_factory, 200.25)


@pytest.fixture(scope="module")
def expiring(tmp_path_factory) -> Iterator[tuple[TlsServer, Pki]]:
    """A certificate valid 10 days and 6 hours: within the 14-day warning."""
    yield from serve(tmp_path_factory, 10.25)


def trusting(http: HttpSettings, pki: Pki) -> HttpSettings:
    return replace(http, ca_bundle=pki.ca_file)


def at(pki: Pki, days_before: float) -> datetime:
    """A probe time ``days_before`` the certificate expires (what cert_days_left counts from)."""
    return pki.not_after - timedelta(days=days_before)


@pytest.mark.parametrize("engine", ENGINES)
def test_https_probe_records_phases_and_certificate_expiry(tls, http, engine):
    server, pki = tls
    result = probe(engine, f"{server.base}/file.csv", trusting(http, pki), now=at(pki, 200.25))
    assert (result.outcome, result.reason) == ("up", "HTTP 200 (HEAD)")
    extra = result.extra
    assert extra["cert_not_after"] == pki.not_after.isoformat()
    assert extra["cert_days_left"] == 200
    assert extra["connect_ms"] >= 0 and extra["tls_ms"] > 0
    # TCP then TLS then the answer's headers: the phases fit in the time to first byte.
    assert extra["connect_ms"] + extra["tls_ms"] <= extra["ttfb_ms"] + 0.2
    assert extra["ttfb_ms"] <= result.latency_ms + 0.1


def test_both_engines_give_the_same_certificate_fields(tls, http):
    server, pki = tls
    settings = trusting(http, pki)
    for path in ("/file.csv", "/firewall.csv", "/nohead.csv", "/to-file"):
        url = f"{server.base}{path}"
        threaded, asynchronous = (probe(e, url, settings, now=at(pki, 30)) for e in ENGINES)
        assert comparable(asynchronous) == comparable(threaded)
        assert threaded.extra["cert_days_left"] == 30


@pytest.mark.parametrize("engine", ENGINES)
def test_certificate_expiring_soon_is_noted_but_the_file_stays_up(expiring, http, engine):
    server, pki = expiring
    result = probe(engine, f"{server.base}/file.csv", trusting(http, pki), now=at(pki, 10.25))
    assert result.outcome == "up"
    day = pki.not_after.date().isoformat()
    assert result.reason == f"HTTP 200 (HEAD); certificate expires in 10 days ({day})"
    assert result.extra["cert_days_left"] == 10


@pytest.mark.parametrize("engine", ENGINES)
def test_a_down_file_gets_no_certificate_note(expiring, http, engine):
    server, pki = expiring
    result = probe(engine, f"{server.base}/nothing.csv", trusting(http, pki))
    assert (result.outcome, result.reason) == ("down", "HTTP 404")
    assert result.extra["cert_days_left"] in (9, 10)  # recorded all the same


@pytest.mark.parametrize("engine", ENGINES)
def test_untrusted_certificate_is_down_with_a_tls_reason(tls, http, engine):
    server, _ = tls  # the system trust store does not know the throwaway CA
    result = probe(engine, f"{server.base}/file.csv", http)
    assert result.outcome == "down"
    assert result.reason.startswith("tls: TLS error")
    assert "certificate verify failed" in result.reason
    assert "cert_not_after" not in result.extra


@pytest.mark.parametrize("engine", ENGINES)
def test_plain_http_has_a_connect_phase_but_no_tls(server, http, engine):
    result = probe(engine, f"{server.base}/file.csv", http)
    assert result.outcome == "up"
    assert result.extra["connect_ms"] <= result.extra["ttfb_ms"] + 0.1
    assert not {"tls_ms", "cert_not_after", "cert_days_left"} & set(result.extra)


def test_api_check_over_https_records_phases_and_certificate(tls, http):
    server, pki = tls
    check = ApiCheck(
        name="geocode",
        url=f"{server.base}/api/geocode?q=amiens",
        expect=Expectation(content_type="application/json", max_latency_ms=5000),
    )
    result = check_api(check, trusting(http, pki), now=at(pki, 3))
    assert result.outcome == "up"
    assert result.reason.endswith(f"; certificate expires in 3 days ({pki.not_after.date()})")
    assert result.extra["cert_days_left"] == 3
    assert result.extra["tls_ms"] > 0


def test_a_reused_connection_reports_its_certificate_but_no_set_up(tls, http):
    server, pki = tls
    urls = [f"{server.base}/file.csv?{i}" for i in range(3)]
    results = run_sync(probe_many_async(urls, trusting(http, pki), per_host=1))
    assert [r.outcome for r in results] == ["up"] * 3
    assert "tls_ms" in results[0].extra
    for later in results[1:]:  # the same keep-alive connection: no new TCP or TLS set-up
        assert "connect_ms" not in later.extra and "tls_ms" not in later.extra
        assert later.extra["cert_not_after"] == pki.not_after.isoformat()


def _names(mapping: dict[str, str]):
    import ipaddress

    def resolve(host: str, port: int) -> list:
        return [ipaddress.ip_address(mapping[host])]

    return resolve


@pytest.mark.parametrize("engine", ENGINES)
def test_pinned_address_keeps_the_name_for_sni_and_certificate(tls, http, engine):
    """The guard connects to the checked IP, but TLS still checks the URL's host name."""
    server, pki = tls
    port = server.server_address[1]
    names = {"localhost": "127.0.0.1", "files.test": "127.0.0.1"}
    pinned = replace(trusting(http, pki), resolver=_names(names))
    good = probe(engine, f"https://localhost:{port}/file.csv", pinned)
    assert good.outcome == "up"  # the certificate names localhost
    wrong = probe(engine, f"https://files.test:{port}/file.csv", pinned)
    assert wrong.outcome == "down" and "tls" in wrong.reason.lower()  # not files.test
