"""The arrêté of 14 June 2017 read month by month: availability verdicts per file and API.

Each SPDR file must be available 99 % of each calendar month and each SPDR API 99.5 %. A
month's figures come from the whole probe history, rollups included (``summary``), on time:
each probe's outcome holds until the next one, at most ``max_gap``. The verdict of one URL
for one month is:

- ``in_progress`` for the current month, unless the downtime already measured exceeds what
  the whole month allows (then ``not_met``: nothing left can repair it);
- ``not_met`` once the downtime measured exceeds the whole month's allowance, whatever the
  coverage; otherwise, for a finished month,
- ``insufficient`` when less than ``MIN_LEGAL_COVERAGE`` (90 %) of the month was measured;
- ``met`` / ``not_met`` by the uptime of the measured time against the bar.

A dataset meets an obligation for a month only when every one of its files (or APIs) does:
one failing file makes the month ``not_met``, however good the others are; no average.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from observatory.availability.stats import THRESHOLDS, month_bounds, month_label

MET = "met"
NOT_MET = "not_met"
INSUFFICIENT = "insufficient"
IN_PROGRESS = "in_progress"
VERDICTS = (MET, NOT_MET, INSUFFICIENT, IN_PROGRESS)
#: A finished month is judged only when at least this share of it was measured.
MIN_LEGAL_COVERAGE = 0.9
GRID_MONTHS = 12
#: Obligation key (``scoring.legal.OBLIGATIONS``) -> probe target.
OBLIGATION_TARGETS = {"file_availability": "file", "api_availability": "api"}


def month_verdict(
    year: int,
    month: int,
    target: str,
    now: datetime,
    uptime: float | None,
    covered_seconds: float,
    down_seconds: float,
    min_coverage: float = MIN_LEGAL_COVERAGE,
) -> str:
    """The verdict of one URL for one calendar month (see the module docstring)."""
    start, end = month_bounds(year, month)
    length = (end - start).total_seconds()
    bar = THRESHOLDS.get(target, THRESHOLDS["file"])
    allowed_down = (1 - bar) * length
    if down_seconds > allowed_down + 1e-6:
        return NOT_MET
    if now < end:
        return IN_PROGRESS
    if uptime is None or covered_seconds < min_coverage * length:
        return INSUFFICIENT
    return MET if uptime >= bar else NOT_MET


def combine(verdicts: Iterable[str]) -> str:
    """One obligation for a month from its URLs' verdicts: any failure fails the month."""
    found = set(verdicts)
    for verdict in (NOT_MET, INSUFFICIENT, IN_PROGRESS):
        if verdict in found:
            return verdict
    return MET if found else INSUFFICIENT


def grid_months(now: datetime, count: int = GRID_MONTHS) -> list[tuple[int, int]]:
    """The ``count`` calendar months ending with ``now``'s, oldest first."""
    year, month = now.year, now.month
    found = []
    for _ in range(count):
        found.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found[::-1]


def url_months(summary: Mapping[str, Any], target: str, now: datetime) -> dict[str, str]:
    """Month label -> verdict for one URL from its ``availability_summary`` (every grid month)."""
    months = summary.get("months") or {}
    found = {}
    for year, month in grid_months(now):
        label = month_label(year, month)
        fig = months.get(label) or {}
        found[label] = month_verdict(
            year,
            month,
            target,
            now,
            fig.get("uptime"),
            float(fig.get("covered_seconds") or 0.0),
            float(fig.get("down_seconds") or 0.0),
        )
    return found


def obligation_grid(
    urls: Iterable[str], target: str, summaries: Mapping[str, Mapping[str, Any]], now: datetime
) -> dict[str, Any]:
    """One obligation of one dataset over the grid months: per URL, and combined."""
    per_url = {url: url_months(summaries.get(url) or {}, target, now) for url in urls}
    labels = [month_label(y, m) for y, m in grid_months(now)]
    combined = {label: combine(v[label] for v in per_url.values()) for label in labels}
    return {"target": target, "bar": THRESHOLDS[target], "months": combined, "urls": per_url}


def headline(months: Mapping[str, str], now: datetime) -> str:
    """The obligation's state as an edition states it: ``not_met`` when the current month is
    already breached, else the verdict of the last finished month."""
    current = month_label(now.year, now.month)
    if months.get(current) == NOT_MET:
        return NOT_MET
    finished = sorted(label for label in months if label < current)
    return months[finished[-1]] if finished else months.get(current, INSUFFICIENT)


def dataset_grid(
    file_urls: Iterable[str],
    api_urls: Iterable[str],
    summaries: Mapping[str, Mapping[str, Any]],
    now: datetime,
) -> dict[str, dict[str, Any]]:
    """Obligation -> grid for one SPDR dataset (the API obligation only when it has APIs)."""
    files, apis = list(file_urls), list(api_urls)
    grid = {"file_availability": obligation_grid(files, "file", summaries, now)}
    if apis:
        grid["api_availability"] = obligation_grid(apis, "api", summaries, now)
    for entry in grid.values():
        entry["headline"] = headline(entry["months"], now)
    return grid
