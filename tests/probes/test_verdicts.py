"""Probe verdicts that do not take a server's word for it (issue 12, item 4).

A HEAD that could be lying is confirmed by a small ranged GET; a host caught answering HEAD
differently from GET has its HEAD disbelieved for the rest of the batch; an empty body is not
a file. Against the sandbox's faults and the scripted server, through both engines.
"""

from __future__ import annotations

import pytest

from observatory.net.fetch import HttpSettings
from observatory.probes.aio import probe_url_async, run_sync
from observatory.probes.batch import probe_many
from observatory.probes.http import probe_url
from observatory.probes.polite import HeadMemory
from observatory.registry import parse_config

ENGINES = ("threads", "async")


@pytest.fixture(scope="module")
def sandbox_http(sandbox) -> HttpSettings:
    return HttpSettings.from_settings(parse_config(sandbox.config_text()).settings)


def probe(engine: str, url: str, http: HttpSettings):
    if engine == "threads":
        return probe_url(url, http)
    return run_sync(probe_url_async(url, http))


@pytest.mark.parametrize("engine", ENGINES)
def test_empty_file_is_not_up(sandbox, sandbox_http, engine):
    result = probe(engine, sandbox.fault_url("empty-file"), sandbox_http)
    assert result.outcome == "down"
    assert result.method == "GET"
    assert "empty body" in result.reason
    assert "empty file" in result.extra["fallback"]


@pytest.mark.parametrize("engine", ENGINES)
def test_head_without_type_is_confirmed_and_caught(sandbox, sandbox_http, engine):
    result = probe(engine, sandbox.fault_url("head-without-type"), sandbox_http)
    assert result.outcome == "down"
    assert result.reason == "HEAD says 200 but GET answers 500"
    assert "no usable Content-Length or Content-Type" in result.extra["fallback"]
    assert "HEAD answered 200 where GET is down" in result.extra["head_unreliable"]


@pytest.mark.parametrize("engine", ENGINES)
def test_host_caught_lying_has_its_head_disbelieved(sandbox, sandbox_http, engine):
    caught, convincing = sandbox.fault_url("head-without-type"), sandbox.fault_url("head-disagrees")
    alone = probe_many([convincing], sandbox_http, engine=engine)[0]
    assert alone.outcome == "up" and alone.method == "HEAD"  # nothing known yet: believed
    memory = HeadMemory()
    first, second = probe_many(
        [caught, convincing], sandbox_http, per_host=1, engine=engine, memory=memory
    )
    assert first.outcome == "down"
    assert second.outcome == "down" and second.method == "GET" and second.status == 404
    assert "is not believed" in second.extra["fallback"]
    again = probe_many([convincing], sandbox_http, engine=engine, memory=memory)[0]
    assert again.outcome == "down"  # the memory outlives one batch when the caller keeps it


@pytest.mark.parametrize("engine", ENGINES)
def test_ranged_confirmation_reports_the_whole_file(server, http, engine):
    result = probe(engine, f"{server.base}/ranged.bin", http)
    assert result.outcome == "up"
    assert (result.method, result.status) == ("GET", 206)
    assert result.content_length == 100_000  # from Content-Range, not the part's length
    assert "head_unreliable" not in result.extra
    ranges = [h for h in server.hits if h[1] == "/ranged.bin" and h[0] == "GET"]
    assert ranges


@pytest.mark.parametrize("engine", ENGINES)
def test_trustworthy_head_still_decides_alone(server, http, engine):
    result = probe(engine, f"{server.base}/file.csv", http)
    assert (result.outcome, result.method) == ("up", "HEAD")
