"""Write helpers of the store: identity upserts and per-run observation rows.

Every function here runs inside the caller's transaction (one ``Session.begin()`` per
``Store.save_*`` call), so a failure anywhere rolls the whole call back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, insert, inspect, select, update
from sqlalchemy.orm import Session

from observatory.model import (
    Catalogue,
    CatalogueStatus,
    CriterionResult,
    Dataset,
    DatasetScore,
    ProbeResult,
    ValidationReport,
)
from observatory.storage import models as m
from observatory.storage.bulk import bulk_insert
from observatory.storage.codec import content_hash, encode, jsonable, score_digest

CHUNK = 5000  # keys per IN (...) list: fewer statements; within SQLite's and PostgreSQL's limits
T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def utcnow() -> datetime:
    return datetime.now(UTC)


def url_hash(url: str) -> str:
    """A short fixed-size digest of a URL: indexable whatever the URL length."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def get_run(session: Session, run_id: int) -> m.Run:
    run = session.get(m.Run, run_id)
    if run is None:
        raise LookupError(f"no run {run_id} in the store")
    return run


def moment(value: date | None) -> datetime | None:
    """A datetime column value from a record date (a bare date is its UTC midnight)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def insert_rows(
    session: Session, model: type[Any], rows: Iterable[dict[str, Any]], *returning: str
) -> list[Any]:
    """One bulk INSERT (``bulk.bulk_insert``: executemany or COPY, reading ``rows`` one at
    a time); with ``returning``, one Core executemany INSERT ... RETURNING (ORM bulk insert
    would split batches on None values). Every row holds the same keys."""
    table = model.__table__
    if not returning:
        bulk_insert(session, table, _renamed(model, rows))
        return []
    rows = list(_renamed(model, rows))
    if not rows:
        return []
    stmt = insert(table)
    columns = [table.c[name] for name in returning]
    return list(session.execute(stmt.returning(*columns, sort_by_parameter_order=True), rows))


def insert_ids(
    session: Session, model: type[Any], rows: list[dict[str, Any]], key: str, **where: Any
) -> dict[Any, int]:
    """Bulk-insert ``rows`` (unique by their ``key`` value) and return key value -> new id.

    Cheaper than INSERT ... RETURNING at scale (PostgreSQL parses a statement of thousands
    of placeholders per batch): the rows go in by ``bulk_insert``, their ids are read back
    as the rows above the table's highest id before, filtered by ``where`` (column values:
    this run's rows only) and by key.
    """
    if not rows:
        return {}
    table = model.__table__
    before = session.execute(select(func.max(table.c.id))).scalar() or 0
    bulk_insert(session, table, _renamed(model, rows))
    query = select(table.c[key], table.c.id).where(table.c.id > before)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    wanted = {row[key] for row in rows}
    return {k: id_ for k, id_ in session.execute(query) if k in wanted}


def _renamed(model: type[Any], rows: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    renames = _column_names(model)
    if not renames:
        return rows
    return ({renames.get(k, k): v for k, v in row.items()} for row in rows)


_RENAMES: dict[type[Any], dict[str, str]] = {}


def _column_names(model: type[Any]) -> dict[str, str]:
    """Attribute names that differ from their column's name (``data`` -> ``metadata``)."""
    if model not in _RENAMES:
        attrs = inspect(model).column_attrs
        _RENAMES[model] = {a.key: a.columns[0].name for a in attrs if a.key != a.columns[0].name}
    return _RENAMES[model]


