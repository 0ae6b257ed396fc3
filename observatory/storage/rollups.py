"""Probe retention: roll raw probes up into hourly and daily buckets, then delete them.

Per URL, a mark records the instant (``rolled_until``, a UTC midnight) before which its time
lives in rollups. Rolling up covers [previous mark, cutoff); the last probe before the cutoff
stays raw, since its state still holds after the cutoff (until the next probe or max_gap).
Raw probes that arrive later with a time before the mark are deleted at the next prune
without being counted: rollups are written once per bucket, never rewritten.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from observatory.availability.rollup import Bucket, floor_to, roll_up
from observatory.availability.stats import Tally
from observatory.model import ProbeResult
from observatory.storage import models as m
from observatory.storage.reads import probe, probe_history
from observatory.storage.writes import chunks, insert_rows, url_hash

URL_CHUNK = 200


def prune_cutoff(now: datetime, keep_raw_days: int) -> datetime:
    """The UTC midnight before which raw probes are rolled up (at least ``keep_raw_days``)."""
    if keep_raw_days < 0:
        raise ValueError("keep_raw_days must be >= 0")
    return floor_to(now - timedelta(days=keep_raw_days), "day")


def roll_up_and_prune(
    session: Session, now: datetime, keep_raw_days: int, max_gap: timedelta
) -> dict[str, Any]:
    """Roll every URL's raw probes older than the cutoff into buckets, then delete them."""
    cutoff = prune_cutoff(now, keep_raw_days)
    hashes = session.execute(
        select(m.ProbeRow.url_hash).where(m.ProbeRow.checked_at < cutoff).distinct()
    ).scalars()
    summary = {"cutoff": cutoff.isoformat(), "urls": 0, "buckets": 0, "deleted": 0}
    for part in chunks(sorted(hashes), URL_CHUNK):
        _roll_chunk(session, list(part), cutoff, max_gap, summary)
    return summary


def _roll_chunk(
    session: Session,
    hashes: list[str],
    cutoff: datetime,
    max_gap: timedelta,
    summary: dict[str, Any],
) -> None:
    marks = {
        r.url_hash: r
        for r in session.execute(
            select(m.ProbeRollupMark).where(m.ProbeRollupMark.url_hash.in_(hashes))
        ).scalars()
    }
    rows = session.execute(
        select(m.ProbeRow)
        .where(m.ProbeRow.url_hash.in_(hashes), m.ProbeRow.checked_at < cutoff)
        .order_by(m.ProbeRow.checked_at, m.ProbeRow.id)
    ).scalars()
    by_url: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_url[row.url].append(row)
    doomed: list[int] = []
    for url, url_rows in by_url.items():
        digest = url_hash(url)
        mark = marks.get(digest)
        since = mark.rolled_until if mark is not None else None
        if since is not None and since >= cutoff:
            continue
        probes = [probe(r) for r in url_rows]
        buckets = roll_up(probes, since, cutoff, "hour", max_gap)
        buckets += roll_up(probes, since, cutoff, "day", max_gap)
        insert_rows(session, m.ProbeRollupRow, [_bucket_row(b, digest) for b in buckets])
        doomed += [r.id for r in url_rows[:-1]]  # the last one carries its state over
        if mark is None:
            session.add(
                m.ProbeRollupMark(
                    url_hash=digest,
                    url=url,
                    rolled_until=cutoff,
                    max_gap_seconds=max_gap.total_seconds(),
                )
            )
        else:
            mark.rolled_until, mark.max_gap_seconds = cutoff, max_gap.total_seconds()
        summary["urls"] += 1
        summary["buckets"] += len(buckets)
    for ids in chunks(doomed):
        session.execute(delete(m.ProbeRow).where(m.ProbeRow.id.in_(list(ids))))
    summary["deleted"] += len(doomed)
    session.flush()


def _bucket_row(b: Bucket, digest: str) -> dict[str, Any]:
    return {
        "url": b.url,
        "url_hash": digest,
        "period": b.period,
        "bucket_start": b.start,
        "target": b.target,
        "up_seconds": b.tally.up,
        "degraded_seconds": b.tally.degraded,
        "down_seconds": b.tally.down,
        "unknown_seconds": b.tally.unknown,
        "counts": dict(b.counts),
        "latency_count": b.latency_count,
        "latency_sum": b.latency_sum,
        "latency_hist": list(b.latency_hist),
    }


def _bucket(row: Any) -> Bucket:
    return Bucket(
        url=row.url,
        period=row.period,
        start=row.bucket_start,
        target=row.target,
        tally=Tally(
            up=row.up_seconds,
            degraded=row.degraded_seconds,
            down=row.down_seconds,
            unknown=row.unknown_seconds,
        ),
        counts=dict(row.counts or {}),
        latency_count=row.latency_count,
        latency_sum=row.latency_sum,
        latency_hist=list(row.latency_hist or []),
    )


def load_history(
    conn: Connection, url: str
) -> tuple[list[ProbeResult], list[Bucket], list[Bucket], datetime | None]:
    """(raw probes, hourly buckets, daily buckets, rolled_until) of one URL."""
    digest = url_hash(url)
    raw = probe_history(conn, url, None)
    query = (
        select(m.ProbeRollupRow)
        .where(m.ProbeRollupRow.url_hash == digest)
        .order_by(m.ProbeRollupRow.bucket_start)
    )
    buckets = [_bucket(r) for r in conn.execute(query) if r.url == url]
    mark = conn.execute(
        select(m.ProbeRollupMark.rolled_until).where(m.ProbeRollupMark.url_hash == digest)
    ).scalar()
    hourly = [b for b in buckets if b.period == "hour"]
    daily = [b for b in buckets if b.period == "day"]
    return raw, hourly, daily, mark


def load_histories(
    conn: Connection, urls: list[str], since: datetime
) -> dict[str, tuple[list[ProbeResult], list[Bucket], list[Bucket], datetime | None]]:
    """``load_history`` for many URLs at once, from ``since`` on (scoring reads the last
    30 days and the current month of every file it scores)."""
    from observatory.storage.reads import probe_histories

    raw = probe_histories(conn, urls, since)
    hourly: dict[str, list[Bucket]] = {u: [] for u in urls}
    daily: dict[str, list[Bucket]] = {u: [] for u in urls}
    marks_by_url: dict[str, datetime] = {}
    for part in chunks(list(hourly), URL_CHUNK):
        digests = [url_hash(u) for u in part]
        query = (
            select(m.ProbeRollupRow)
            .where(m.ProbeRollupRow.url_hash.in_(digests), m.ProbeRollupRow.bucket_start >= since)
            .order_by(m.ProbeRollupRow.bucket_start)
        )
        for row in conn.execute(query):
            bucket = _bucket(row)
            if bucket.url in hourly:
                (hourly if bucket.period == "hour" else daily)[bucket.url].append(bucket)
        marks = select(m.ProbeRollupMark.url_hash, m.ProbeRollupMark.rolled_until).where(
            m.ProbeRollupMark.url_hash.in_(digests)
        )
        by_hash = dict(conn.execute(marks).all())
        for url in part:
            mark = by_hash.get(url_hash(url))
            if mark is not None:
                marks_by_url[url] = mark
    return {u: (raw.get(u, []), hourly[u], daily[u], marks_by_url.get(u)) for u in hourly}
