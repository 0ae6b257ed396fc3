"""Light reads for an incremental run and its summary, without loading whole snapshots.

What the next run needs from the previous one: per catalogue, each dataset's content hash,
record date and deletion mark (``known_datasets``); when each score was computed; which
probe each URL's score rested on; and the probes recent enough to reuse. Plus a run's
summary counts and its weakest scores, computed by the database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from observatory.harvest.incremental import Known
from observatory.model import Catalogue, DatasetScore, Organisation, ProbeResult, Service
from observatory.storage import models as m
from observatory.storage.cache import FINISHED
from observatory.storage.codec import from_jsonable
from observatory.storage.reads import VALUES, load_datasets, probe, reused_by, score_rows
from observatory.storage.writes import chunks


class ProbeRef(NamedTuple):
    """What deciding on reuse needs of a stored file probe (no JSON read)."""

    id: int
    url: str
    checked_at: datetime
    outcome: str
    content_type: str | None
    content_length: int | None


_REF: tuple[Any, ...] = (m.ProbeRow.id, m.ProbeRow.url, m.ProbeRow.checked_at)
_REF += (m.ProbeRow.outcome, m.ProbeRow.content_type, m.ProbeRow.content_length)


def known_datasets(conn: Connection, run_id: int) -> dict[str, dict[str, Known]]:
    """Catalogue id -> dataset key -> what ``run_id`` recorded of it (a carried copy's
    digest and record date are those of the observation it shares)."""
    o, ds, cr = m.DatasetObservation, m.DatasetRow, m.CatalogueRun
    record = aliased(m.DatasetObservation, name="record")
    query = (
        select(cr.catalogue_id, ds.key, record.content_hash, record.metadata_modified)
        .add_columns(o.deleted_at)
        .join(record, record.id == func.coalesce(o.distributions_of, o.id))
        .join(ds, ds.id == o.dataset_id)
        .join(cr, cr.id == o.catalogue_run_id)
        .where(o.run_id == run_id)
    )
    found: dict[str, dict[str, Known]] = defaultdict(dict)
    for cid, key, digest, modified, deleted_at in conn.execute(query):
        found[cid][key] = Known(digest, modified, deleted_at is not None)
    return dict(found)


def score_digests(conn: Connection, run_id: int, keys: list[str]) -> dict[str, str | None]:
    """Dataset key -> the digest of its score in ``run_id`` (None: saved before 0008)."""
    s = m.DatasetScoreRow
    found: dict[str, str | None] = {}
    for part in chunks(keys):
        query = score_rows(s.dataset_key, VALUES.digest)
        query = query.where(s.run_id == run_id, s.dataset_key.in_(part))
        found.update(conn.execute(query).tuples().all())
    return found


class ScoreDates(NamedTuple):
    """When a score was computed (None: before 0004) and until when the same inputs give
    it (None: not known, before 0009)."""

    scored_at: datetime | None
    holds_until: datetime | None


def score_dates(conn: Connection, run_id: int) -> dict[str, ScoreDates]:
    """Dataset key -> the dates of its score in ``run_id`` (a carried one's are those of
    the score it names, unless it was scored again and found equal)."""
    s, v = m.DatasetScoreRow, VALUES
    at, until = func.coalesce(s.scored_at, v.scored_at), func.coalesce(s.holds_until, v.holds_until)
    query = score_rows(s.dataset_key, at, until).where(s.run_id == run_id)
    return {key: ScoreDates(at, until) for key, at, until in conn.execute(query)}


def run_file_probes(conn: Connection, run_id: int) -> dict[str, ProbeRef]:
    """URL -> the file probe a run used for it (its own or a reused one, the latest)."""
    p = m.ProbeRow
    own = select(*_REF).where(p.run_id == run_id, p.target == "file")
    reused = reused_by(select(*_REF), run_id).where(p.target == "file")
    found: dict[str, ProbeRef] = {}
    for query in (own, reused):
        for ref in map(ProbeRef._make, conn.execute(query)):
            known = found.get(ref.url)
            if known is None or (ref.checked_at, ref.id) >= (known.checked_at, known.id):
                found[ref.url] = ref
    return found


def recent_probes(conn: Connection, since: datetime, kind: str = "probe") -> dict[str, ProbeRef]:
    """URL -> the latest file probe made by a finished run of ``kind`` at or after ``since``."""
    p, run = m.ProbeRow, m.Run
    query = (
        select(*_REF)
        .join(run, run.id == p.run_id)
        .where(p.checked_at >= since, p.target == "file", run.kind == kind)
        .where(run.status.in_(FINISHED))
        .order_by(p.checked_at, p.id)
    )
    return {ref.url: ref for ref in map(ProbeRef._make, conn.execute(query))}


def probes_by_id(conn: Connection, ids: list[int]) -> dict[int, ProbeResult]:
    """Stored probes by row id."""
    found: dict[int, ProbeResult] = {}
    for part in chunks(ids):
        for row in conn.execute(select(m.ProbeRow).where(m.ProbeRow.id.in_(part))):
            found[row.id] = probe(row)
    return found


def _live_datasets(run_id: int) -> Any:
    o = m.DatasetObservation
    return select(o.id).where(o.run_id == run_id, o.deleted_at.is_(None))


def run_summary(conn: Connection, run_id: int) -> dict[str, Any]:
    """``observatory.report.run_summary`` computed by the database (deleted datasets are
    counted apart, not among ``datasets``)."""
    o, ds, d = m.DatasetObservation, m.DatasetRow, m.DistributionObservation
    counts = Counter(
        dict(
            conn.execute(
                select(o.deleted_at.is_(None), func.count())
                .where(o.run_id == run_id)
                .group_by(o.deleted_at.is_(None))
            ).all()
        )
    )
    live = _live_datasets(run_id)
    spdr = select(func.count()).select_from(o).join(ds, ds.id == o.dataset_id)
    spdr = spdr.where(o.id.in_(live), ds.spdr.is_not(None))
    owner = func.coalesce(o.distributions_of, o.id)  # a carried copy shares its rows
    dists = select(func.count()).select_from(o).join(d, d.dataset_observation_id == owner)
    dists = dists.where(o.run_id == run_id, o.deleted_at.is_(None))
    outcomes = _outcomes(conn, run_id)
    v, cr = m.ValidationRow, m.CatalogueRun
    invalid = select(func.count()).select_from(v).where(v.run_id == run_id, v.valid.is_(False))
    failed = select(cr.catalogue_id).where(cr.run_id == run_id, cr.ok.is_(False)).order_by(cr.id)
    overall, spdr_overall = _overall_scores(conn, run_id)
    return {
        "datasets": counts.get(True, 0),
        "deleted_datasets": counts.get(False, 0),
        "spdr_datasets": conn.execute(spdr).scalar_one(),
        "distributions": conn.execute(dists).scalar_one(),
        "probes": sum(outcomes.values()),
        "outcomes": dict(outcomes),
        "failed_probes": sum(n for outcome, n in outcomes.items() if outcome != "up"),
        "invalid_files": conn.execute(invalid).scalar_one(),
        "failed_sources": list(conn.execute(failed).scalars()),
        "mean_score": _mean(overall),
        "mean_spdr_score": _mean(spdr_overall),
    }


def _outcomes(conn: Connection, run_id: int) -> Counter[str]:
    """Probes of a run (its own and the reused ones) by outcome."""
    p = m.ProbeRow
    own = select(p.outcome, func.count()).where(p.run_id == run_id).group_by(p.outcome)
    reused = reused_by(select(p.outcome, func.count()), run_id).group_by(p.outcome)
    found: Counter[str] = Counter()
    for query in (own, reused):
        for outcome, count in conn.execute(query):
            found[outcome] += count
    return found


def _overall_scores(conn: Connection, run_id: int) -> tuple[list[float], list[float]]:
    """Overall scores of a run (in saved order) and those of its SPDR datasets."""
    s, o, ds = m.DatasetScoreRow, m.DatasetObservation, m.DatasetRow
    spdr_keys = set(
        conn.execute(
            select(ds.key)
            .join(o, o.dataset_id == ds.id)
            .where(o.run_id == run_id, o.deleted_at.is_(None), ds.spdr.is_not(None))
        ).scalars()
    )
    query = score_rows(s.dataset_key, VALUES.overall).where(s.run_id == run_id).order_by(s.id)
    rows = [(k, v) for k, v in conn.execute(query) if v is not None]
    return [v for _, v in rows], [v for k, v in rows if k in spdr_keys]


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def weakest_scores(
    conn: Connection, run_id: int, limit: int
) -> tuple[list[DatasetScore], dict[str, str]]:
    """The ``limit`` lowest overall scores of a run (pillars only) and their titles."""
    s, v, ds = m.DatasetScoreRow, VALUES, m.DatasetRow
    query = (
        score_rows(s.dataset_key, v.overall, v.pillars, ds.title)
        .outerjoin(ds, ds.id == s.dataset_id)
        .where(s.run_id == run_id)
        .order_by(v.overall.is_(None), v.overall, s.dataset_key)
        .limit(limit)
    )
    scores, titles = [], {}
    for key, overall, pillars, title in conn.execute(query):
        scores.append(DatasetScore(key, [], dict(pillars or {}), overall))
        titles[key] = title or key
    return scores, titles


def saved_catalogue(conn: Connection, run_id: int, catalogue_id: str) -> Catalogue | None:
    """A catalogue as ``run_id`` saved it (published datasets, services, organisations),
    or None when that harvest was not complete and clean."""
    cr, err = m.CatalogueRun, m.SourceErrorRow
    row = conn.execute(
        select(cr).where(cr.run_id == run_id, cr.catalogue_id == catalogue_id)
    ).first()
    if row is None or not row.ok:
        return None
    errors = select(func.count()).select_from(err).where(err.catalogue_run_id == row.id)
    if conn.execute(errors).scalar_one():
        return None
    datasets = [d for d in load_datasets(conn, run_id, row.id) if not d.deleted]

    def records(model: type[Any], cls: type[Any]) -> list[Any]:
        query = select(model.data).where(model.catalogue_run_id == row.id).order_by(model.id)
        return [from_jsonable(cls, data) for data in conn.execute(query).scalars()]

    return Catalogue(
        id=catalogue_id,
        name=row.name,
        kind=row.kind,
        url=row.url,
        datasets=datasets,
        services=records(m.ServiceObservation, Service),
        organisations=records(m.OrganisationObservation, Organisation),
        pages=row.pages,
    )
