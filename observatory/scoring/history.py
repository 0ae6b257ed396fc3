"""Availability history as scoring reads it: 30-day and calendar-month uptime per URL.

Figures come from the store's raw probes and rollups together, on time (each probe holds
until the next, at most ``max_gap``: ``observatory.availability.stats``). A figure is
handed to the criteria only when its window is measured enough (``MIN_COVERAGE``); below
that, history cannot judge and the latest probe stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from observatory.availability.stats import (
    DEFAULT_MAX_GAP,
    Figures,
    Tally,
    figures,
    month_bounds,
    month_label,
    tally,
)
from observatory.model import ProbeResult

if TYPE_CHECKING:
    from observatory.storage.store import Store

WINDOW = timedelta(days=30)

#: below this share of the 30-day window measured, criteria use the latest probe instead.
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class UrlAvailability:
    """One file's or API's availability over the last 30 days and the current month."""

    url: str
    uptime_30d: float | None
    coverage_30d: float | None
    month: str  # YYYY-MM, the calendar month holding ``now`` (UTC)
    uptime_month: float | None
    coverage_month: float | None  # of the month so far
    #: True when no later instant can judge the 30-day uptime without a new probe: the
    #: window cannot gain more measured time than the latest probe still vouches for
    settled: bool = False

    @property
    def judged_30d(self) -> float | None:
        """The 30-day uptime when enough of the window was measured, else None."""
        if self.uptime_30d is None or (self.coverage_30d or 0.0) < MIN_COVERAGE:
            return None
        return self.uptime_30d


def _period(
    raw: Sequence[ProbeResult],
    buckets: Sequence[Any],
    rolled_until: datetime | None,
    start: datetime,
    end: datetime,
    max_gap: timedelta,
) -> Figures:
    """Figures over [start, end): rolled-up buckets before ``rolled_until``, raw after."""
    total = Tally()
    if rolled_until is not None:
        for b in buckets:
            if start <= b.start < min(end, rolled_until):
                total.add(b.tally)
    raw_start = start if rolled_until is None else max(start, rolled_until)
    if raw_start < end:
        total.add(tally(raw, raw_start, end, max_gap))
    return figures(total, start, end)


def url_availability(
    url: str,
    raw: Sequence[ProbeResult],
    hourly: Sequence[Any],
    daily: Sequence[Any],
    rolled_until: datetime | None,
    now: datetime,
    max_gap: timedelta = DEFAULT_MAX_GAP,
) -> UrlAvailability:
    raw = sorted(raw, key=lambda p: p.checked_at)
    window = _period(raw, hourly, rolled_until, now - WINDOW, now, max_gap)
    start, _ = month_bounds(now.year, now.month)
    month = _period(raw, daily, rolled_until, start, now, max_gap)
    # measured time in any later window <= what this one holds + the last probe's reach,
    # + one more max_gap that a rollup of a probe just before the window may bring in
    reachable = (window.covered_seconds + 2 * max_gap.total_seconds()) / WINDOW.total_seconds()
    return UrlAvailability(
        url=url,
        uptime_30d=window.uptime,
        coverage_30d=window.coverage,
        month=month_label(now.year, now.month),
        uptime_month=month.uptime,
        coverage_month=month.coverage,
        settled=reachable < MIN_COVERAGE,
    )


def since(now: datetime) -> datetime:
    """The earliest instant the figures read: 30 days back or the month's start."""
    start, _ = month_bounds(now.year, now.month)
    return min(now - WINDOW, start)


def load_availability(
    store: Store, urls: Iterable[str], now: datetime, max_gap: timedelta = DEFAULT_MAX_GAP
) -> dict[str, UrlAvailability]:
    """URL -> availability figures, from the store's probe history and rollups."""
    wanted = list(dict.fromkeys(urls))
    if not wanted:
        return {}
    histories = store.availability_histories(wanted, since(now))
    return {
        url: url_availability(url, *histories[url], now, max_gap)
        for url in wanted
        if url in histories
    }


def judged_uptimes(availability: Mapping[str, UrlAvailability]) -> dict[str, float]:
    """URL -> 30-day uptime, for the URLs whose window is measured enough."""
    out = {}
    for url, figures_ in availability.items():
        value = figures_.judged_30d
        if value is not None:
            out[url] = value
    return out
