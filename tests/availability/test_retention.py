"""Retention: raw probes rolled up per hour and day, then deleted; figures survive."""

from __future__ import annotations

import pytest

from observatory.availability.rollup import histogram_percentiles, roll_up

from .history import API_URL, FILE_URL, NOW, api_history, at, file_history, probe


@pytest.fixture
def stored(store):
    run = store.start_run("probe", at(1, 1))
    store.save_probes(run, file_history() + api_history())
    store.finish_run(run, "ok", {})
    return store


def _figures(report: dict) -> dict:
    """What must not change when raw probes are pruned: months and windows, no incidents."""
    keep = ("uptime", "covered_seconds", "no_data_seconds", "down_seconds", "degraded_seconds")
    months = {
        k: {f: v[f] for f in keep} | {"c": v["compliant"]} for k, v in report["months"].items()
    }
    windows = {k: {f: v[f] for f in keep} for k, v in report["windows"].items()}
    return {"months": months, "windows": windows}


def test_monthly_figures_identical_after_pruning(stored) -> None:
    before = stored.availability(FILE_URL, NOW)
    assert before["months"]["2025-01"]["covered_seconds"] == 2592900
    assert before["months"]["2025-01"]["compliant"] is True
    done = stored.roll_up_and_prune(keep_raw_days=30, now=NOW)
    # Cutoff: midnight before NOW - 30 days = Feb 8 00:00. Every January probe but the last
    # (Jan 31 23:45, whose state carries over) is deleted: 31*96 - 96 - 1 = 2879.
    assert done["cutoff"] == "2025-02-08T00:00:00+00:00"
    assert done["deleted"] == 31 * 96 - 96 - 1
    raw = stored.probe_history(FILE_URL)
    assert raw[0].checked_at == at(1, 31, 23, 45)
    after = stored.availability(FILE_URL, NOW)
    assert _figures(after) == _figures(before)
    assert after["rolled_until"] == "2025-02-08T00:00:00+00:00"
    # March incidents come from raw probes, still there; January's went with them.
    assert [i["start"] for i in after["incidents"]] == ["2025-03-10T00:45:00+00:00"]


def test_pruning_in_steps_equals_pruning_once(stored) -> None:
    before = _figures(stored.availability(FILE_URL, NOW))
    first = stored.roll_up_and_prune(keep_raw_days=0, now=at(1, 10, 11, 7))  # cutoff Jan 10
    assert first["cutoff"] == "2025-01-10T00:00:00+00:00"
    stored.roll_up_and_prune(keep_raw_days=0, now=at(1, 20, 12))  # mid-outage
    stored.roll_up_and_prune(keep_raw_days=3, now=NOW)  # cutoff Mar 7
    again = stored.roll_up_and_prune(keep_raw_days=3, now=NOW)
    assert again["urls"] == 0 and again["deleted"] == 0  # nothing left to roll
    assert _figures(stored.availability(FILE_URL, NOW)) == before
    api = stored.availability(API_URL, NOW)["months"]["2025-03"]
    assert api["uptime"] == pytest.approx(8 / 15)  # see test_api_month_from_rollups


def test_api_month_from_rollups(stored) -> None:
    # API on Mar 10, 06:00-10:15 (09:45 up holds 30 min): 17 quarter hours probed.
    # up: 06:00, 07:15, 07:45, 08:00, 08:45, 09:45 x2 (max_gap) = 7 quarters;
    # degraded 06:15: 1; down: 06:30, 07:00, 08:15, 08:30, 09:00, 09:15, 09:30 = 7;
    # unknown 06:45, 07:30: no data. Uptime (7 + 1) / (7 + 1 + 7) = 8/15.
    before = stored.availability(API_URL, NOW)["months"]["2025-03"]
    assert before["uptime"] == pytest.approx(8 / 15)
    assert before["threshold"] == 0.995
    stored.roll_up_and_prune(keep_raw_days=0, now=at(3, 11))
    after = stored.availability(API_URL, at(3, 11))["months"]["2025-03"]
    assert after["uptime"] == pytest.approx(8 / 15)
    assert after["covered_seconds"] == 15 * 900


def test_hourly_buckets_split_time_and_keep_counts() -> None:
    history = [probe(at(3, 1, 0, 50), "up", latency=120.0), probe(at(3, 1, 1, 5), "down")]
    (zero, one) = roll_up(history, None, at(3, 2), "hour")
    # 00:50-01:05 up: 600 s in hour 0, 300 s in hour 1; 01:05 down holds 30 min.
    assert (zero.start, zero.tally.up, zero.counts) == (at(3, 1, 0), 600, {"up": 1})
    assert (one.tally.up, one.tally.down, one.counts) == (300, 1800, {"down": 1})
    assert zero.latency_count == 1 and zero.latency_sum == 120.0
    # One latency in the 100-150 ms bin: p50 interpolates to 100 + 50 * 0.5.
    assert histogram_percentiles(zero.latency_hist)["p50"] == pytest.approx(125.0)


def test_negative_retention_is_refused(stored) -> None:
    with pytest.raises(ValueError):
        stored.roll_up_and_prune(keep_raw_days=-1, now=NOW)
