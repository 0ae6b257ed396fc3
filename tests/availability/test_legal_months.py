"""Legal availability per calendar month, worked out by hand, through the real store
(SQLite and PostgreSQL) with raw probes rolled up into buckets as in production.

January 2025 has 31 days = 744 h. Files must be up 99 % of the month: at most 7.44 h down;
APIs 99.5 %: at most 3.72 h down. A month counts only when 90 % of it (669.6 h) was measured.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from observatory.availability.legal import (
    IN_PROGRESS,
    INSUFFICIENT,
    MET,
    NOT_MET,
    combine,
    dataset_grid,
    month_verdict,
)

from .history import STEP, probe

FEB_10 = datetime(2025, 2, 10, 12, 0, tzinfo=UTC)
FILES = [f"https://files.example.test/ref/part-{i}.csv" for i in range(3)]
API = "https://api.example.test/ref/search?q=x"


def month_of_probes(url: str, outage_hours: float = 0, days: int = 31, target: str = "file"):
    """A probe every 15 min from 1 January 00:00 for ``days`` days; down for ``outage_hours``
    from 10 January 08:00."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    down_from = datetime(2025, 1, 10, 8, tzinfo=UTC)
    down_to = down_from + timedelta(hours=outage_hours)
    found, moment = [], start
    while moment < start + timedelta(days=days):
        outcome = "down" if down_from <= moment < down_to else "up"
        found.append(probe(moment, outcome, url=url, target=target))
        moment += STEP
    return found


def stored_summaries(store, probes, now=FEB_10, prune=True):
    run = store.start_run("probe", datetime(2025, 1, 1, tzinfo=UTC))
    store.save_probes(run, probes)
    store.finish_run(run, "ok", {})
    if prune:  # January lives only in rollups afterwards
        store.roll_up_and_prune(2, now)
    return {url: store.availability(url, now) for url in {p.url for p in probes}}


@pytest.mark.parametrize("hours, verdict", [(8, NOT_MET), (7, MET)])
def test_one_file_down_for_hours_in_a_31_day_month(store, hours, verdict) -> None:
    probes = month_of_probes(FILES[0], outage_hours=hours)
    probes += month_of_probes(FILES[1]) + month_of_probes(FILES[2])
    summaries = stored_summaries(store, probes)
    january = summaries[FILES[0]]["months"]["2025-01"]
    assert january["down_seconds"] == hours * 3600
    assert january["coverage"] == pytest.approx(1.0, abs=1e-3)  # the last probe holds 15 min
    # 8 h: 736/744 = 98.92 % < 99 %; 7 h: 737/744 = 99.06 % >= 99 % (7.44 h allowed)
    assert january["uptime"] == pytest.approx((744 - hours) / 744)
    grid = dataset_grid(FILES, [], summaries, FEB_10)["file_availability"]
    assert grid["urls"][FILES[0]]["2025-01"] == verdict
    assert grid["urls"][FILES[1]]["2025-01"] == MET
    assert grid["urls"][FILES[2]]["2025-01"] == MET
    # the dataset meets the obligation only when each file does: no average hides a file
    assert grid["months"]["2025-01"] == verdict
    assert grid["months"]["2025-02"] == IN_PROGRESS
    assert grid["headline"] == verdict  # the last finished month
    assert grid["months"]["2024-12"] == INSUFFICIENT  # before any probe


def test_a_month_with_20_days_of_probes_is_insufficient(store) -> None:
    summaries = stored_summaries(store, month_of_probes(FILES[0], days=20))
    january = summaries[FILES[0]]["months"]["2025-01"]
    assert january["uptime"] == 1.0  # every measured second was up
    assert january["coverage"] == pytest.approx(20 * 24 / 744, abs=1e-3)  # 64.5 % < 90 %
    grid = dataset_grid([FILES[0]], [], summaries, FEB_10)["file_availability"]
    assert grid["months"]["2025-01"] == INSUFFICIENT
    assert grid["headline"] == INSUFFICIENT


def test_current_month_in_progress_unless_already_beyond_the_allowance(store) -> None:
    # API down 4 h on 10 January, measured until 15 January: 4 h > 3.72 h allowed for the
    # whole month, so January is already lost although it is not over.
    now = datetime(2025, 1, 15, tzinfo=UTC)
    probes = month_of_probes(API, outage_hours=4, days=14, target="api")
    probes += month_of_probes(FILES[0], outage_hours=4, days=14)
    summaries = stored_summaries(store, probes, now=now, prune=False)
    grid = dataset_grid([FILES[0]], [API], summaries, now)
    assert grid["api_availability"]["months"]["2025-01"] == NOT_MET
    assert grid["api_availability"]["headline"] == NOT_MET
    assert grid["file_availability"]["months"]["2025-01"] == IN_PROGRESS  # 4 h < 7.44 h


def test_verdict_rules_by_hand() -> None:
    now = datetime(2025, 3, 1, tzinfo=UTC)
    length = 28 * 86400  # February 2025
    assert month_verdict(2025, 2, "file", now, 1.0, length, 0) == MET
    assert month_verdict(2025, 2, "file", now, 1.0, 0.89 * length, 0) == INSUFFICIENT
    assert month_verdict(2025, 2, "file", now, 1.0, 0.91 * length, 0) == MET
    assert month_verdict(2025, 2, "api", now, 0.994, length, 0.006 * length) == NOT_MET
    assert month_verdict(2025, 3, "file", now, None, 0, 0) == IN_PROGRESS
    assert combine([MET, MET]) == MET
    assert combine([MET, IN_PROGRESS]) == IN_PROGRESS
    assert combine([MET, INSUFFICIENT, IN_PROGRESS]) == INSUFFICIENT
    assert combine([MET, NOT_MET, INSUFFICIENT]) == NOT_MET
    assert combine([]) == INSUFFICIENT
