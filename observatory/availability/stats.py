"""Uptime on time, latency percentiles and monthly compliance, from a URL's probe history.

Rule (stated on the methodology page): each probe's outcome holds from its ``checked_at``
until the next probe, but never longer than ``max_gap``; time past that, time before the
first probe and time after ``now`` is "no data". ``unknown`` (the server asked us to wait)
and ``refused`` (the address is not allowed) time is no data too: neither up nor down.
``degraded`` time counts as up (the resource answered) and is reported separately.
Uptime = up time / (up time + down time), None when nothing was measured.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

import numpy as np

from observatory.model import ProbeResult

DEFAULT_SCHEDULE = timedelta(minutes=15)
DEFAULT_MAX_GAP = 2 * DEFAULT_SCHEDULE  # a probe vouches for at most 30 minutes
WINDOWS: dict[str, timedelta] = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
}
THRESHOLDS = {"file": 0.99, "api": 0.995}  # arrêté of 14 June 2017: availability per month
PERCENTILES = (50, 95, 99)
PERCENTILE_METHOD: Final = "linear"  # numpy's default: linear interpolation between closest ranks


@dataclass
class Tally:
    """Seconds spent in each state over some period (unknown includes refused)."""

    up: float = 0.0  # up, not degraded
    degraded: float = 0.0
    down: float = 0.0
    unknown: float = 0.0

    def add(self, other: Tally) -> None:
        self.up += other.up
        self.degraded += other.degraded
        self.down += other.down
        self.unknown += other.unknown

    def add_state(self, state: str, seconds: float) -> None:
        name = _FIELD.get(state, "unknown")
        setattr(self, name, getattr(self, name) + seconds)


_FIELD = {"up": "up", "degraded": "degraded", "down": "down"}


@dataclass(frozen=True)
class Figures:
    """Availability over one period: what a reuser reads on the page."""

    start: datetime
    end: datetime
    uptime: float | None  # 0..1, None when no second was measured
    covered_seconds: float  # up + degraded + down
    no_data_seconds: float  # gaps, before the first probe, unknown and refused time
    down_seconds: float
    degraded_seconds: float

    @property
    def length_seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    @property
    def coverage(self) -> float | None:
        """Share of the period that was measured (None for an empty period)."""
        length = self.length_seconds
        return self.covered_seconds / length if length > 0 else None

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "uptime": self.uptime,
            "covered_seconds": self.covered_seconds,
            "no_data_seconds": self.no_data_seconds,
            "down_seconds": self.down_seconds,
            "degraded_seconds": self.degraded_seconds,
            "coverage": self.coverage,
        }


def figures(tally: Tally, start: datetime, end: datetime) -> Figures:
    """Turn the seconds of a period into its figures."""
    covered = tally.up + tally.degraded + tally.down
    length = max(0.0, (end - start).total_seconds())
    return Figures(
        start=start,
        end=end,
        uptime=(tally.up + tally.degraded) / covered if covered > 0 else None,
        covered_seconds=covered,
        no_data_seconds=max(0.0, length - covered),
        down_seconds=tally.down,
        degraded_seconds=tally.degraded,
    )


def segments(
    probes: Sequence[ProbeResult], max_gap: timedelta, until: datetime | None = None
) -> Iterator[tuple[datetime, datetime, str]]:
    """(start, end, outcome) of the time each probe vouches for (probes sorted by time)."""
    for i, probe in enumerate(probes):
        stop = probe.checked_at + max_gap
        if i + 1 < len(probes):
            stop = min(stop, probes[i + 1].checked_at)
        if until is not None:
            stop = min(stop, until)
        if stop > probe.checked_at:
            yield probe.checked_at, stop, probe.outcome


def tally(
    probes: Sequence[ProbeResult],
    start: datetime,
    end: datetime,
    max_gap: timedelta = DEFAULT_MAX_GAP,
) -> Tally:
    """Seconds in each state within [start, end)."""
    total = Tally()
    for seg_start, seg_end, outcome in segments(probes, max_gap, end):
        overlap = (min(seg_end, end) - max(seg_start, start)).total_seconds()
        if overlap > 0:
            total.add_state(outcome, overlap)
    return total


def uptime(
    probes: Sequence[ProbeResult],
    start: datetime,
    end: datetime,
    max_gap: timedelta = DEFAULT_MAX_GAP,
) -> Figures:
    """Availability figures over [start, end)."""
    return figures(tally(probes, start, end, max_gap), start, end)


def window_figures(
    probes: Sequence[ProbeResult], now: datetime, max_gap: timedelta = DEFAULT_MAX_GAP
) -> dict[str, Figures]:
    """Figures over the last 24 h, 7 d, 30 d and 90 d ending at ``now``."""
    return {name: uptime(probes, now - span, now, max_gap) for name, span in WINDOWS.items()}


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) of a calendar month, in UTC."""
    days = calendar.monthrange(year, month)[1]
    start = datetime(year, month, 1, tzinfo=UTC)
    return start, start + timedelta(days=days)


def months_between(first: datetime, last: datetime) -> list[tuple[int, int]]:
    """(year, month) of every calendar month from ``first``'s to ``last``'s, in order."""
    year, month = first.astimezone(UTC).year, first.astimezone(UTC).month
    stop = (last.astimezone(UTC).year, last.astimezone(UTC).month)
    found = []
    while (year, month) <= stop:
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def monthly_figures(
    probes: Sequence[ProbeResult], now: datetime, max_gap: timedelta = DEFAULT_MAX_GAP
) -> dict[str, Figures]:
    """Figures per calendar month (UTC) from the first probe's month to ``now``'s month.

    The current month ends at ``now``.
    """
    if not probes:
        return {}
    result = {}
    for year, month in months_between(probes[0].checked_at, now):
        start, end = month_bounds(year, month)
        end = min(end, now)
        result[month_label(year, month)] = uptime(probes, start, end, max_gap)
    return result


def latencies(
    probes: Sequence[ProbeResult], start: datetime | None = None, end: datetime | None = None
) -> list[float]:
    """Latencies (ms) of the answers that counted as up or degraded, within [start, end)."""
    return [
        p.latency_ms
        for p in probes
        if p.latency_ms is not None
        and p.outcome in ("up", "degraded")
        and (start is None or p.checked_at >= start)
        and (end is None or p.checked_at < end)
    ]


def percentiles(values: Sequence[float]) -> dict[str, float | None]:
    """p50, p95, p99 by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return {f"p{q}": None for q in PERCENTILES}
    found = np.percentile(
        np.asarray(values, dtype=float), list(PERCENTILES), method=PERCENTILE_METHOD
    )
    return {f"p{q}": float(v) for q, v in zip(PERCENTILES, found, strict=True)}
