"""Hourly and daily rollups of a probe history, so monthly figures outlive the raw probes.

A bucket keeps the seconds spent up, degraded, down and unknown in it (the same time rule as
``stats``: each probe holds until the next, at most ``max_gap``), the probe counts per
outcome, and a latency histogram with fixed edges. Seconds add up exactly, so uptime over
any union of buckets equals what the raw probes gave; latency percentiles from histograms
are approximate (interpolated within a bucket) and flagged as such.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from observatory.availability.stats import DEFAULT_MAX_GAP, PERCENTILES, Tally, segments
from observatory.model import ProbeResult

PERIODS: dict[str, timedelta] = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
# Upper edges (ms) of the latency histogram; the last bin holds everything slower.
LATENCY_EDGES: tuple[float, ...] = (
    10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750,
    1000, 1500, 2000, 3000, 5000, 7500, 10000, 15000, 20000, 30000, 60000,
)  # fmt: skip


@dataclass
class Bucket:
    """What one URL did during one hour or day."""

    url: str
    period: str  # hour | day
    start: datetime
    target: str = "file"
    tally: Tally = field(default_factory=Tally)
    counts: dict[str, int] = field(default_factory=dict)  # probes per outcome
    latency_count: int = 0
    latency_sum: float = 0.0
    latency_hist: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_EDGES) + 1))


def floor_to(moment: datetime, period: str) -> datetime:
    """The start of the hour or UTC day holding ``moment``."""
    moment = moment.astimezone(UTC)
    if period == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def latency_bin(latency_ms: float) -> int:
    return bisect.bisect_left(LATENCY_EDGES, latency_ms)


def roll_up(
    probes: Sequence[ProbeResult],
    since: datetime | None,
    until: datetime,
    period: str,
    max_gap: timedelta = DEFAULT_MAX_GAP,
) -> list[Bucket]:
    """Buckets of one URL's probes (sorted) for the time in [since, until).

    A probe checked before ``since`` (the one carried over from the last rollup) still lends
    its state to the time after ``since``; its count and latency were already rolled up.
    """
    if not probes:
        return []
    step = PERIODS[period]
    url, target = probes[0].url, probes[-1].target
    buckets: dict[datetime, Bucket] = {}

    def bucket(at: datetime) -> Bucket:
        key = floor_to(at, period)
        if key not in buckets:
            buckets[key] = Bucket(url=url, period=period, start=key, target=target)
        return buckets[key]

    for seg_start, seg_end, outcome in segments(probes, max_gap, until):
        moment = seg_start if since is None else max(seg_start, since)
        while moment < seg_end:
            edge = min(floor_to(moment, period) + step, seg_end)
            bucket(moment).tally.add_state(outcome, (edge - moment).total_seconds())
            moment = edge
    for probe in probes:
        if probe.checked_at >= until or (since is not None and probe.checked_at < since):
            continue
        b = bucket(probe.checked_at)
        b.counts[probe.outcome] = b.counts.get(probe.outcome, 0) + 1
        if probe.latency_ms is not None and probe.outcome in ("up", "degraded"):
            b.latency_count += 1
            b.latency_sum += probe.latency_ms
            b.latency_hist[latency_bin(probe.latency_ms)] += 1
    return [buckets[k] for k in sorted(buckets)]


def merge_histograms(hists: Iterable[Sequence[int]], values: Iterable[float] = ()) -> list[int]:
    """One histogram from several, plus raw latencies dropped in their bins."""
    total = [0] * (len(LATENCY_EDGES) + 1)
    for hist in hists:
        for i, n in enumerate(hist):
            total[i] += n
    for value in values:
        total[latency_bin(value)] += 1
    return total


def histogram_percentiles(hist: Sequence[int]) -> dict[str, float | None]:
    """Approximate p50/p95/p99: linear interpolation inside the bin holding the rank."""
    n = sum(hist)
    if n == 0:
        return {f"p{q}": None for q in PERCENTILES}
    found: dict[str, float | None] = {}
    for q in PERCENTILES:
        rank = q / 100 * n
        seen = 0
        for i, count in enumerate(hist):
            if count and seen + count >= rank:
                low = LATENCY_EDGES[i - 1] if i > 0 else 0.0
                high = LATENCY_EDGES[i] if i < len(LATENCY_EDGES) else LATENCY_EDGES[-1]
                found[f"p{q}"] = float(low + (high - low) * (rank - seen) / count)
                break
            seen += count
    return found
