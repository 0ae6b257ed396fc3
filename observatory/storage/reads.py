"""Read helpers of the store: rebuild model dataclasses from rows and JSON."""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from functools import partial
from typing import Any, Literal, cast

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from observatory.model import (
    CatalogueStatus,
    CriterionResult,
    Dataset,
    DatasetScore,
    Distribution,
    Organisation,
    Outcome,
    Pillar,
    ProbeResult,
    RunInfo,
    ScorePoint,
    Service,
    SharedResults,
    Snapshot,
    SourceError,
    Status,
    ValidationError,
    ValidationReport,
)
from observatory.storage import models as m
from observatory.storage.codec import from_jsonable
from observatory.storage.views import load_views
from observatory.storage.writes import chunks, url_hash


def run_info(row: m.Run | Any) -> RunInfo:
    return RunInfo(
        id=row.id,
        started_at=row.started_at,
        finished_at=row.finished_at,
        status=row.status,
        kind=row.kind,
        summary=dict(row.summary or {}),
    )


def load_run(conn: Connection, run_id: int) -> RunInfo:
    row = conn.execute(select(m.Run).where(m.Run.id == run_id)).first()
    if row is None:
        raise LookupError(f"no run {run_id} in the store")
    return run_info(row)


def load_snapshot(conn: Connection, run_id: int, details: bool = True) -> Snapshot:
    """Everything saved for ``run_id``, in the order it was saved; without ``details``,
    neither the criterion results' evidence (see ``load_scores``) nor the reference views,
    which are most of a run's memory (``result_evidence`` and ``load_views`` read them
    for a few datasets at a time)."""
    datasets = load_datasets(conn, run_id)
    return Snapshot(
        run=load_run(conn, run_id),
        catalogues=load_catalogues(conn, run_id),
        datasets=datasets,
        services=_load_json(conn, m.ServiceObservation, Service, run_id),
        organisations=_load_json(conn, m.OrganisationObservation, Organisation, run_id),
        probes=_probes_sharing_urls(run_probe_rows(conn, run_id), datasets),
        validations=[validation(r) for r in conn.execute(_by_run(m.ValidationRow, run_id))],
        scores=load_scores(conn, run_id, evidence=details),
        views=load_views(conn, run_id) if details else {},
    )


def _probes_sharing_urls(rows: Iterable[Any], datasets: list[Dataset]) -> list[ProbeResult]:
    """Probes whose URL is the very string of the distribution probed (250,000 probes: one
    copy of each URL instead of two, about 24 MB)."""
    urls = {
        u: u
        for d in datasets
        for dist in d.distributions
        for u in (dist.url, dist.download_url)
        if u
    }
    return [probe(r, urls.get(r.url)) for r in rows]


def reused_by(query: Any, run_id: int) -> Any:
    """``query`` (over ``probe_results``) narrowed to the earlier probes ``run_id`` reused:
    those in its ranges (``run_probe_ranges``) made by an earlier run (an id SQLite gave
    again after pruning belongs to a later run)."""
    p, r = m.ProbeRow, m.RunProbeRange
    inside = and_(r.run_id == run_id, p.id >= r.first_id, p.id <= r.last_id)
    return query.join(r, inside).where(p.run_id < run_id)


def run_probe_rows(conn: Connection, run_id: int, target: str | None = None) -> Iterator[Any]:
    """Probe rows of a run: its own, then the earlier ones it reused (as they are read:
    a 250,000-probe run is never held twice, as rows and as probes)."""
    own = _by_run(m.ProbeRow, run_id)
    reused = reused_by(select(m.ProbeRow), run_id).order_by(m.ProbeRow.id)
    if target is not None:
        own, reused = (
            own.where(m.ProbeRow.target == target),
            reused.where(m.ProbeRow.target == target),
        )
    yield from conn.execute(own)
    yield from conn.execute(reused)


def _by_run(model: type[Any], run_id: int) -> Any:
    return select(model).where(model.run_id == run_id).order_by(model.id)


def _load_json(conn: Connection, model: type[Any], cls: type[Any], run_id: int) -> list[Any]:
    query = select(model.data).where(model.run_id == run_id).order_by(model.id)
    return [from_jsonable(cls, data) for data in conn.execute(query).scalars()]


def load_catalogues(conn: Connection, run_id: int) -> list[CatalogueStatus]:
    errors: dict[int, list[SourceError]] = defaultdict(list)
    for e in conn.execute(_by_run(m.SourceErrorRow, run_id)):
        errors[e.catalogue_run_id].append(
            SourceError(source=e.source, url=e.url, kind=e.kind, message=e.message, at=e.at)
        )
    return [
        CatalogueStatus(
            id=c.catalogue_id,
            name=c.name,
            kind=c.kind,
            url=c.url,
            ok=c.ok,
            dataset_count=c.dataset_count,
            errors=errors.get(c.id, []),
        )
        for c in conn.execute(_by_run(m.CatalogueRun, run_id))
    ]


