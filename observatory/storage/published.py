"""What a publication of one run reads from the store, summarised by a few cheap queries.

``publication_state`` returns, for a run, its row and its previous run's, the observe runs
its pages list, row counts and largest ids of every per-run table of both runs, and the
availability history (raw probes up to the run's clock, rollups, rollup marks) and the
structural changes of the reference files. Rows of a finished run are not edited in place
(a run writes while ``running``; later runs add rows of their own; pruning deletes probes
and moves the rollup marks), so two equal states give the same site. Counts and largest ids
come from indexed ranges: a few hundred milliseconds for a run of 50,000 datasets.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from observatory.model import RunInfo
from observatory.storage import models as m
from observatory.storage.reads import load_run, run_info
from observatory.storage.writes import chunks, url_hash

#: Tables whose rows belong to one run (``run_id``); each is summarised by count and max id.
RUN_TABLES: tuple[type[Any], ...] = (
    m.CatalogueRun,
    m.SourceErrorRow,
    m.DatasetObservation,
    m.DistributionObservation,
    m.ServiceObservation,
    m.OrganisationObservation,
    m.ProbeRow,
    m.ValidationRow,
    m.DatasetScoreRow,
    m.CriterionResultRow,
    m.ReferenceViewRow,
)


def _run_row(run: RunInfo) -> list[Any]:
    summary = json.dumps(run.summary, sort_keys=True, default=str).encode("utf-8")
    return [
        run.id,
        run.kind,
        run.status,
        run.started_at.isoformat(),
        run.finished_at.isoformat() if run.finished_at else None,
        hashlib.sha256(summary).hexdigest(),
    ]


def run_tables(conn: Connection, run_id: int) -> dict[str, list[Any]]:
    """Per table of ``RUN_TABLES``: [row count, largest id] of a run; for the probes it
    reused, [ranges, their spans, largest id]."""
    found: dict[str, list[Any]] = {}
    for model in RUN_TABLES:
        query = select(func.count(), func.max(model.id)).where(model.run_id == run_id)
        found[model.__tablename__] = list(conn.execute(query).one())
    r = m.RunProbeRange
    reused = select(func.count(), func.sum(r.last_id - r.first_id), func.max(r.last_id))
    found[r.__tablename__] = list(conn.execute(reused.where(r.run_id == run_id)).one())
    return found


def url_histories(conn: Connection, urls: Iterable[str], until: Any) -> list[list[Any]]:
    """Per chunk of URLs: raw probes checked by ``until`` (count, max id), rollups (count,
    max id) and rollup marks (count, latest mark): what ``Store.availability`` reads."""
    found = []
    for part in chunks(sorted(set(urls))):
        hashes = [url_hash(u) for u in part]
        probes = select(func.count(), func.max(m.ProbeRow.id)).where(
            m.ProbeRow.url_hash.in_(hashes), m.ProbeRow.checked_at <= until
        )
        buckets = select(func.count(), func.max(m.ProbeRollupRow.id)).where(
            m.ProbeRollupRow.url_hash.in_(hashes)
        )
        marks = select(func.count(), func.max(m.ProbeRollupMark.rolled_until)).where(
            m.ProbeRollupMark.url_hash.in_(hashes)
        )
        rows = [conn.execute(q).one() for q in (probes, buckets, marks)]
        found.append([str(v) if v is not None else None for row in rows for v in row])
    return found


def publication_state(
    conn: Connection, run_id: int, previous_id: int | None, urls: list[str], spdr_keys: list[str]
) -> dict[str, Any]:
    """Everything a publication of ``run_id`` (compared with ``previous_id``) depends on in
    the store, as plain JSON values (see the module docstring)."""
    run = load_run(conn, run_id)
    at, start = m.Run.started_at, run.started_at
    listed = (
        select(m.Run)
        .where(m.Run.kind == "observe", (at < start) | ((at == start) & (m.Run.id <= run.id)))
        .order_by(m.Run.id)
    )
    structures = select(func.count(), func.max(m.FileStructureRow.id)).where(
        m.FileStructureRow.spdr.in_(spdr_keys), m.FileStructureRow.first_seen <= start
    )
    return {
        "run": _run_row(run),
        "tables": run_tables(conn, run_id),
        "previous": _run_row(load_run(conn, previous_id)) if previous_id is not None else None,
        "previous_tables": run_tables(conn, previous_id) if previous_id is not None else None,
        "runs": [_run_row(run_info(r)) for r in conn.execute(listed)],
        "availability": url_histories(conn, urls, run.finished_at or run.started_at),
        "structures": [str(v) for v in conn.execute(structures).one()],
    }
