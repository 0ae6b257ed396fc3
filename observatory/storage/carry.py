"""Bulk copies from the previous run: what an incremental run keeps without recomputing it.

An unchanged dataset's observation and its score are copied from the previous run into the
new one by ``INSERT ... SELECT`` statements, never through Python objects; the copies are
thin and share the rows below them instead of copying them too (``distributions_of``: the
observation whose record and distribution rows they are; ``score_of``: the score whose
values and criterion results they are), so a carried dataset costs two small rows per run. A deleted
dataset's last observation is copied with ``deleted_at`` set, so every run holds the whole
state of its sources. The keys to copy travel through a temporary table. Everything here
runs inside the caller's transaction (one ``Store.save_*`` call)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Column,
    MetaData,
    Table,
    Text,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    text,
    update,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from observatory.storage import models as m
from observatory.storage.bulk import bulk_insert
from observatory.storage.writes import _aware, insert_rows

KEYS = Table(
    "carry_keys",
    MetaData(),
    Column("key", Text, primary_key=True),
    Column("kind", Text, nullable=False),  # SAME, GONE or UNSEEN
    prefixes=["TEMPORARY"],
)
_CREATE = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS carry_keys (key TEXT PRIMARY KEY, kind TEXT NOT NULL)"
)
SAME, GONE, UNSEEN = "same", "gone", "unseen"


def _t(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def _count(result: Any) -> int:
    return int(cast(CursorResult[Any], result).rowcount or 0)


@dataclass(frozen=True)
class CarryDatasets:
    """Datasets of one catalogue to copy from ``previous_run_id`` instead of saving anew."""

    previous_run_id: int
    unchanged: Sequence[str] = ()  # read again, unchanged: copied, seen by this run
    deleted: Sequence[str] = ()  # gone from the source: copied with deleted_at set
    unseen: Sequence[str] = ()  # not read (incomplete harvest): copied as last known
    at: datetime | None = None  # when a complete harvest first missed the newly deleted


@dataclass(frozen=True)
class CarryScores:
    """Scores (with their criterion results) to copy from ``previous_run_id``. Those of
    ``rescored`` were scored again ``at`` this run and found equal: they keep that date and
    until when the new score holds (key -> instant)."""

    previous_run_id: int
    keys: Sequence[str] = field(default_factory=tuple)
    rescored: Mapping[str, datetime] = field(default_factory=dict)
    at: datetime | None = None


def fill_keys(session: Session, groups: dict[str, Iterable[str]]) -> int:
    """Put the keys to copy (kind -> keys) into the session's temporary table; returns how
    many."""
    session.execute(text(_CREATE))
    session.execute(delete(KEYS))
    rows = {key: kind for kind, keys in groups.items() for key in keys}
    bulk_insert(session, KEYS, [{"key": k, "kind": v} for k, v in rows.items()])
    if rows and session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE carry_keys"))  # no statistics otherwise: poor plans
    return len(rows)


def carry_datasets(session: Session, run: m.Run, catalogue_run_id: int, plan: CarryDatasets) -> int:
    """Copy the observations (and distributions) of ``plan``'s datasets into ``run``."""
    if not fill_keys(session, {SAME: plan.unchanged, GONE: plan.deleted, UNSEEN: plan.unseen}):
        return 0
    obs, ds = _t(m.DatasetObservation), _t(m.DatasetRow)
    at = literal(plan.at or run.started_at, m.UTCDateTime())
    gone = case((KEYS.c.kind == GONE, func.coalesce(obs.c.deleted_at, at)), else_=null())
    rows = (
        select(
            literal(run.id),
            obs.c.dataset_id,
            literal(catalogue_run_id),
            literal(""),  # the record, its digest and its date are the shared observation's
            null(),
            gone,
            func.coalesce(obs.c.distributions_of, obs.c.id),
            literal(JSON.NULL, JSON()),
        )
        .select_from(obs.join(ds, ds.c.id == obs.c.dataset_id).join(KEYS, KEYS.c.key == ds.c.key))
        .where(obs.c.run_id == plan.previous_run_id)
    )
    columns = ["run_id", "dataset_id", "catalogue_run_id", "content_hash"]
    columns += ["metadata_modified", "deleted_at", "distributions_of", "metadata"]
    copied = _count(session.execute(insert(obs).from_select(columns, rows)))
    _touch_identities(session, run, plan.at or run.started_at)
    return copied