def load_datasets(
    conn: Connection,
    run_id: int,
    catalogue_run_id: int | None = None,
    spdr_only: bool = False,
    source_ids: Sequence[str] = (),
) -> list[Dataset]:
    """A run's datasets (of one catalogue row when given; only the published reference
    datasets with ``spdr_only``, and those whose source id is in ``source_ids``); deleted
    ones have ``deleted``. A carried observation's
    distributions are those of the one it copies."""
    dists: dict[int, list[Distribution]] = defaultdict(list)
    d, o, first = m.DistributionObservation, m.DatasetObservation, aliased(m.DatasetObservation)
    owner = func.coalesce(o.distributions_of, o.id)
    query = (
        select(o.id, d.data)
        .join(d, d.dataset_observation_id == owner)
        .where(o.run_id == run_id)
        .order_by(o.id, d.position)
    )
    datasets = []
    rows = (
        select(o.id, first.data, o.deleted_at)
        .join(first, first.id == owner)  # a carried copy's record is the one it copies
        .where(o.run_id == run_id)
        .order_by(o.id)
    )
    if catalogue_run_id is not None:
        query = query.where(o.catalogue_run_id == catalogue_run_id)
        rows = rows.where(o.catalogue_run_id == catalogue_run_id)
    if spdr_only:
        flagged: Any = m.DatasetRow.spdr.is_not(None)
        if source_ids:
            flagged = flagged | m.DatasetRow.source_id.in_(list(source_ids))
        spdr = select(m.DatasetRow.id).where(flagged)
        query = query.where(o.dataset_id.in_(spdr), o.deleted_at.is_(None))
        rows = rows.where(o.dataset_id.in_(spdr), o.deleted_at.is_(None))
    for obs_id, data in conn.execute(query):
        dists[obs_id].append(from_jsonable(Distribution, data))
    for obs_id, data, deleted_at in conn.execute(rows):
        dataset = from_jsonable(Dataset, data)
        dataset.distributions = dists.get(obs_id, [])
        dataset.deleted = dataset.deleted or deleted_at is not None
        datasets.append(dataset)
    return datasets


def probe(row: Any, url: str | None = None) -> ProbeResult:
    """A probe from its row; texts repeated by thousands of probes are one shared copy, and
    ``url``, when given, is the row's URL (an equal string held elsewhere)."""
    url = row.url if url is None else url
    return ProbeResult(
        url=url,
        outcome=cast(Outcome, sys.intern(row.outcome)),
        reason=sys.intern(row.reason),
        checked_at=row.checked_at,
        target=cast(Literal["file", "api"], sys.intern(row.target)),
        check_name=_text(row.check_name),
        method=_text(row.method),
        status=row.status,
        final_url=url if row.final_url == row.url else row.final_url,
        content_type=_text(row.content_type),
        content_length=row.content_length,
        last_modified=_text(row.last_modified),
        etag=row.etag,
        latency_ms=row.latency_ms,
        extra={sys.intern(k): v for k, v in (row.extra or {}).items()},
    )


def validation(row: Any) -> ValidationReport:
    return ValidationReport(
        url=row.url,
        distribution_key=row.distribution_key,
        schema_url=row.schema_url,
        valid=row.valid,
        checked_at=row.checked_at,
        errors=[from_jsonable(ValidationError, e) for e in row.errors or []],
        error_counts=dict(row.error_counts or {}),
        row_count=row.row_count,
        detected_format=row.detected_format,
        partial=row.partial,
        fatal=row.fatal,
        stats=dict(row.stats or {}),
    )


def load_scores(
    conn: Connection, run_id: int, keys: list[str] | None = None, evidence: bool = True
) -> dict[str, DatasetScore]:
    """A run's scores (of ``keys`` only, when given); a carried one's criterion results are
    those of the score it copies. Without ``evidence``, each result's evidence is left
    empty and not even read (``result_evidence`` reads it for a few datasets at a time):
    a whole run's evidence is most of its scores' memory; results with the same values are
    then one shared object, never to be changed."""
    c = m.CriterionResultRow
    columns = [c] if evidence else [col for col in c.__table__.c if col.key != "evidence"]
    make = _criterion if evidence else partial(_shared_criterion, SharedResults())
    if keys is None:
        return _load_scores(conn, run_id, None, columns, make)
    found: dict[str, DatasetScore] = {}
    for part in chunks(list(dict.fromkeys(keys))):
        found |= _load_scores(conn, run_id, list(part), columns, make)
    return found