def upsert_identities(
    session: Session, model: type[Any], rows: dict[str, dict[str, Any]], run: m.Run
) -> dict[str, int]:
    """Insert or refresh identity rows by key; returns key -> id.

    Descriptive columns and ``last_seen`` follow the newest run only, so saving an older
    run late never rewinds an identity.
    """
    seen = _aware(run.started_at)
    found: dict[str, tuple[int, datetime, datetime]] = {}
    keys = list(rows)
    for part in chunks(keys):
        query = select(model.id, model.key, model.first_seen_at, model.last_seen_at)
        for id_, key, first, last in session.execute(query.where(model.key.in_(part))):
            found[key] = (id_, first, last)
    updates, inserts = [], []
    for key, cols in rows.items():
        if key not in found:
            stamp = {"first_seen_at": seen, "first_seen_run_id": run.id}
            stamp |= {"last_seen_at": seen, "last_seen_run_id": run.id}
            inserts.append({"key": key, **cols, **stamp})
            continue
        id_, first, last = found[key]
        change: dict[str, Any] = {}
        if seen < first:
            change |= {"first_seen_at": seen, "first_seen_run_id": run.id}
        if seen >= last:
            change |= {**cols, "last_seen_at": seen, "last_seen_run_id": run.id}
        if change:
            updates.append({"id": id_, **change})
    ids = {key: found[key][0] for key in found}
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in updates:  # ORM bulk UPDATE by primary key wants one column set per batch
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for group in groups.values():
        session.execute(update(model), group)
    ids.update(insert_ids(session, model, inserts, "key"))
    return ids


def save_catalogue(
    session: Session, run: m.Run, catalogue: Catalogue, status: CatalogueStatus
) -> int:
    """Catalogue identity, its per-run status and errors, then what it held; returns the
    id of the run's catalogue row."""
    _upsert_catalogue(session, run, status)
    session.execute(
        delete(m.CatalogueRun).where(
            m.CatalogueRun.run_id == run.id, m.CatalogueRun.catalogue_id == status.id
        )
    )
    catalogue_run = m.CatalogueRun(
        run_id=run.id,
        catalogue_id=status.id,
        name=status.name,
        kind=status.kind,
        url=status.url,
        ok=status.ok,
        dataset_count=status.dataset_count,
        pages=catalogue.pages,
    )
    session.add(catalogue_run)
    session.flush()
    errors = [
        {"run_id": run.id, "catalogue_run_id": catalogue_run.id, **jsonable(e)}
        for e in status.errors
    ]
    for error, original in zip(errors, status.errors, strict=True):
        error["at"] = original.at
    insert_rows(session, m.SourceErrorRow, errors)
    _save_organisations(session, run, catalogue_run.id, catalogue)
    _save_datasets(session, run, catalogue_run.id, catalogue.datasets)
    _save_services(session, run, catalogue_run.id, catalogue)
    return catalogue_run.id


def _upsert_catalogue(session: Session, run: m.Run, status: CatalogueStatus) -> None:
    row = session.get(m.CatalogueRow, status.id)
    if row is None:
        row = m.CatalogueRow(id=status.id, first_seen_run_id=run.id)
        session.add(row)
    row.name, row.kind, row.url = status.name, status.kind, status.url
    row.last_seen_run_id = run.id


def _observe(session: Session, model: type[Any], fk: str, run_id: int, ids: Iterable[int]) -> None:
    """Drop this run's earlier observations of these identities (a later save wins)."""
    column = getattr(model, fk)
    for part in chunks(list(ids)):
        session.execute(delete(model).where(model.run_id == run_id, column.in_(part)))


def _save_organisations(session: Session, run: m.Run, cr_id: int, catalogue: Catalogue) -> None:
    orgs = {o.key: o for o in catalogue.organisations}
    ids = upsert_identities(
        session, m.OrganisationRow, {k: {"name": o.name} for k, o in orgs.items()}, run
    )
    _observe(session, m.OrganisationObservation, "organisation_id", run.id, ids.values())
    rows = [
        {"run_id": run.id, "organisation_id": ids[k], "catalogue_run_id": cr_id}
        | {"data": encode(o)}
        for k, o in orgs.items()
    ]
    insert_rows(session, m.OrganisationObservation, rows)


def _save_services(session: Session, run: m.Run, cr_id: int, catalogue: Catalogue) -> None:
    services = {s.key: s for s in catalogue.services}
    cols = {
        k: {"catalogue_id": s.catalogue_id, "title": s.title, "endpoint_url": s.endpoint_url}
        for k, s in services.items()
    }
    ids = upsert_identities(session, m.ServiceRow, cols, run)
    _observe(session, m.ServiceObservation, "service_id", run.id, ids.values())
    rows = [
        {"run_id": run.id, "service_id": ids[k], "catalogue_run_id": cr_id} | {"data": encode(s)}
        for k, s in services.items()
    ]
    insert_rows(session, m.ServiceObservation, rows)


