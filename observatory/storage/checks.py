"""Integrity checks of the store: engine-level checks plus orphan and consistency queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, and_, cast, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from observatory.storage import models as m
from observatory.storage.migrate import current_revision, head_revision


def integrity_problems(conn: Connection) -> list[str]:
    """Every problem found, in plain words (empty when the store is sound)."""
    problems: list[str] = []
    if conn.dialect.name == "sqlite":
        problems += _sqlite_checks(conn)
    current, head = current_revision(conn), head_revision()
    if current != head:
        problems.append(f"schema at revision {current}, expected {head}")
        return problems
    problems += _orphans(conn)
    problems += _consistency(conn)
    return problems


def _sqlite_checks(conn: Connection) -> list[str]:
    found = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
    problems = [f"sqlite integrity_check: {r}" for r in found if r != "ok"]
    for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        problems.append(f"sqlite foreign_key_check: {table} row {rowid} points to missing {parent}")
    return problems


_SharedObservation = aliased(m.DatasetObservation)  # what a carried copy points to
_SharedScore = aliased(m.DatasetScoreRow)

# (child table, child column, parent table, parent column)
_REFERENCES: list[tuple[Any, Any, Any, Any]] = [
    (m.CatalogueRun, m.CatalogueRun.run_id, m.Run, m.Run.id),
    (m.CatalogueRun, m.CatalogueRun.catalogue_id, m.CatalogueRow, m.CatalogueRow.id),
    (m.SourceErrorRow, m.SourceErrorRow.catalogue_run_id, m.CatalogueRun, m.CatalogueRun.id),
    (m.DatasetObservation, m.DatasetObservation.dataset_id, m.DatasetRow, m.DatasetRow.id),
    (
        m.DatasetObservation,
        m.DatasetObservation.catalogue_run_id,
        m.CatalogueRun,
        m.CatalogueRun.id,
    ),
    (
        m.DistributionObservation,
        m.DistributionObservation.dataset_observation_id,
        m.DatasetObservation,
        m.DatasetObservation.id,
    ),
    (
        m.DistributionObservation,
        m.DistributionObservation.distribution_id,
        m.DistributionRow,
        m.DistributionRow.id,
    ),
    (m.ServiceObservation, m.ServiceObservation.service_id, m.ServiceRow, m.ServiceRow.id),
    (
        m.DatasetObservation,
        m.DatasetObservation.distributions_of,
        _SharedObservation,
        _SharedObservation.id,
    ),
    (m.DatasetScoreRow, m.DatasetScoreRow.results_of, _SharedScore, _SharedScore.id),
    (m.DatasetScoreRow, m.DatasetScoreRow.score_of, _SharedScore, _SharedScore.id),
    (
        m.OrganisationObservation,
        m.OrganisationObservation.organisation_id,
        m.OrganisationRow,
        m.OrganisationRow.id,
    ),
    (m.ProbeRow, m.ProbeRow.run_id, m.Run, m.Run.id),
    (m.RunProbeRange, m.RunProbeRange.run_id, m.Run, m.Run.id),
    (
        m.ReferenceViewRow,
        m.ReferenceViewRow.document_id,
        m.ReferenceViewDocument,
        m.ReferenceViewDocument.id,
    ),
    (m.ValidationRow, m.ValidationRow.run_id, m.Run, m.Run.id),
    (m.DatasetScoreRow, m.DatasetScoreRow.run_id, m.Run, m.Run.id),
    (
        m.CriterionResultRow,
        m.CriterionResultRow.dataset_score_id,
        m.DatasetScoreRow,
        m.DatasetScoreRow.id,
    ),
]


def _orphans(conn: Connection) -> list[str]:
    """Rows pointing at a parent that does not exist (foreign keys may have been off)."""
    problems = []
    for child, column, parent, key in _REFERENCES:
        query = (
            select(func.count())
            .select_from(child)
            .outerjoin(parent, key == column)
            .where(column.is_not(None), key.is_(None))
        )
        count = conn.execute(query).scalar_one()
        if count:
            name = f"{child.__tablename__}.{column.key}"
            problems.append(f"{count} row(s) of {name} point to a missing {parent.__tablename__}")
    return problems


def _mismatch(conn: Connection, child: Any, parent: Any, link: Any, what: str) -> list[str]:
    query = select(func.count()).select_from(child).join(parent, link)
    query = query.where(child.run_id != parent.run_id)
    count = conn.execute(query).scalar_one()
    return [f"{count} {what} belong to another run than their parent"] if count else []


def _consistency(conn: Connection) -> list[str]:
    """Cross-table facts that must hold: same run as the parent, dates in order, scores."""
    problems = _mismatch(
        conn,
        m.DistributionObservation,
        m.DatasetObservation,
        m.DistributionObservation.dataset_observation_id == m.DatasetObservation.id,
        "distribution observation(s)",
    )
    problems += _mismatch(
        conn,
        m.DatasetObservation,
        m.CatalogueRun,
        m.DatasetObservation.catalogue_run_id == m.CatalogueRun.id,
        "dataset observation(s)",
    )
    problems += _mismatch(
        conn,
        m.CriterionResultRow,
        m.DatasetScoreRow,
        m.CriterionResultRow.dataset_score_id == m.DatasetScoreRow.id,
        "criterion result(s)",
    )
    bad_runs = conn.execute(
        select(func.count())
        .select_from(m.Run)
        .where(
            (m.Run.finished_at < m.Run.started_at)
            | and_(m.Run.status == "running", m.Run.finished_at.is_not(None))
            | and_(m.Run.status != "running", m.Run.finished_at.is_(None))
        )
    ).scalar_one()
    if bad_runs:
        problems.append(f"{bad_runs} run(s) with a status that contradicts their dates")
    for model in (m.DatasetRow, m.DistributionRow, m.ServiceRow, m.OrganisationRow):
        count = conn.execute(
            select(func.count()).select_from(model).where(model.first_seen_at > model.last_seen_at)
        ).scalar_one()
        if count:
            problems.append(f"{count} {model.__tablename__} seen last before first")
    stray = conn.execute(
        select(func.count())
        .select_from(m.DatasetScoreRow)
        .where(m.DatasetScoreRow.dataset_id.is_(None))
    ).scalar_one()
    if stray:
        problems.append(f"{stray} dataset score(s) for a dataset the store never saw")
    return problems + _shared_rows(conn)


def _shared_rows(conn: Connection) -> list[str]:
    """A carried observation points to one that holds the record and the distributions
    (not to another copy), and such an observation holds a record; a score shares the
    results of a full set (not of another delta or copy); a carried score names a full
    row."""
    o, shared, r = m.DatasetObservation, _SharedObservation, m.RunProbeRange
    chained = select(func.count()).select_from(o).join(shared, shared.id == o.distributions_of)
    chained = chained.where(shared.distributions_of.is_not(None))
    empty = select(func.count()).where(o.distributions_of.is_(None))
    empty = empty.where((cast(o.data, Text) == "null") | (o.content_hash == ""))
    score, base = m.DatasetScoreRow, _SharedScore
    chained_scores = select(func.count()).select_from(score).join(base, base.id == score.results_of)
    chained_scores = chained_scores.where(base.results_of.is_not(None))
    thin = select(func.count()).select_from(score).join(base, base.id == score.score_of)
    thin = thin.where(base.score_of.is_not(None) | score.results_of.is_not(None))
    problems = []
    if count := conn.execute(chained).scalar_one():
        problems.append(f"{count} carried dataset observation(s) pointing to another copy")
    if count := conn.execute(chained_scores).scalar_one():
        problems.append(f"{count} dataset score(s) sharing the results of a shared score")
    if count := conn.execute(thin).scalar_one():
        problems.append(f"{count} carried dataset score(s) naming another copy, or a base too")
    if count := conn.execute(empty).scalar_one():
        problems.append(f"{count} dataset observation(s) with no record")
    reversed_ranges = select(func.count()).select_from(r).where(r.first_id > r.last_id)
    if count := conn.execute(reversed_ranges).scalar_one():
        problems.append(f"{count} reused probe range(s) that end before they start")
    return problems