def load_outlines(conn: Connection, run_id: int) -> dict[str, DatasetScore]:
    """A run's scores with only the criterion id, pillar and status of each result (what
    a publication compares with the previous run), read in four columns. Results with the
    same three are one shared object, never to be changed: a 50,000-dataset run's
    1,250,000 results are then a few hundred objects."""
    c = m.CriterionResultRow
    shared = SharedResults()

    def outline(r: Any) -> CriterionResult:
        return shared.get(r.criterion_id, cast(Pillar, r.pillar), cast(Status, r.status), None, 0.0)

    return _load_scores(
        conn, run_id, None, [c.position, c.criterion_id, c.pillar, c.status], outline
    )


#: The row holding a score's values and results: the score's own row, or the full row a
#: thin carried copy names (``score_of``).
VALUES = aliased(m.DatasetScoreRow, name="score_values")


def score_rows(*columns: Any) -> Any:
    """A select of ``columns`` over the score rows (``DatasetScoreRow``: run, key) joined
    to the rows holding their values (``VALUES``: scores, digest, date, results)."""
    s = m.DatasetScoreRow
    values = VALUES.id == func.coalesce(s.score_of, s.id)
    return select(*columns).select_from(s).join(VALUES, values)


def result_queries(run_id: int, *columns: Any) -> list[Any]:
    """``columns`` of the criterion results of ``run_id``'s scores, in two queries to read
    in order: each score's full set (its own, or its base's), then a delta's own rows,
    which replace its base's at their positions (``storage.deltas``). A thin copy reads
    the results of the row it names."""
    s, v, c = m.DatasetScoreRow, VALUES, m.CriterionResultRow
    shared = score_rows(*columns).join(c, c.dataset_score_id == func.coalesce(v.results_of, v.id))
    own = score_rows(*columns).join(c, c.dataset_score_id == v.id)
    own = own.where(v.results_of.is_not(None))
    return [shared.where(s.run_id == run_id), own.where(s.run_id == run_id)]


def _load_scores(
    conn: Connection,
    run_id: int,
    keys: list[str] | None,
    columns: list[Any],
    make: Callable[[Any], CriterionResult],
) -> dict[str, DatasetScore]:
    """Scores with their results, each made by ``make`` from its row of ``columns``."""
    s, v = m.DatasetScoreRow, VALUES
    scores = score_rows(s.id, s.dataset_key, v.pillars, v.overall, v.legal)
    scores = scores.where(s.run_id == run_id).order_by(s.id)
    queries = result_queries(run_id, s.id.label("owner_id"), *columns)
    if keys is not None:
        queries = [q.where(s.dataset_key.in_(keys)) for q in queries]
        scores = scores.where(s.dataset_key.in_(keys))
    results: dict[int, dict[int, CriterionResult]] = defaultdict(dict)
    for query in queries:  # the delta's rows replace its base's
        for r in conn.execute(query):
            results[r.owner_id][r.position] = make(r)
    return {
        s.dataset_key: DatasetScore(
            dataset_key=s.dataset_key,
            results=[found[p] for p in sorted(found)] if (found := results.get(s.id)) else [],
            pillars=dict(s.pillars),
            overall=s.overall,
            legal=dict(s.legal),
        )
        for s in conn.execute(scores)
    }


def _text(value: str | None) -> str | None:
    """One shared copy of a text that thousands of results repeat (ids, labels, hints)."""
    return sys.intern(value) if value is not None else None


def _criterion(r: Any) -> CriterionResult:
    return CriterionResult(
        criterion_id=sys.intern(r.criterion_id),
        pillar=cast(Pillar, sys.intern(r.pillar)),
        status=cast(Status, sys.intern(r.status)),
        score=r.score,
        weight=r.weight,
        evidence=dict(r.evidence or {}),
        fix_hint=_text(r.fix_hint),
        label=sys.intern(r.label),
    )


def _shared_criterion(shared: SharedResults, r: Any) -> CriterionResult:
    """A result without its evidence, one object for all results with its values (50,000
    datasets: 1,050,225 results, 50,056 objects), never to be changed."""
    return shared.get(
        r.criterion_id,
        cast(Pillar, r.pillar),
        cast(Status, r.status),
        r.score,
        r.weight,
        _text(r.fix_hint),
        sys.intern(r.label),
    )


