"""One URL's availability page data: raw probes and rollups combined into one dict.

Time before ``rolled_until`` is read from rollups (hourly buckets for the sliding windows,
daily buckets for calendar months); time from ``rolled_until`` on is read from the raw
probes (the last probe before it is kept raw, so its state still carries over). Months are
day-aligned, so monthly figures are exact; a sliding window reaching into rolled-up time
counts whole hours from its start (hourly resolution there).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from observatory.availability.incidents import CLOSE_AFTER, OPEN_AFTER, find_incidents
from observatory.availability.legal import MET, MIN_LEGAL_COVERAGE, NOT_MET, month_verdict
from observatory.availability.rollup import Bucket, histogram_percentiles, merge_histograms
from observatory.availability.stats import (
    DEFAULT_MAX_GAP,
    PERCENTILE_METHOD,
    THRESHOLDS,
    WINDOWS,
    Figures,
    Tally,
    figures,
    latencies,
    month_bounds,
    month_label,
    months_between,
    percentiles,
    tally,
)
from observatory.model import ProbeResult


def _period(
    raw: Sequence[ProbeResult],
    buckets: Sequence[Bucket],
    rolled_until: datetime | None,
    start: datetime,
    end: datetime,
    max_gap: timedelta,
) -> tuple[Figures, dict[str, Any]]:
    """Figures and latency percentiles over [start, end) from buckets then raw probes."""
    total = Tally()
    hists = []
    if rolled_until is not None:
        for b in buckets:
            if start <= b.start < min(end, rolled_until):
                total.add(b.tally)
                if b.latency_count:
                    hists.append(b.latency_hist)
    raw_start = start if rolled_until is None else max(start, rolled_until)
    values: list[float] = []
    if raw_start < end:
        total.add(tally(raw, raw_start, end, max_gap))
        values = latencies(raw, raw_start, end)
    latency: dict[str, Any]
    if hists:
        count = sum(map(sum, hists)) + len(values)
        latency = dict(histogram_percentiles(merge_histograms(hists, values)))
        latency |= {"count": count, "method": "histogram"}
    else:
        latency = dict(percentiles(values)) | {"count": len(values), "method": PERCENTILE_METHOD}
    return figures(total, start, end), latency


def availability_summary(
    url: str,
    raw: Sequence[ProbeResult],
    hourly: Sequence[Bucket],
    daily: Sequence[Bucket],
    rolled_until: datetime | None,
    now: datetime,
    *,
    max_gap: timedelta = DEFAULT_MAX_GAP,
    open_after: int = OPEN_AFTER,
    close_after: int = CLOSE_AFTER,
) -> dict[str, Any]:
    """Windows (24 h … 90 d), calendar months with compliance, incidents, last probe."""
    raw = sorted(raw, key=lambda p: p.checked_at)
    target = raw[-1].target if raw else (daily[-1].target if daily else "file")
    windows = {}
    for name, span in WINDOWS.items():
        fig, latency = _period(raw, hourly, rolled_until, now - span, now, max_gap)
        windows[name] = fig.as_dict() | {"latency_ms": latency}
    months = {}
    starts = [b.start for b in daily[:1]] + [p.checked_at for p in raw[:1]]
    if starts:
        for year, month in months_between(min(starts), now):
            start, end = month_bounds(year, month)
            fig, latency = _period(raw, daily, rolled_until, start, min(end, now), max_gap)
            verdict = month_verdict(
                year, month, target, now, fig.uptime, fig.covered_seconds, fig.down_seconds
            )
            months[month_label(year, month)] = fig.as_dict() | {
                "latency_ms": latency,
                "threshold": THRESHOLDS.get(target, THRESHOLDS["file"]),
                "verdict": verdict,
                "compliant": {MET: True, NOT_MET: False}.get(verdict),
            }
    incidents = find_incidents(raw, open_after, close_after)
    last = raw[-1] if raw else None
    return {
        "url": url,
        "target": target,
        "now": now.isoformat(),
        "rolled_until": rolled_until.isoformat() if rolled_until else None,
        "method": {
            "uptime": "time-weighted: each probe holds until the next, at most max_gap",
            "max_gap_seconds": max_gap.total_seconds(),
            "percentiles": f"numpy {PERCENTILE_METHOD} interpolation on raw probes",
            "min_coverage": MIN_LEGAL_COVERAGE,
            "incidents": {"open_after": open_after, "close_after": close_after},
        },
        "windows": windows,
        "months": months,
        "incidents": [i.as_dict(now) for i in incidents],
        "incidents_since": raw[0].checked_at.isoformat() if raw else None,
        "last_probe": _last(last),
    }


def _last(probe: ProbeResult | None) -> dict[str, Any] | None:
    if probe is None:
        return None
    return {
        "checked_at": probe.checked_at.isoformat(),
        "outcome": probe.outcome,
        "reason": probe.reason,
        "status": probe.status,
        "latency_ms": probe.latency_ms,
    }
