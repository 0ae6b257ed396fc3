"""probe_many: per-host politeness, deduplication, order; group_by_host batches."""

from __future__ import annotations

import pytest

from observatory.probes.batch import check_apis, cool_off_seconds, group_by_host, probe_many
from observatory.registry import ApiCheck
from tests.probes.scripted import start


@pytest.fixture
def second_host():
    try:
        srv = start("127.0.0.2")
    except OSError:
        pytest.skip("127.0.0.2 is not usable here")
    yield srv
    srv.shutdown()
    srv.server_close()


def test_per_host_concurrency_is_respected(http, second_host):
    first = start("127.0.0.1")
    try:
        urls = [f"{srv.base}/conc/{i}.csv" for i in range(8) for srv in (first, second_host)]
        results = probe_many(urls, http, per_host=2, workers=16)
        assert [r.url for r in results] == urls
        assert all(r.outcome == "up" for r in results)
        assert first.max_seen == 2  # parallel, but never more than the budget
        assert second_host.max_seen == 2
    finally:
        first.shutdown()
        first.server_close()


def test_duplicates_are_probed_once_and_order_kept(server, http):
    a, b, c = (f"{server.base}/{p}" for p in ("file.csv", "nothing.csv", "nohead.csv"))
    before = len(server.hits)
    results = probe_many([b, a, b, c, a], http, per_host=3)
    assert [r.url for r in results] == [b, a, c]
    assert [r.outcome for r in results] == ["down", "up", "up"]
    assert len(server.hits) - before <= 5  # b: HEAD+GET, a: HEAD, c: HEAD+GET


def test_host_asking_to_slow_down_is_left_alone(server, http):
    urls = [f"{server.base}/429"] + [f"{server.base}/file.csv?{i}" for i in range(3)]
    before = len(server.hits)
    results = probe_many(urls, http, per_host=1)
    assert [r.outcome for r in results] == ["unknown"] * 4
    assert "asked to slow down" in results[1].reason
    assert len(server.hits) - before == 1


def test_html_answer_is_fine_where_a_page_is_expected(server, http):
    page = f"{server.base}/page.csv"
    results = probe_many([page, f"{server.base}/firewall.csv"], http, pages=[page])
    assert [r.outcome for r in results] == ["up", "down"]


def test_refused_urls_in_a_batch(server, http):
    results = probe_many(["http://10.0.0.1/a.csv", f"{server.base}/file.csv"], http)
    assert [r.outcome for r in results] == ["refused", "up"]


def test_check_apis_keeps_order(server, http):
    checks = [
        ApiCheck(name="ok", url=f"{server.base}/api/geocode"),
        ApiCheck(name="ko", url=f"{server.base}/api/error"),
    ]
    results = check_apis(checks, http, slow_ms=5000)
    assert [(r.check_name, r.outcome) for r in results] == [("ok", "up"), ("ko", "down")]


def test_group_by_host():
    urls = [f"https://a.fr/{i}" for i in range(5)] + ["https://b.fr/x", "https://A.fr/0", "bad"]
    batches = group_by_host(urls, max_batch=2)
    assert batches == [
        ["https://a.fr/0", "https://a.fr/1"],
        ["https://a.fr/2", "https://a.fr/3"],
        ["https://a.fr/4", "https://A.fr/0"],
        ["https://b.fr/x"],
        ["bad"],
    ]


def test_cool_off_from_retry_after():
    assert cool_off_seconds("120") == 120
    assert cool_off_seconds(None) == 60
    assert cool_off_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert cool_off_seconds("soon") == 60