def result_evidence(
    conn: Connection, run_id: int, keys: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """The evidence of each criterion result of the datasets of ``keys`` in ``run_id``, in
    the order of their results in ``load_scores`` (read the same way, one column only)."""
    s, c = m.DatasetScoreRow, m.CriterionResultRow
    found: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for part in chunks(list(dict.fromkeys(keys))):
        for query in result_queries(run_id, s.dataset_key, c.position, c.evidence):
            for key, position, value in conn.execute(query.where(s.dataset_key.in_(part))):
                found[key][position] = dict(value or {})
    return {key: [by[p] for p in sorted(by)] for key, by in found.items()}


def dataset_keys(conn: Connection, run_id: int) -> list[str]:
    """The keys of every dataset ``run_id`` observed (deleted ones included), in the order
    ``load_datasets`` gives them, without reading their records."""
    o = m.DatasetObservation
    query = (
        select(m.DatasetRow.key)
        .join(o, o.dataset_id == m.DatasetRow.id)
        .where(o.run_id == run_id)
        .order_by(o.id)
    )
    return list(conn.execute(query).scalars())


def failing_criteria(
    conn: Connection, run_id: int, statuses: Sequence[str]
) -> set[tuple[str, str]]:
    """(dataset key, criterion id) of each result of ``run_id`` whose status is in
    ``statuses``, read as ``load_scores`` reads results (a score's full set is its own or
    its base's; a delta's own rows replace its base's at their positions) but only four
    columns of them: no evidence decoded. Only failing results are held meanwhile: a
    delta's passing row drops the failing one it replaces."""
    s, c = m.DatasetScoreRow, m.CriterionResultRow
    found: dict[tuple[str, int], str] = {}
    for query in result_queries(run_id, s.dataset_key, c.position, c.criterion_id, c.status):
        for key, position, criterion, status in conn.execute(query):
            if status in statuses:  # one copy of each key and id, however many results
                found[(sys.intern(key), position)] = sys.intern(criterion)
            else:
                found.pop((key, position), None)
    return {(key, criterion) for (key, _), criterion in found.items()}


def _score_query() -> Any:
    s, v = m.DatasetScoreRow, VALUES
    query = score_rows(s.dataset_key, m.Run.id, m.Run.started_at, v.overall, v.pillars)
    return query.join(m.Run, m.Run.id == s.run_id)


def score_history(conn: Connection, dataset_key: str, limit: int) -> list[ScorePoint]:
    """The last ``limit`` scores of a dataset, oldest first (ready to plot)."""
    query = (
        _score_query()
        .where(m.DatasetScoreRow.dataset_key == dataset_key)
        .order_by(m.Run.started_at.desc(), m.Run.id.desc())
        .limit(limit)
    )
    rows = [(r[1], r[2], r[3], dict(r[4])) for r in conn.execute(query)]
    return rows[::-1]


def score_histories(
    conn: Connection, dataset_keys: list[str], limit: int, until: RunInfo | None = None
) -> dict[str, list[ScorePoint]]:
    """``score_history`` of many datasets in a few queries (one per chunk of keys), of the
    runs up to ``until`` (by start, then id) when given. The database keeps each dataset's
    last ``limit`` points: a store of a year of daily runs sends no more than a week's."""
    found: dict[str, list[ScorePoint]] = {key: [] for key in dataset_keys}
    if limit <= 0:
        return found
    at, run_id = m.Run.started_at, m.Run.id
    newest = func.row_number().over(
        partition_by=m.DatasetScoreRow.dataset_key, order_by=(at.desc(), run_id.desc())
    )
    for part in chunks(list(found)):
        query = _score_query().add_columns(newest.label("newest"))
        query = query.where(m.DatasetScoreRow.dataset_key.in_(part))
        if until is not None:
            start = until.started_at
            query = query.where((at < start) | ((at == start) & (run_id <= until.id)))
        ranked = query.subquery()
        kept = select(*[c for c in ranked.c if c.key != "newest"]).where(ranked.c.newest <= limit)
        for key, *point in conn.execute(kept.order_by(ranked.c.started_at, ranked.c.id)):
            found[key].append((point[0], point[1], point[2], dict(point[3])))
    return found


def probe_history(conn: Connection, url: str, since: datetime | None) -> list[ProbeResult]:
    """Every probe of ``url`` (any run), oldest first."""
    return probe_histories(conn, [url], since)[url]


def probe_histories(
    conn: Connection, urls: list[str], since: datetime | None
) -> dict[str, list[ProbeResult]]:
    """Every probe of each URL (any run), oldest first, in a few queries."""
    found: dict[str, list[ProbeResult]] = {url: [] for url in urls}
    for part in chunks(list(found)):
        query = select(m.ProbeRow).where(m.ProbeRow.url_hash.in_([url_hash(u) for u in part]))
        if since is not None:
            query = query.where(m.ProbeRow.checked_at >= since)
        for row in conn.execute(query.order_by(m.ProbeRow.checked_at, m.ProbeRow.id)):
            if row.url in found:
                found[row.url].append(probe(row))
    return found