def _dataset_columns(d: Dataset) -> dict[str, Any]:
    return {
        "catalogue_id": d.catalogue_id,
        "source_id": d.source_id,
        "title": d.title,
        "organization_key": d.organization_key,
        "spdr": d.spdr,
        "deleted_at": None,  # published again (a restored dataset loses its deletion date)
    }


def _save_datasets(session: Session, run: m.Run, cr_id: int, datasets: list[Dataset]) -> None:
    """Datasets and their distributions, a few thousand at a time (bounded memory)."""
    unique = list({d.key: d for d in datasets}.values())
    for part in chunks(unique, DATASET_CHUNK):
        _save_dataset_part(session, run, cr_id, {d.key: d for d in part})


DATASET_CHUNK = 5000


def _save_dataset_part(
    session: Session, run: m.Run, cr_id: int, unique: dict[str, Dataset]
) -> None:
    ids = upsert_identities(
        session, m.DatasetRow, {k: _dataset_columns(d) for k, d in unique.items()}, run
    )
    _observe(session, m.DatasetObservation, "dataset_id", run.id, ids.values())
    rows = []
    for key, dataset in unique.items():
        record = {f: getattr(dataset, f) for f in _DATASET_FIELDS}  # the record without
        rows.append(  # distributions (stored one row each), encoded as JSON text once
            {"run_id": run.id, "dataset_id": ids[key], "catalogue_run_id": cr_id}
            | {"content_hash": content_hash(dataset), "data": encode(record)}
            | {"deleted_at": None, "metadata_modified": moment(dataset.metadata_modified)}
        )
    by_dataset = insert_ids(session, m.DatasetObservation, rows, "dataset_id", run_id=run.id)
    obs_ids = [by_dataset[ids[key]] for key in unique]
    dists = {x.key: {"url": x.url} for d in unique.values() for x in d.distributions}
    dist_ids = upsert_identities(session, m.DistributionRow, dists, run)
    dist_rows: list[dict[str, Any]] = [
        {"run_id": run.id, "dataset_observation_id": obs_id, "distribution_id": dist_ids[x.key]}
        | {"position": pos, "url": x.url, "format": x.format, "data": encode(x)}
        for obs_id, dataset in zip(obs_ids, unique.values(), strict=True)
        for pos, x in enumerate(dataset.distributions)
    ]
    insert_rows(session, m.DistributionObservation, dist_rows)


_DATASET_FIELDS = [f.name for f in fields(Dataset) if f.name != "distributions"]


def save_probes(session: Session, run: m.Run, probes: list[ProbeResult]) -> None:
    insert_rows(session, m.ProbeRow, (_probe_row(run.id, probe) for probe in probes))


def _probe_row(run_id: int, probe: ProbeResult) -> dict[str, Any]:
    row = {field: getattr(probe, field) for field in _PROBE_FIELDS}
    row["content_length"] = _bigint(probe.content_length)
    row |= {"run_id": run_id, "url_hash": url_hash(probe.url)}
    row["extra"] = encode(probe.extra)
    return row


_PROBE_FIELDS = [
    "url",
    "outcome",
    "reason",
    "checked_at",
    "target",
    "check_name",
    "method",
    "status",
    "final_url",
    "content_type",
    "content_length",
    "last_modified",
    "etag",
    "latency_ms",
]


def _bigint(value: int | None) -> int | None:
    """A header-declared size a 64-bit column can hold (a hostile server may send 10**30)."""
    if value is None or -(2**63) <= value < 2**63:
        return value
    return None


def save_validations(session: Session, run: m.Run, reports: list[ValidationReport]) -> None:
    rows = []
    for r in reports:
        row: dict[str, Any] = {f.name: getattr(r, f.name) for f in fields(r)}
        row |= {name: encode(row[name]) for name in ("errors", "error_counts", "stats")}
        row |= {"run_id": run.id, "row_count": _bigint(r.row_count)}
        rows.append(row)
    insert_rows(session, m.ValidationRow, rows)


