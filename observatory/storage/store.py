"""The store: every run's harvest, probes, validations and scores, kept as history.

SQLite file by default, PostgreSQL by URL. The schema is brought to head by the packaged
Alembic migrations when a Store opens. Each ``save_*`` call is one transaction: if it
fails, that call leaves nothing behind and earlier writes stay as they were. A run that
never reaches ``finish_run`` stays ``running``, so readers can tell it apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from observatory.harvest.incremental import Known
from observatory.inspect.structure import Observed
from observatory.model import (
    Catalogue,
    CatalogueStatus,
    Dataset,
    DatasetScore,
    ProbeResult,
    ReferenceView,
    RunInfo,
    Snapshot,
    ValidationReport,
    to_jsonable,
)
from observatory.storage import (
    cache,
    carry,
    deltas,
    locks,
    published,
    reads,
    rollups,
    state,
    structures,
    views,
    writes,
)
from observatory.storage import models as m
from observatory.storage.cache import HttpValidators
from observatory.storage.carry import CarryDatasets, CarryScores
from observatory.storage.checks import integrity_problems
from observatory.storage.engine import WRITE_OPTIONS, make_engine
from observatory.storage.locks import LockInfo
from observatory.storage.migrate import upgrade_to_head

DEFAULT_URL = "sqlite:///observatory.db"
FINISHED = ("ok", "partial")  # statuses a later run may compare itself with
T = TypeVar("T")


class Store:
    """History of observatory runs in a SQL database (SQLite or PostgreSQL)."""

    def __init__(self, url: str = DEFAULT_URL) -> None:
        self.url = url
        self._engine = make_engine(url)
        self._writer = self._engine.execution_options(**WRITE_OPTIONS)
        try:
            upgrade_to_head(self._engine)
        except BaseException:
            self._engine.dispose()
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- writes -------------------------------------------------------------------------

    def _write(self, run_id: int, action: Callable[[Session, m.Run], T]) -> T:
        """Run ``action`` in one transaction on the run ``run_id`` (rolled back on error)."""
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            return action(session, writes.get_run(session, run_id))

    def start_run(self, kind: str = "observe", started_at: datetime | None = None) -> int:
        """Open a run (status ``running``) and return its id."""
        with Session(self._writer) as session, session.begin():
            run = m.Run(
                kind=kind,
                status="running",
                started_at=started_at or writes.utcnow(),
                finished_at=None,
                summary={},
            )
            session.add(run)
            session.flush()
            return run.id

    def save_catalogue(
        self,
        run_id: int,
        catalogue: Catalogue,
        status: CatalogueStatus,
        carry_over: CarryDatasets | None = None,
    ) -> None:
        """One source's status and errors, organisations, datasets with distributions, services.

        ``carry_over`` names datasets copied from an earlier run in the same transaction
        (unchanged ones as they were, deleted ones marked with their deletion date) instead
        of being in ``catalogue``. Saving the same catalogue twice in a run replaces the
        first save.
        """

        def save(session: Session, run: m.Run) -> None:
            catalogue_run_id = writes.save_catalogue(session, run, catalogue, status)
            if carry_over is not None:
                carry.carry_datasets(session, run, catalogue_run_id, carry_over)

        self._write(run_id, save)

    def save_probes(
        self, run_id: int, probes: list[ProbeResult], reused: list[int] | None = None
    ) -> None:
        """The run's own probes, and the ids of earlier probes it ``reused`` as its own."""

        def save(session: Session, run: m.Run) -> None:
            writes.save_probes(session, run, probes)
            if reused is not None:
                carry.link_probes(session, run, reused)

        self._write(run_id, save)

    def save_validations(self, run_id: int, reports: list[ValidationReport]) -> None:
        self._write(run_id, lambda s, run: writes.save_validations(s, run, reports))

    def record_structures(self, run_id: int, seen: list[Observed]) -> int:
        """Store the SPDR file structures this run read that changed (dated by the run's
        start); returns how many changed. See ``observatory.storage.structures``."""
        return self._write(
            run_id, lambda s, run: structures.record(s, run.id, run.started_at, seen)
        )

    def structure_changes(
        self, spdr_keys: list[str], until: datetime | None = None
    ) -> dict[str, list[dict[str, Any]]]:
        """SPDR key -> structural changes of its files (first seen by ``until``), newest
        first."""
        return self._read(lambda c: structures.structure_changes(c, spdr_keys, until))

    def save_scores(
        self,
        run_id: int,
        scores: list[DatasetScore],
        scored_at: datetime | None = None,
        carry_over: CarryScores | None = None,
        previous: int | None = None,
        holds_until: Mapping[str, datetime] | None = None,
        digests: Mapping[str, str] | None = None,
    ) -> None:
        """Scores with their criterion results (computed at ``scored_at``, default the run's
        start), plus the scores ``carry_over`` copies from an earlier run, in one transaction.
        A dataset scored again in a run is replaced. A score that changed in a few criteria
        since the ``previous`` run (its id) stores only those (``storage.deltas``).
        ``holds_until``: key -> until when the score holds if nothing changes;
        ``digests``: key -> ``codec.score_digest`` of its score, when already computed."""

        def save(session: Session, run: m.Run) -> None:
            plans = deltas.plan_deltas(session, scores, previous) if previous else None
            writes.save_scores(session, run, scores, scored_at, plans, holds_until, digests)
            if carry_over is not None:
                carry.carry_scores(session, run, carry_over)

        self._write(run_id, save)

    def save_reference_views(
        self,
        run_id: int,
        found: list[ReferenceView],
        carry_from: int | None = None,
        carry_keys: list[str] | None = None,
    ) -> None:
        """Reference views computed by the run, plus those of ``carry_keys`` copied from the
        run ``carry_from``, in one transaction (``observatory.storage.views``)."""

        def save(session: Session, run: m.Run) -> None:
            views.save_views(session, run.id, found)
            if carry_from is not None and carry_keys:
                views.carry_views(session, run.id, carry_from, carry_keys)

        self._write(run_id, save)

    def reference_views(
        self, run_id: int, keys: list[str] | None = None
    ) -> dict[str, ReferenceView]:
        """Dataset key -> its reference views in ``run_id`` (of ``keys`` only, when given;
        also in ``load_snapshot``)."""
        return self._read(lambda conn: views.load_views(conn, run_id, keys))

    def mqa_totals(self, run_id: int) -> dict[str, float]:
        """Dataset key -> the total of its stored MQA view in ``run_id``."""
        return self._read(lambda conn: views.mqa_totals(conn, run_id))

    def finish_run(
        self, run_id: int, status: str, summary: dict[str, Any], at: datetime | None = None
    ) -> None:
        """Close a run with its final status (ok | partial | failed) and summary, at ``at``
        (default now; a run on a simulated clock passes its own)."""
        if status == "running":
            raise ValueError("a finished run cannot have the status 'running'")

        def close(_session: Session, run: m.Run) -> None:
            run.status = status
            run.finished_at = max(at or writes.utcnow(), writes._aware(run.started_at))
            run.summary = to_jsonable(summary)

        self._write(run_id, close)

    # -- reads --------------------------------------------------------------------------

    def _read(self, action: Callable[[Connection], T]) -> T:
        """Run ``action`` in one read transaction (a consistent view on both backends)."""
        with self._engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                return action(conn)

    def list_runs(self, kind: str | None = None, limit: int | None = None) -> list[RunInfo]:
        """Runs, newest first."""
        query = select(m.Run).order_by(m.Run.started_at.desc(), m.Run.id.desc())
        if kind is not None:
            query = query.where(m.Run.kind == kind)
        if limit is not None:
            query = query.limit(limit)
        return self._read(lambda conn: [reads.run_info(r) for r in conn.execute(query)])

    def run_info(self, run_id: int) -> RunInfo:
        """One run: kind, status, dates and summary (LookupError when unknown)."""
        return self._read(lambda conn: reads.load_run(conn, run_id))

    def previous_run_id(self, run_id: int) -> int | None:
        """The last observe run that finished (ok or partial) and started before ``run_id``."""

        def find(conn: Connection) -> int | None:
            run = reads.load_run(conn, run_id)
            earlier = (m.Run.started_at < run.started_at) | (
                (m.Run.started_at == run.started_at) & (m.Run.id < run.id)
            )
            query = (
                select(m.Run.id)
                .where(m.Run.kind == "observe", m.Run.status.in_(FINISHED), earlier)
                .order_by(m.Run.started_at.desc(), m.Run.id.desc())
                .limit(1)
            )
            return conn.execute(query).scalar()

        return self._read(find)

    def publication_state(
        self, run_id: int, previous_id: int | None, urls: list[str], spdr_keys: list[str]
    ) -> dict[str, Any]:
        """What publishing ``run_id`` reads, summarised by cheap queries (one transaction):
        see ``storage.published``. Equal states give the same site."""
        return self._read(
            lambda conn: published.publication_state(conn, run_id, previous_id, urls, spdr_keys)
        )

    def load_snapshot(self, run_id: int, details: bool = True) -> Snapshot:
        """Everything saved for a run, rebuilt as the model's dataclasses; without
        ``details``, neither the criterion results' evidence nor the reference views
        (``result_evidence`` and ``reference_views`` read them for a few datasets)."""
        return self._read(lambda conn: reads.load_snapshot(conn, run_id, details))

    def result_evidence(self, run_id: int, keys: list[str]) -> dict[str, list[dict[str, Any]]]:
        """The evidence of each criterion result of the datasets of ``keys`` in ``run_id``,
        in the order of their scores' results."""
        return self._read(lambda conn: reads.result_evidence(conn, run_id, keys))

    def dataset_keys(self, run_id: int) -> list[str]:
        """The keys of the datasets ``run_id`` observed (deleted ones included)."""
        return self._read(lambda conn: reads.dataset_keys(conn, run_id))

    def failing_criteria(self, run_id: int, statuses: Sequence[str]) -> set[tuple[str, str]]:
        """(dataset key, criterion id) of ``run_id``'s results with one of ``statuses``."""
        return self._read(lambda conn: reads.failing_criteria(conn, run_id, statuses))

    def run_scores(self, run_id: int) -> dict[str, DatasetScore]:
        """Every score of ``run_id`` (with criterion results), by dataset key."""
        return self._read(lambda conn: reads.load_scores(conn, run_id))

    def score_outlines(self, run_id: int) -> dict[str, DatasetScore]:
        """Every score of ``run_id`` with only the id, pillar and status of each criterion
        result (shared objects, never to be changed: ``reads.load_outlines``)."""
        return self._read(lambda conn: reads.load_outlines(conn, run_id))

    def scores_of(self, run_id: int, keys: list[str]) -> dict[str, DatasetScore]:
        """The scores ``run_id`` gave the datasets of ``keys`` (with criterion results)."""
        return self._read(lambda conn: reads.load_scores(conn, run_id, keys))

    def score_history(
        self, dataset_key: str, limit: int = 50
    ) -> list[tuple[int, datetime, float | None, dict[str, float | None]]]:
        """(run id, run start, overall, pillars) of the last ``limit`` runs, oldest first."""
        return self._read(lambda conn: reads.score_history(conn, dataset_key, limit))

    def score_histories(
        self, dataset_keys: list[str], limit: int = 50, until: RunInfo | None = None
    ) -> dict[str, list[tuple[int, datetime, float | None, dict[str, float | None]]]]:
        """``score_history`` for many datasets at once (publishing thousands of pages), up
        to the run ``until`` when given (a past run's pages show no later score)."""
        return self._read(lambda conn: reads.score_histories(conn, dataset_keys, limit, until))

    def probe_history(self, url: str, since: datetime | None = None) -> list[ProbeResult]:
        """Every probe of ``url`` across runs (checked at or after ``since``), oldest first."""
        return self._read(lambda conn: reads.probe_history(conn, url, since))

    def probe_histories(
        self, urls: list[str], since: datetime | None = None
    ) -> dict[str, list[ProbeResult]]:
        """``probe_history`` for many URLs at once (uptime of every download)."""
        return self._read(lambda conn: reads.probe_histories(conn, urls, since))

    def availability_histories(
        self, urls: list[str], since: datetime
    ) -> dict[str, tuple[list[ProbeResult], list[Any], list[Any], datetime | None]]:
        """(raw probes, hourly buckets, daily buckets, rolled_until) of many URLs from
        ``since`` on: what the scoring context computes uptime from."""
        return self._read(lambda conn: rollups.load_histories(conn, urls, since))

    def roll_up_and_prune(
        self, keep_raw_days: int, now: datetime, max_gap: timedelta | None = None
    ) -> dict[str, Any]:
        """Roll raw probes older than ``keep_raw_days`` (from UTC midnight) into hourly and
        daily buckets, then delete them (one transaction). Returns what was done."""
        from observatory.availability.stats import DEFAULT_MAX_GAP

        gap = max_gap or DEFAULT_MAX_GAP
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            return rollups.roll_up_and_prune(session, now, keep_raw_days, gap)

    def availability(
        self,
        url: str,
        now: datetime,
        max_gap: timedelta | None = None,
        open_after: int | None = None,
        close_after: int | None = None,
    ) -> dict[str, Any]:
        """Uptime windows, calendar months with compliance, latency and incidents of ``url``,
        from raw probes and rollups together (see ``observatory.availability.summary``)."""
        from observatory.availability import incidents, stats
        from observatory.availability.summary import availability_summary

        raw, hourly, daily, rolled_until = self._read(lambda c: rollups.load_history(c, url))
        return availability_summary(
            url,
            [p for p in raw if p.checked_at <= now],  # as of ``now``: no later probe
            hourly,
            daily,
            rolled_until,
            now,
            max_gap=max_gap or stats.DEFAULT_MAX_GAP,
            open_after=open_after or incidents.OPEN_AFTER,
            close_after=close_after or incidents.CLOSE_AFTER,
        )

    # -- locks and crash recovery (see observatory.storage.locks) ------------------------

    def acquire_lock(self, name: str, owner: str, stale_after: timedelta) -> LockInfo | None:
        """Take lock ``name`` (LockBusy if a live holder has it); returns a stale holder
        taken over, if any."""
        with Session(self._writer) as session, session.begin():
            return locks.acquire(session, name, owner, writes.utcnow(), stale_after)

    def heartbeat_lock(self, name: str, owner: str, run_id: int | None = None) -> bool:
        with Session(self._writer) as session, session.begin():
            return locks.heartbeat(session, name, owner, writes.utcnow(), run_id)

    def release_lock(self, name: str, owner: str) -> None:
        with Session(self._writer) as session, session.begin():
            locks.release(session, name, owner)

    def lock_holder(self, name: str) -> LockInfo | None:
        with Session(self._engine) as session:
            return locks.holder(session, name)

    def abandon_running_runs(self, kind: str) -> list[int]:
        """Close runs of ``kind`` still ``running`` as ``failed`` (call with the lock held:
        their process is gone). Returns their ids."""
        with Session(self._writer) as session, session.begin():
            return writes.abandon_runs(session, kind)

    # -- incremental runs (see observatory.storage.cache) ---------------------------------

    def http_cache(self, url: str) -> HttpValidators | None:
        """ETag / Last-Modified (and content hash) last stored for ``url``."""
        return self._read(lambda conn: cache.http_cache(conn, [url]).get(url))

    def http_caches(self, urls: list[str]) -> dict[str, HttpValidators]:
        return self._read(lambda conn: cache.http_cache(conn, urls))

    def save_http_cache(self, entries: list[HttpValidators], run_id: int | None = None) -> None:
        """Insert or replace the validators of these URLs (one transaction)."""
        with Session(self._writer) as session, session.begin():
            cache.save_http_cache(session, entries, run_id, writes.utcnow())

    def known_datasets(self, run_id: int) -> dict[str, dict[str, Known]]:
        """Catalogue id -> dataset key -> content hash, record date and deletion mark in
        ``run_id`` (what the incremental harvest compares a new harvest with)."""
        return self._read(lambda conn: state.known_datasets(conn, run_id))

    def score_digests(self, run_id: int, keys: list[str]) -> dict[str, str | None]:
        """Dataset key -> the digest of its score in ``run_id`` (``codec.score_digest``)."""
        return self._read(lambda conn: state.score_digests(conn, run_id, keys))

    def score_dates(self, run_id: int) -> dict[str, state.ScoreDates]:
        """Dataset key -> when its score in ``run_id`` was computed, and until when it
        holds if nothing changes."""
        return self._read(lambda conn: state.score_dates(conn, run_id))

    def run_file_probes(self, run_id: int) -> dict[str, state.ProbeRef]:
        """URL -> the file probe ``run_id`` used for it (id, date, outcome, type, size)."""
        return self._read(lambda conn: state.run_file_probes(conn, run_id))

    def recent_probes(self, since: datetime, kind: str = "probe") -> dict[str, state.ProbeRef]:
        """URL -> the latest file probe of finished ``kind`` runs since ``since``."""
        return self._read(lambda conn: state.recent_probes(conn, since, kind))

    def probes_by_id(self, ids: list[int]) -> dict[int, ProbeResult]:
        """Stored probes by row id."""
        return self._read(lambda conn: state.probes_by_id(conn, ids))

    def spdr_datasets(self, run_id: int, source_ids: Sequence[str] = ()) -> list[Dataset]:
        """The published reference datasets of ``run_id`` (without loading the others), and
        the published datasets whose source id is one of ``source_ids``."""
        return self._read(
            lambda conn: reads.load_datasets(conn, run_id, spdr_only=True, source_ids=source_ids)
        )

    def saved_catalogue(self, run_id: int, catalogue_id: str) -> Catalogue | None:
        """A catalogue as ``run_id`` saved it (published datasets, services, organisations),
        None unless that harvest was complete and clean (to reuse it when unchanged)."""
        return self._read(lambda conn: state.saved_catalogue(conn, run_id, catalogue_id))

    def run_summary(self, run_id: int) -> dict[str, Any]:
        """Counts of a run (datasets, probes by outcome, invalid files, mean scores…)."""
        return self._read(lambda conn: state.run_summary(conn, run_id))

    def weakest_scores(self, run_id: int, limit: int) -> tuple[list[DatasetScore], dict[str, str]]:
        """The ``limit`` lowest scores of a run (pillars and overall) and dataset titles."""
        return self._read(lambda conn: state.weakest_scores(conn, run_id, limit))

    def latest_validations(self, distribution_keys: list[str]) -> dict[str, ValidationReport]:
        """Latest validation report per distribution key, from finished runs."""
        return self._read(lambda conn: cache.latest_validations(conn, distribution_keys))

    def latest_validation(self, distribution_key: str) -> ValidationReport | None:
        return self.latest_validations([distribution_key]).get(distribution_key)

    def run_probes(self, run_id: int) -> dict[str, ProbeResult]:
        """The probes of one run by URL (the last one when a URL was probed twice)."""
        return self._read(lambda conn: cache.run_probes(conn, run_id))

    def catalogue_pages(self, run_id: int) -> dict[str, int]:
        """Catalogue id -> pages read in ``run_id`` (a one-page source can be skipped whole)."""
        return self._read(lambda conn: cache.catalogue_pages(conn, run_id))

    def integrity_check(self) -> list[str]:
        """Problems found in the database, in plain words (empty list: all is well)."""
        return self._read(integrity_problems)

    def close(self) -> None:
        self._engine.dispose()
