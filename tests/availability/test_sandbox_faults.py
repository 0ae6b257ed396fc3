"""The issue's "Must hold" against the sandbox's scripted faults, one test each.

The probes run with the sandbox's own configuration (``sandbox.config_text()``): its timeouts,
its ``slow_ms`` (1000) and its API checks, as the scheduled ``probe`` flow would.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from observatory.availability.incidents import find_incidents
from observatory.net.fetch import HttpSettings
from observatory.probes.aio import probe_url_async, run_sync
from observatory.probes.api import check_api
from observatory.probes.batch import probe_many
from observatory.probes.http import probe_url
from observatory.registry import ApiCheck, Config, parse_config
from observatory.sandbox.server import Sandbox

ENGINES = ("threads", "async")
T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
EVERY = timedelta(minutes=5)


@pytest.fixture(scope="module")
def config(sandbox) -> Config:
    return parse_config(sandbox.config_text())


@pytest.fixture(scope="module")
def http(config) -> HttpSettings:
    return HttpSettings.from_settings(config.settings)


def api_check(config: Config, spdr_key: str) -> ApiCheck:
    entry = next(e for e in config.spdr if e.key == spdr_key)
    return entry.apis[0]


def probe(engine: str, url: str, http: HttpSettings, slow_ms: float):
    if engine == "threads":
        return probe_url(url, http, slow_ms=slow_ms)
    return run_sync(probe_url_async(url, http, slow_ms=slow_ms))


@pytest.mark.parametrize("engine", ENGINES)
def test_lying_head_is_down(sandbox, config, http, engine):
    result = probe(engine, sandbox.fault_url("lying-head"), http, config.settings.slow_ms)
    assert result.outcome == "down"
    assert (result.method, result.status) == ("GET", 404)
    assert result.reason == "HEAD says 200 but GET answers 404"
    assert result.extra["fallback"] == "HEAD gave no usable Content-Length or Content-Type"


@pytest.mark.parametrize("engine", ENGINES)
def test_firewall_page_is_not_up(sandbox, config, http, engine):
    result = probe(engine, sandbox.fault_url("firewall"), http, config.settings.slow_ms)
    assert result.outcome != "up"
    assert result.outcome == "down"
    assert result.status == 200  # the server says all is well; the body says otherwise
    assert result.reason.startswith("firewall/HTML page instead of a file")
    assert "request rejected" in result.reason


@pytest.mark.parametrize("engine", ENGINES)
def test_rate_limited_is_unknown_not_down(sandbox, config, http, engine):
    result = probe(engine, sandbox.fault_url("rate-limited"), http, config.settings.slow_ms)
    assert result.outcome == "unknown"
    assert result.status == 429
    assert "Retry-After: 120" in result.reason
    assert result.extra["retry_after"] == "120"


def test_the_three_file_faults_through_the_batch_prober(sandbox, config, http):
    """The scheduled path: one batch, per-host budgets; a 429 leaves its host alone."""
    names = ("lying-head", "firewall", "rate-limited")
    results = probe_many([sandbox.fault_url(n) for n in names], http, slow_ms=1000)
    assert [r.outcome for r in results] == ["down", "down", "unknown"]


@pytest.fixture
def intermittent() -> Iterator[Sandbox]:
    """A sandbox of its own, so the intermittent API's request counter starts at 1."""
    with Sandbox(port=0, fail_every=3) as portal:
        yield portal


def test_intermittent_api_incident_has_the_right_start_and_end(intermittent, store):
    config = parse_config(intermittent.config_text())
    http = HttpSettings.from_settings(config.settings)
    check = api_check(config, "sirene")
    assert check.url.startswith(intermittent.fault_url("intermittent-api"))
    at = [T0 + i * EVERY for i in range(7)]
    probes = [check_api(check, http, slow_ms=config.settings.slow_ms, now=t) for t in at]
    # Requests 1, 4 and 7 fail (one in three, the first one first).
    assert [p.outcome for p in probes] == ["down", "up", "up", "down", "up", "up", "down"]
    assert probes[0].reason == "HTTP 500"
    run = store.start_run("probe", started_at=T0)
    store.save_probes(run, probes)
    history = store.probe_history(check.url)
    assert [p.checked_at for p in history] == at

    incidents = find_incidents(history, open_after=1, close_after=2)
    spans = [(i.start, i.end) for i in incidents]
    # Each incident starts at its failing probe and ends at the first success of the two
    # that close it (find_incidents: the outage ended when the API answered right again).
    assert spans == [(at[0], at[1]), (at[3], at[4]), (at[6], None)]
    assert incidents[0].duration() == EVERY
    assert incidents[0].cause == "HTTP 500"
    assert (incidents[0].status, incidents[0].target) == (500, "api")
    # One success alone does not close it: the second one confirms.
    still_open = find_incidents(history[:2], open_after=1, close_after=2)
    assert [(i.start, i.end) for i in still_open] == [(at[0], None)]


def test_slow_api_is_degraded_past_its_threshold(sandbox, config, http):
    check = api_check(config, "organisation-etat")
    assert check.url == sandbox.fault_url("slow-api")
    # The configuration's slow_ms (1000) against the 1.5 s answer.
    slow = check_api(check, http, slow_ms=config.settings.slow_ms)
    assert slow.outcome == "degraded"
    assert slow.latency_ms >= 1500
    assert slow.reason.startswith("answers as expected but slow:")
    assert slow.reason.endswith("ms > 1000 ms")
    # A maximum latency of 1000 ms in the check's own assertions says the same.
    strict = check.model_copy(
        update={"expect": check.expect.model_copy(update={"max_latency_ms": 1000})}
    )
    late = check_api(strict, http, slow_ms=5000)
    assert late.outcome == "degraded"
    assert "max_latency_ms: expected 1000" in late.reason
    # Thresholds above 1.5 s: the same answer is up.
    assert check.expect.max_latency_ms == 3000
    assert check_api(check, http, slow_ms=3000).outcome == "up"
