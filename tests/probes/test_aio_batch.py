"""probe_many on both engines: same results, per-host concurrency and rate limits held (counted
by the server), cool-off after 429, conditional requests, the observatory's User-Agent."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bench.probe.server import ETAG, LAST_MODIFIED, Farm
from observatory.net.fetch import HttpSettings
from observatory.probes import aio
from observatory.probes.batch import ASYNC_FROM, probe_many
from observatory.probes.polite import HeadMemory
from observatory.probes.rules import Validators
from observatory.registry import Settings
from tests.probes.scripted import start

ENGINES = ("threads", "async")


@pytest.fixture(scope="module")
def farm() -> Iterator[Farm]:
    """Three hosts on distinct loopback addresses, each counting what it receives."""
    with Farm(3, processes=1, delay=0.05, lifetime=300) as hosts:
        yield hosts


@pytest.fixture
def fresh(farm: Farm) -> Farm:
    farm.reset()
    return farm


@pytest.mark.parametrize("engine", ENGINES)
def test_per_host_concurrency_is_respected_on_each_address(http, fresh, engine):
    urls = [f"{base}/f/{i}.csv" for i in range(12) for base in fresh.bases()]
    results = probe_many(urls, http, per_host=3, engine=engine)
    assert [r.url for r in results] == urls
    assert {r.outcome for r in results} == {"up"}
    stats = fresh.stats()
    assert [s["max_current"] for s in stats.values()] == [3, 3, 3]  # parallel, within budget
    assert [s["requests"] for s in stats.values()] == [12, 12, 12]


@pytest.mark.parametrize("engine", ENGINES)
def test_texts_repeated_by_thousands_of_probes_are_held_once(http, fresh, engine):
    """A portal's 250,000 probes hold a few distinct reasons and content types: one copy
    each."""
    urls = [f"{base}/f/{i}.csv" for i in range(6) for base in fresh.bases()]
    results = probe_many(urls, http, per_host=3, engine=engine)
    assert {r.outcome for r in results} == {"up"}
    first = results[0]
    for r in results[1:]:
        assert r.reason == first.reason and r.reason is first.reason
        assert r.content_type == first.content_type and r.content_type is first.content_type


@pytest.mark.parametrize("engine", ENGINES)
def test_request_rate_per_host_is_respected(http, fresh, engine):
    urls = [f"{base}/f/{i}.csv" for i in range(11) for base in fresh.bases()[:2]]
    start_at = time.monotonic()
    results = probe_many(urls, http, per_host=4, rate=10, engine=engine)
    elapsed = time.monotonic() - start_at
    assert {r.outcome for r in results} == {"up"}
    assert elapsed >= 1.0  # 11 requests 0.1 s apart on each host, hosts side by side
    assert elapsed < 3.0
    stats = [fresh.stats()[host] for host, _ in fresh.hosts[:2]]
    assert all(s["max_per_second"] <= 11 for s in stats)


@pytest.mark.parametrize("engine", ENGINES)
def test_conditional_requests_detect_change_without_download(http, fresh, engine):
    base = fresh.bases()[0]
    same, other, unknown = (f"{base}/f/{name}.csv" for name in ("same", "other", "new"))
    previous = {
        same: Validators(etag=ETAG, last_modified=LAST_MODIFIED, content_length=468),
        other: Validators(etag='"v0"', last_modified="Mon, 03 Mar 2025 10:00:00 GMT"),
    }
    results = probe_many([same, other, unknown], http, previous=previous, engine=engine)
    by_url = {r.url: r for r in results}
    assert by_url[same].outcome == "up"
    assert by_url[same].status == 304
    assert "Not Modified" in by_url[same].reason
    assert by_url[same].extra["changed"] is False
    assert by_url[same].etag == ETAG and by_url[same].content_length == 468
    assert by_url[other].status == 200
    assert by_url[other].extra["changed"] is True
    assert "changed" not in by_url[unknown].extra


@pytest.mark.parametrize("engine", ENGINES)
def test_user_agent_names_the_observatory_and_the_operators_contact(fresh, engine):
    settings = Settings(allowed_networks=["127.0.0.0/8"], contact="ops@example.org")
    http = HttpSettings.from_settings(settings)
    base = fresh.bases()[1]
    probe_many([f"{base}/f/ua.csv"], http, engine=engine)
    agent = fresh.stats()[fresh.hosts[1][0]]["user_agent"]
    assert agent == "observatory/0.1 (+ops@example.org)"


@pytest.mark.parametrize("engine", ENGINES)
def test_user_agent_invents_no_contact(fresh, engine):
    http = HttpSettings.from_settings(Settings(allowed_networks=["127.0.0.0/8"]))
    base = fresh.bases()[1]
    probe_many([f"{base}/f/ua-none.csv"], http, engine=engine)
    agent = fresh.stats()[fresh.hosts[1][0]]["user_agent"]
    assert agent == "observatory/0.1 (contact not configured)"
    assert "@" not in agent and "gouv" not in agent


@pytest.mark.parametrize("engine", ENGINES)
def test_host_asking_to_slow_down_is_left_alone(server, http, engine):
    urls = [f"{server.base}/429"] + [f"{server.base}/file.csv?{i}" for i in range(3)]
    before = len(server.hits)
    results = probe_many(urls, http, per_host=1, engine=engine)
    assert [r.outcome for r in results] == ["unknown"] * 4
    assert "asked to slow down" in results[1].reason
    assert len(server.hits) - before == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_duplicates_order_pages_and_refusals(server, http, engine):
    a, b, page, wall = (
        f"{server.base}/{p}" for p in ("file.csv", "nothing.csv", "page.csv", "firewall.csv")
    )
    urls = [b, a, b, page, "http://10.0.0.1/a.csv", wall, a]
    results = probe_many(urls, http, per_host=3, pages=[page], engine=engine)
    assert [r.url for r in results] == [b, a, page, "http://10.0.0.1/a.csv", wall]
    assert [r.outcome for r in results] == ["down", "up", "up", "refused", "down"]


def test_large_lists_switch_to_the_async_engine_with_the_same_results(server, http, monkeypatch):
    second = start("127.0.0.2")
    try:
        paths = ["file.csv", "lying.csv", "firewall.csv", "nohead.csv", "nothing.csv", "bare.csv"]
        urls = [
            f"{srv.base}/{paths[i % len(paths)]}?{i}"
            for i in range(ASYNC_FROM // 2 + 1)
            for srv in (server, second)
        ]
        calls = []
        real = aio.probe_many_async
        monkeypatch.setattr(
            aio, "probe_many_async", lambda *a, **k: calls.append(1) or real(*a, **k)
        )
        auto = probe_many(urls, http, per_host=4)
        assert calls == [1]
        threaded = probe_many(urls, http, per_host=4, engine="threads")
        assert calls == [1]
        # Which probes come after a host's HEAD is caught lying (and so skip HEAD) depends on
        # the order the engines happen to run them: outcomes and statuses must match anyway.
        assert [(r.url, r.outcome, r.status) for r in auto] == [
            (r.url, r.outcome, r.status) for r in threaded
        ]
        # With both hosts' HEAD already distrusted, the order no longer matters: same words.
        primed = {}
        for engine in ("async", "threads"):
            memory = HeadMemory()
            probe_many(
                [f"{server.base}/lying.csv", f"{second.base}/lying.csv"],
                http,
                engine="threads",
                memory=memory,
            )
            primed[engine] = probe_many(urls, http, per_host=4, engine=engine, memory=memory)
        assert [(r.url, r.outcome, r.reason, r.status, r.method) for r in primed["async"]] == [
            (r.url, r.outcome, r.reason, r.status, r.method) for r in primed["threads"]
        ]
        assert {r.outcome for r in auto} == {"up", "down"}
    finally:
        second.shutdown()
        second.server_close()
