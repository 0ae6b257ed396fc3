"""Uptime, percentiles and compliance against hand-computed values on a stored history.

The history (tests/availability/history.py) is saved in the store and read back, so the
figures are those of what the store really keeps. Schedule 15 min, max_gap 30 min.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from observatory.availability import stats
from observatory.availability.legal import month_verdict
from observatory.availability.stats import monthly_figures, percentiles, uptime

from .history import FILE_URL, NOW, at, file_history, march_file, probe

GAP = timedelta(minutes=30)
DAY = 86400.0


@pytest.fixture
def stored(store):
    run = store.start_run("probe", at(1, 1))
    store.save_probes(run, file_history())
    store.finish_run(run, "ok", {})
    return store.probe_history(FILE_URL)


def test_last_24_hours_hand_computed(stored) -> None:
    fig = stats.window_figures(stored, NOW, GAP)["24h"]
    # Up (not degraded): 00:00-00:45 2700 + 01:45-02:15 1800 + 02:15 holds max_gap 1800
    #   + 05:15-05:30 900 + 05:45-11:45 21600 + 11:45 until now 900 = 29700 s.
    # Degraded 05:00-05:15 = 900 s. Down 00:45-01:45 = 3600 s.
    # No data: Mar 9 12:00-24:00 43200 + gap 02:45-05:00 8100 + unknown 05:30-05:45 900.
    assert fig.down_seconds == 3600
    assert fig.degraded_seconds == 900
    assert fig.covered_seconds == 29700 + 900 + 3600  # 34200
    assert fig.no_data_seconds == 43200 + 8100 + 900  # 52200 = 86400 - 34200
    assert fig.uptime == pytest.approx((29700 + 900) / 34200)  # 17/19 = 0.8947…
    assert fig.uptime == pytest.approx(17 / 19)


def test_seven_and_thirty_days_see_only_march(stored) -> None:
    figs = stats.window_figures(stored, NOW, GAP)
    for name, days in (("7d", 7), ("30d", 30)):
        assert figs[name].covered_seconds == 34200
        assert figs[name].no_data_seconds == days * DAY - 34200
        assert figs[name].uptime == pytest.approx(17 / 19)


def test_ninety_days_include_january_and_its_gaps(stored) -> None:
    fig = stats.window_figures(stored, NOW, GAP)["90d"]
    # January covered: 31 days minus the stopped day, less the 30 min the Jan 19 23:45
    # probe vouches for (23:45 + 15 min up to midnight, + 15 min past it):
    #   2678400 - (86400 - 900) = 2592900. Feb: 900 (Jan 31 23:45 spills into Feb 1).
    # March: 34200. Down: January 7 h = 25200, March 3600.
    assert fig.covered_seconds == 2592900 + 900 + 34200  # 2628000
    assert fig.down_seconds == 25200 + 3600  # 28800
    assert fig.uptime == pytest.approx((2628000 - 28800) / 2628000)  # 0.98904…


def test_calendar_months_and_compliance(stored) -> None:
    months = monthly_figures(stored, NOW, GAP)
    assert list(months) == ["2025-01", "2025-02", "2025-03"]
    jan, feb, mar = months["2025-01"], months["2025-02"], months["2025-03"]
    assert jan.covered_seconds == 2592900
    assert jan.no_data_seconds == 86400 - 900  # Jan 20 00:15 .. Jan 21 00:00
    assert jan.down_seconds == 25200
    assert jan.uptime == pytest.approx(2567700 / 2592900)  # 0.990281…

    def verdict(fig, target: str) -> str:
        year, month = fig.start.year, fig.start.month
        return month_verdict(
            year, month, target, NOW, fig.uptime, fig.covered_seconds, fig.down_seconds
        )

    # 96.8 % of January measured (>= 90 %); 7 h down of 744 h allowed 7.44 h (files)
    assert verdict(jan, "file") == "met"  # 99.03 % >= 99 %
    assert verdict(jan, "api") == "not_met"  # 7 h > 3.72 h allowed
    assert feb.covered_seconds == 900 and feb.uptime == 1.0
    assert verdict(feb, "file") == "insufficient"  # 900 s of 28 days: too little to judge
    assert mar.end == NOW and mar.covered_seconds == 34200
    assert verdict(mar, "file") == "in_progress"


def test_prober_silence_is_no_data_never_up_or_down(stored) -> None:
    fig = uptime(stored, at(1, 20, 1), at(1, 21), GAP)
    assert fig.uptime is None
    assert fig.covered_seconds == 0
    assert fig.no_data_seconds == 23 * 3600


def test_unknown_and_refused_time_is_no_data() -> None:
    history = [probe(at(3, 1), "unknown"), probe(at(3, 1, 0, 15), "refused")]
    fig = uptime(history, at(3, 1), at(3, 1, 1), GAP)
    assert fig.uptime is None and fig.no_data_seconds == 3600


def test_latency_percentiles_linear_interpolation(stored) -> None:
    # Up/degraded latencies in the last 24 h: [100, 200, 300, 400, 6000] (down ones excluded).
    # numpy linear: rank = q/100 * (n - 1) with n = 5.
    # p50: rank 2 -> 300. p95: rank 3.8 -> 400 + 0.8 * 5600 = 4880.
    # p99: rank 3.96 -> 400 + 0.96 * 5600 = 5776.
    values = stats.latencies(stored, NOW - timedelta(hours=24), NOW)
    assert sorted(values) == [100, 200, 300, 400, 6000]
    assert percentiles(values) == pytest.approx({"p50": 300.0, "p95": 4880.0, "p99": 5776.0})
    assert percentiles([]) == {"p50": None, "p95": None, "p99": None}


def test_a_longer_max_gap_fills_the_prober_outage() -> None:
    # With max_gap 3 h, the 02:15 probe holds until the 05:00 probe: 02:15-05:00 up.
    fig = uptime(march_file(), at(3, 10), at(3, 10, 12), timedelta(hours=3))
    assert fig.no_data_seconds == 900  # only the unknown quarter hour
    assert fig.covered_seconds == 12 * 3600 - 900