def _touch_identities(session: Session, run: m.Run, at: datetime) -> None:
    """Unchanged datasets were seen by this run; deleted ones get their deletion date (an
    unseen one keeps its identity as it was). Distribution identities are left as they are:
    a carried copy shares the distribution rows of the observation that last saved them, and
    rewriting 250,000 identities per run would cost more than the whole copy."""
    ds = _t(m.DatasetRow)
    seen = _aware(run.started_at)
    live = select(KEYS.c.key).where(KEYS.c.kind == SAME)
    session.execute(
        update(ds)
        .where(ds.c.key.in_(live), ds.c.last_seen_at <= seen)
        .values(last_seen_at=seen, last_seen_run_id=run.id, deleted_at=None)
    )
    gone = select(KEYS.c.key).where(KEYS.c.kind == GONE)
    session.execute(
        update(ds).where(ds.c.key.in_(gone), ds.c.deleted_at.is_(None)).values(deleted_at=at)
    )


def carry_scores(session: Session, run: m.Run, plan: CarryScores) -> int:
    """Carry the scores of ``plan.keys`` into ``run`` as thin rows naming the full row
    whose values and criterion results they are (``score_of``)."""
    if not fill_keys(session, {SAME: plan.keys}):
        return 0
    score = _t(m.DatasetScoreRow)
    session.execute(
        delete(score).where(score.c.run_id == run.id, score.c.dataset_key.in_(select(KEYS.c.key)))
    )
    empty = literal(JSON.NULL, JSON())  # the values are the named row's
    thin = score.c.score_of.is_not(None)  # a copy keeps the dates a copy had of its own
    rows = (
        select(
            literal(run.id),
            score.c.dataset_key,
            score.c.dataset_id,
            func.coalesce(score.c.score_of, score.c.id),
            empty,
            empty,
            case((thin, score.c.scored_at), else_=null()),
            case((thin, score.c.holds_until), else_=null()),
        )
        .join(KEYS, KEYS.c.key == score.c.dataset_key)
        .where(score.c.run_id == plan.previous_run_id)
    )
    columns = ["run_id", "dataset_key", "dataset_id", "score_of", "pillars", "legal"]
    columns += ["scored_at", "holds_until"]
    copied = _count(session.execute(insert(score).from_select(columns, rows)))
    if plan.rescored:
        dated = (
            update(score)
            .where(score.c.run_id == run.id, score.c.dataset_key == bindparam("key"))
            .values(
                scored_at=bindparam("at", type_=m.UTCDateTime()),
                holds_until=bindparam("until", type_=m.UTCDateTime()),
            )
        )
        at = plan.at or run.started_at
        params = [{"key": k, "at": at, "until": u} for k, u in plan.rescored.items()]
        session.execute(dated, params)
    return copied


def id_ranges(ids: Iterable[int]) -> list[tuple[int, int]]:
    """Distinct ``ids`` as ranges of consecutive integers, (first, last) inclusive, in order."""
    ranges: list[tuple[int, int]] = []
    for n in sorted(set(ids)):
        if ranges and ranges[-1][1] == n - 1:
            ranges[-1] = (ranges[-1][0], n)
        else:
            ranges.append((n, n))
    return ranges


def link_probes(session: Session, run: m.Run, probe_ids: Iterable[int]) -> None:
    """Record that ``run`` used these earlier probes as its own (no copy of the history):
    a few ranges of ids when it reused most of a run's probes."""
    rows: list[dict[str, Any]] = [
        {"run_id": run.id, "first_id": first, "last_id": last}
        for first, last in id_ranges(probe_ids)
    ]
    session.execute(delete(m.RunProbeRange).where(m.RunProbeRange.run_id == run.id))
    insert_rows(session, m.RunProbeRange, rows)