def save_scores(
    session: Session,
    run: m.Run,
    scores: list[DatasetScore],
    scored_at: datetime | None = None,
    deltas: Mapping[str, Any] | None = None,
    holds_until: Mapping[str, datetime] | None = None,
    digests: Mapping[str, str] | None = None,
) -> None:
    """Dataset scores (a later score of the same dataset in a run replaces it) and criteria;
    ``scored_at`` (default: the run's start) is when the criteria were applied. A score
    with a ``deltas`` entry (``storage.deltas.Delta``) shares its base's results and writes
    only the positions the entry lists. ``holds_until``: key -> until when a score holds
    (``scoring.engine.Assessment``; unknown when absent). ``digests``: key -> the score's
    ``codec.score_digest`` when the caller already computed it."""
    deltas, holds_until, digests = deltas or {}, holds_until or {}, digests or {}
    unique = {s.dataset_key: s for s in scores}
    keys = list(unique)
    dataset_ids: dict[str, int] = {}
    for part in chunks(keys):
        query = select(m.DatasetRow.key, m.DatasetRow.id).where(m.DatasetRow.key.in_(part))
        dataset_ids.update(dict(session.execute(query).tuples().all()))
        session.execute(
            delete(m.DatasetScoreRow).where(
                m.DatasetScoreRow.run_id == run.id, m.DatasetScoreRow.dataset_key.in_(part)
            )
        )
    at = scored_at or _aware(run.started_at)
    rows = [
        _score_row(run.id, s, dataset_ids.get(k), at, digests.get(k)) for k, s in unique.items()
    ]
    for row in rows:
        delta = deltas.get(row["dataset_key"])
        row["results_of"] = delta.base if delta is not None else None
        row["holds_until"] = holds_until.get(row["dataset_key"])
    by_key = insert_ids(session, m.DatasetScoreRow, rows, "dataset_key", run_id=run.id)
    criteria = (  # read one at a time by the insert
        _criterion_row(run.id, by_key[key], pos, result)
        for key, score in unique.items()
        for pos, result in enumerate(score.results)
        if key not in deltas or pos in deltas[key].positions
    )
    insert_rows(session, m.CriterionResultRow, criteria)


def _score_row(
    run_id: int,
    score: DatasetScore,
    dataset_id: int | None,
    scored_at: datetime,
    digest: str | None = None,
) -> dict[str, Any]:
    pillars = score.pillars
    return {
        "run_id": run_id,
        "dataset_key": score.dataset_key,
        "dataset_id": dataset_id,
        "overall": score.overall,
        "completeness": pillars.get("completeness"),
        "freshness": pillars.get("freshness"),
        "conformity": pillars.get("conformity"),
        "availability": pillars.get("availability"),
        "pillars": encode(pillars),
        "legal": encode(score.legal),
        "scored_at": scored_at,
        "digest": digest or score_digest(score),
    }


def _criterion_row(run_id: int, score_id: int, pos: int, r: CriterionResult) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "dataset_score_id": score_id,
        "position": pos,
        "criterion_id": r.criterion_id,
        "pillar": r.pillar,
        "status": r.status,
        "score": r.score,
        "weight": r.weight,
        "evidence": encode(r.evidence),
        "fix_hint": r.fix_hint,
        "label": r.label,
    }


def abandon_runs(session: Session, kind: str) -> list[int]:
    """Close every ``running`` run of ``kind`` as failed: its process died mid-flight."""
    now = utcnow()
    query = select(m.Run).where(m.Run.kind == kind, m.Run.status == "running")
    closed = []
    for run in session.execute(query).scalars():
        run.status = "failed"
        run.finished_at = max(now, _aware(run.started_at))
        run.summary = {
            **(run.summary or {}),
            "abandoned": True,
            "error": "exécution interrompue avant sa fin (processus arrêté) : close au démarrage "
            "de l'exécution suivante",
        }
        closed.append(run.id)
    return closed
