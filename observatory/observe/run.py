"""``run_observe``: one observe cycle, harvest → classify → probe → inspect → score → store.

Plain Python over a ``Store``; batches go through a ``Runner`` (in process by default, task
runs in the Prefect flow). What is taken over from the previous run is decided by
``observatory.reuse``; when each file is asked again by ``observe.schedule``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from observatory import pipeline, reuse
from observatory.machine import release_free_memory
from observatory.model import Catalogue, DatasetScore
from observatory.net.fetch import HttpSettings
from observatory.observe.checks import check
from observatory.observe.harvest import harvest_sources
from observatory.observe.runner import InProcessRunner, Runner
from observatory.observe.scoring import score_run
from observatory.observe.timing import gc_frozen, gc_paused, timed
from observatory.observe.views import store_views
from observatory.registry import Config
from observatory.storage.store import Store

log = logging.getLogger(__name__)
WEAKEST = 5000  # scores returned for a quick look (the full list is in the store)


@dataclass
class ObserveResult:
    """What one cycle did: the stored run, its summary and its weakest scores."""

    run_id: int
    status: str  # ok | partial
    summary: dict[str, Any]
    weakest: list[DatasetScore] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)


def save_catalogues(
    store: Store,
    run_id: int,
    catalogues: list[Catalogue],
    previous_id: int | None,
    now: datetime,
    timings: dict[str, float],
) -> list[reuse.CataloguePlan]:
    """Classify each catalogue against the previous run and save it: new, changed and
    restored datasets afresh, the others copied (unchanged, deleted, unseen)."""
    with timed(timings, "classify"):
        known = store.known_datasets(previous_id) if previous_id else {}
    plans = []
    for catalogue in catalogues:
        with timed(timings, "classify"):
            plan = reuse.plan_catalogue(catalogue, known.get(catalogue.id, {}))
        carry = plan.carry(previous_id, now) if previous_id else None
        with timed(timings, "store_catalogues"):
            store.save_catalogue(run_id, plan.fresh, pipeline.catalogue_status(catalogue), carry)
        for error in catalogue.errors:
            log.warning("%s: %s (%s)", error.source, error.message, error.url)
        if plan.changes.deletions_skipped:
            log.warning("%s: %s", catalogue.id, plan.changes.deletions_skipped)
        plans.append(plan)
    return plans


def run_observe(
    config: Config,
    store: Store,
    *,
    now: datetime | None = None,
    runner: Runner | None = None,
    http: HttpSettings | None = None,
    on_start: Callable[[int], None] | None = None,
) -> ObserveResult:
    """One observe cycle stored as a run of ``store`` (closed as failed if it crashes).

    ``now`` simulates the clock (tests, benchmarks): the run and its probes are dated on
    it; files are still asked now, for real."""
    offset = (now - pipeline.now_utc()) if now is not None else timedelta(0)
    now = now or pipeline.now_utc()
    runner = runner or InProcessRunner()
    http = http or pipeline.http_settings(config)
    run_id = store.start_run("observe", now)
    if on_start is not None:
        on_start(run_id)
    try:
        with gc_frozen():
            return _cycle(config, store, run_id, now, runner, http, offset)
    except BaseException as exc:  # closed as failed, never left "running"
        store.finish_run(run_id, "failed", {"error": f"{type(exc).__name__}: {exc}"})
        raise


def _cycle(
    config: Config,
    store: Store,
    run_id: int,
    now: datetime,
    runner: Runner,
    http: HttpSettings,
    offset: timedelta,
) -> ObserveResult:
    timings: dict[str, float] = {}
    prev = store.previous_run_id(run_id)
    with gc_paused(), timed(timings, "harvest"):
        catalogues, reused_catalogues = harvest_sources(store, config, http, prev, runner)
    with gc_paused():
        plans = save_catalogues(store, run_id, catalogues, prev, now, timings)
    obs = pipeline.Observation(catalogues)
    checks = check(store, run_id, obs, config, http, now, prev, timings, runner, offset)
    release_free_memory()  # the probe batches' answers and rows, before scoring
    scored = score_run(store, run_id, obs, config, now, prev, plans, checks, timings, runner)
    counts = scored.counts | store_views(
        store, run_id, obs, now, prev, plans, checks, timings, runner, scored.carried
    )
    checks.forget_loaded()
    with timed(timings, "summary"):
        summary = store.run_summary(run_id)
        weakest, titles = store.weakest_scores(run_id, WEAKEST)
    summary["incremental"] = reuse.change_counts(plans) | checks.counts() | counts
    summary["incremental"]["catalogues_reused"] = reused_catalogues
    summary["schedule"] = schedule_summary(checks.counts())
    summary["timings"] = timings
    summary["clock"] = now.isoformat()
    summary["scoring_signature"] = scored.signature
    status = "partial" if any(c.failed for c in catalogues) else "ok"
    store.finish_run(run_id, status, summary, at=pipeline.now_utc() + offset)
    return ObserveResult(run_id, status, summary, weakest, titles)


def schedule_summary(counts: dict[str, int]) -> dict[str, int]:
    """How many files the schedule found due, how many were asked, how many were 304."""
    return {
        "files": counts["files"],
        "due": counts["due"],
        "asked": counts["probed"],
        "not_modified": counts["not_modified"],
        "not_due": counts["probes_reused"],
    }
