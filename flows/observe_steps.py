"""The observe flow's steps after the harvest: classify and save, probe, validate, score.

Each step is a plain function over the store and the run's ``Observation``; the batch tasks
(one per batch of whole hosts, of files to validate, of datasets to score) are here too.
What is reused from the previous run is decided by ``observatory.reuse``.
"""

from __future__ import annotations

import contextvars
import gc
import time
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prefect import get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from observatory import pipeline, reuse
from observatory.inspect.structure import spdr_structures
from observatory.model import (
    Catalogue,
    DatasetScore,
    HarvestPage,
    ProbeResult,
    RunInfo,
    Snapshot,
    ValidationReport,
)
from observatory.net.fetch import HttpSettings
from observatory.registry import Config
from observatory.storage.carry import CarryScores
from observatory.storage.store import Store

PROBE_BATCH = 20_000  # URLs per probe task, whole hosts packed together
VALIDATE_BATCH = 8
SCORE_BATCH = 5000  # datasets scored, then saved, at a time


@task(name="probe-batch", cache_policy=NO_CACHE)
def probe_batch(
    urls: list[str], config: Config, http: HttpSettings, previous: dict[str, Any]
) -> list[ProbeResult]:
    """Probe one batch of whole hosts (a host is never split over two batches, so its
    concurrency and rate limits hold); ``previous`` holds this batch's stored validators."""
    from observatory.probes.batch import probe_many

    s = config.settings
    return probe_many(
        urls,
        http,
        per_host=s.per_host_concurrency,
        rate=s.per_host_rate,
        slow_ms=s.slow_ms,
        previous=previous,
    )


@task(name="check-apis", cache_policy=NO_CACHE)
def check_spdr_apis(config: Config, http: HttpSettings) -> dict[str, list[ProbeResult]]:
    from observatory.probes.batch import check_apis

    return {
        entry.key: check_apis(list(entry.apis), http, slow_ms=config.settings.slow_ms)
        for entry in config.spdr
        if entry.apis
    }


@task(name="validate-batch", cache_policy=NO_CACHE)
def validate_batch(
    targets: list[pipeline.ValidationTarget], config: Config, http: HttpSettings
) -> list[ValidationReport]:
    from observatory.inspect.tabular import validate_resource

    return [
        validate_resource(
            t.url,
            t.schema_url,
            http,
            distribution_key=t.distribution_key,
            max_bytes=config.settings.validate_max_bytes,
        )
        for t in targets
    ]


@task(name="score", cache_policy=NO_CACHE)
def score(
    obs: pipeline.Observation,
    config: Config,
    now: datetime,
    previous: Snapshot | None,
    keys: Collection[str] | None = None,
) -> list[DatasetScore]:
    return pipeline.score_observation(obs, config, now, previous, keys=keys)


class PageLookAhead:
    """``fetch_page`` for ``walk_pages`` that reads numbered pages ahead, in threads.

    When the page just read names page N+1 as its next one and the total is known
    (``harvest.prefetch.predicted_urls``), the next ``ahead`` pages are requested at once,
    each a task run in the flow's context, so the source prepares them while this one is
    normalised. ``walk_pages`` still decides what is read (loops, caps); a wrong guess is
    only wasted work.
    """

    def __init__(self, read: Callable[[str], HarvestPage], ahead: int = 2) -> None:
        self.read = read
        self.ahead = ahead
        self.pool = ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="page-ahead")
        self.pending: dict[str, Future[HarvestPage]] = {}

    def __call__(self, url: str) -> HarvestPage:
        from observatory.harvest.prefetch import predicted_urls

        future = self.pending.pop(url, None)
        page = future.result() if future is not None else self.read(url)
        for later in predicted_urls(url, page, self.ahead):
            if later not in self.pending:
                context = contextvars.copy_context()  # the flow run's, for the task run
                self.pending[later] = self.pool.submit(context.run, self.read, later)
        return page

    def __enter__(self) -> PageLookAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        for future in self.pending.values():
            future.cancel()
        self.pool.shutdown(wait=True)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector during a phase that builds many acyclic
    records (harvest, classification and writes, scoring): at 50,000 datasets, collections
    walking the millions of live records took half of such a phase. It runs again after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def timed(timings: dict[str, float], phase: str) -> Iterator[None]:
    """Add the wall time of the block to ``timings[phase]`` (seconds, summed)."""
    start = time.monotonic()
    try:
        yield
    finally:
        timings[phase] = round(timings.get(phase, 0.0) + time.monotonic() - start, 2)


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
    logger = get_run_logger()
    with timed(timings, "classify"):
        known = store.known_datasets(previous_id) if previous_id else {}
    plans = []
    for catalogue in catalogues:
        with timed(timings, "classify"):
            plan = reuse.plan_catalogue(catalogue, known.get(catalogue.id, {}))
        carry = plan.carry(previous_id, now) if previous_id else None
        with timed(timings, "store_catalogues"):
            status = pipeline.catalogue_status(catalogue)
            store.save_catalogue(run_id, plan.fresh, status, carry)
        for error in catalogue.errors:
            logger.warning("%s: %s (%s)", error.source, error.message, error.url)
        if plan.changes.deletions_skipped:
            logger.warning("%s: %s", catalogue.id, plan.changes.deletions_skipped)
        plans.append(plan)
    return plans


def probe(
    store: Store,
    obs: pipeline.Observation,
    config: Config,
    http: HttpSettings,
    now: datetime,
    previous_id: int | None,
) -> tuple[list[ProbeResult], dict[str, reuse.Probed], dict[str, reuse.Probed], Any]:
    """Probe the files with no probe younger than ``reprobe_after`` (conditionally).
    Returns (new probes, reused URL -> probe, previous run's URL -> probe, validators)."""
    urls = pipeline.probe_targets(obs.datasets)
    before = store.run_file_probes(previous_id) if previous_id else {}
    recent = store.recent_probes(reuse.cutoff(now, config))
    latest = reuse.latest_probes(before, recent)
    reused = reuse.reusable_probes(urls, latest, now, config.settings.reprobe_after)
    todo = [u for u in urls if u not in reused]
    cached = store.http_caches(todo)
    validators = pipeline.probe_validators(cached)
    url_batches = host_batches(todo)
    futures = probe_batch.map(
        url_batches,
        config=unmapped(config),
        http=unmapped(http),
        previous=[{u: validators[u] for u in b if u in validators} for b in url_batches],
    )
    fresh = reuse.complete_not_modified([p for f in futures for p in f.result()], latest)
    return fresh, reused, before, cached


def validate(
    store: Store,
    obs: pipeline.Observation,
    config: Config,
    http: HttpSettings,
    cached: Any,
    reused: dict[str, reuse.Probed],
) -> tuple[list[pipeline.ValidationTarget], dict[str, ValidationReport]]:
    """Validate the files that may have changed, reuse the others' last report; fills
    ``obs.validations``. Returns (targets validated, latest earlier report by key)."""
    targets = pipeline.validation_targets(obs.datasets)
    latest = store.latest_validations([t.distribution_key for t in targets])
    by_url = {p.url: p for p in obs.probes}
    idle = {u for u, ref in reused.items() if ref.outcome in ("up", "degraded")}
    todo, kept = pipeline.split_validations(targets, by_url, cached, latest, idle)
    futures = validate_batch.map(
        pipeline.batches(todo, VALIDATE_BATCH), config=unmapped(config), http=unmapped(http)
    )
    obs.validations = kept + [v for f in futures for v in f.result()]
    return todo, latest


@dataclass
class Checks:
    """What the run's probes and validations gave, and what they took over."""

    fresh: list[ProbeResult]  # probes made now
    reused: dict[str, reuse.Probed]  # URL -> stored probe younger than reprobe_after
    before: dict[str, reuse.Probed]  # URL -> the probe the previous run's scores read
    validated: list[pipeline.ValidationTarget]  # validated now
    latest: dict[str, ValidationReport]  # last report before this run, by distribution key
    kept: int  # validation reports reused

    def counts(self) -> dict[str, int]:
        return {
            "probed": len(self.fresh),
            "not_modified": sum(1 for p in self.fresh if p.status == 304),
            "probes_reused": len(self.reused),
            "validated": len(self.validated),
            "validations_reused": self.kept,
        }


def check(
    store: Store,
    run_id: int,
    obs: pipeline.Observation,
    config: Config,
    http: HttpSettings,
    now: datetime,
    previous_id: int | None,
    timings: dict[str, float],
) -> Checks:
    """Probe, check the SPDR APIs, validate, and save all of it; fills ``obs``."""
    api_future = check_spdr_apis.submit(config, http)
    with timed(timings, "probe"):
        fresh, reused, before, cached = probe(store, obs, config, http, now, previous_id)
    obs.probes = list(fresh)  # reused probes are read later, for the datasets scored
    with timed(timings, "validate"):
        validated, latest = validate(store, obs, config, http, cached, reused)
    obs.api_probes = api_future.result()
    with timed(timings, "store_checks"):
        apis = [p for ps in obs.api_probes.values() for p in ps]
        store.save_probes(run_id, fresh + apis, reused=[ref.id for ref in reused.values()])
        store.save_validations(run_id, obs.validations)
        store.record_structures(run_id, spdr_structures(obs.datasets, obs.validations))
        store.save_http_cache(pipeline.validators_to_save(fresh, cached), run_id)
    kept = len(obs.validations) - len(validated)
    return Checks(fresh, reused, before, validated, latest, kept)


def score_run(
    store: Store,
    run_id: int,
    obs: pipeline.Observation,
    config: Config,
    now: datetime,
    previous_id: int | None,
    plans: list[reuse.CataloguePlan],
    checks: Checks,
    timings: dict[str, float],
) -> dict[str, int]:
    """Score what may have changed, carry the other scores over; returns the counts."""
    inputs = reuse.ScoreInputs(
        scored_at=store.score_dates(previous_id) if previous_id else {},
        previous_probes=checks.before,
        reused_probes=checks.reused,
        cutoff=reuse.cutoff(now, config),
    )
    unchanged = {k for p in plans for k in p.changes.unchanged} if previous_id else set()
    keys, carried = reuse.split_scoring(obs.datasets, unchanged, config, inputs)
    carried += [k for p in plans for k in p.unseen]  # not read this time: as last known
    with timed(timings, "score"):
        loaded = store.probes_by_id(reuse.probes_to_load(obs.datasets, keys, checks.reused))
        obs.probes += list(loaded.values())
    previous = previous_for_scoring(previous_id, checks.latest)
    todo = [d.key for d in obs.datasets if d.key in keys]
    with gc_paused():
        score_and_save(store, run_id, obs, config, now, previous, todo, timings)
    with timed(timings, "store_scores"):
        carry = CarryScores(previous_id, carried) if previous_id else None
        store.save_scores(run_id, [], now, carry)
    return {"scored": len(todo), "scores_carried": len(carried)}


def score_and_save(
    store: Store,
    run_id: int,
    obs: pipeline.Observation,
    config: Config,
    now: datetime,
    previous: Snapshot | None,
    keys: list[str],
    timings: dict[str, float],
) -> int:
    """Score ``keys`` and save the scores, SCORE_BATCH datasets at a time (a score holds
    every criterion's evidence: all of them at once would not fit in memory at scale)."""
    for part in pipeline.batches(keys, SCORE_BATCH):
        with timed(timings, "score"):
            # quote(): Prefect must not walk every dataset looking for futures in the inputs
            scores = score(quote(obs), config, now, quote(previous), part)  # type: ignore[call-overload]
        with timed(timings, "store_scores"):
            store.save_scores(run_id, scores, now)
    return len(keys)


def previous_for_scoring(
    previous_id: int | None, latest: dict[str, ValidationReport]
) -> Snapshot | None:
    """What scoring reads of the previous run: its validation reports (for row drops)."""
    if previous_id is None:
        return None
    run = RunInfo(id=previous_id, started_at=pipeline.now_utc(), status="ok")
    return Snapshot(run=run, validations=list(latest.values()))


def host_batches(urls: list[str]) -> list[list[str]]:
    """Whole hosts packed into batches of about PROBE_BATCH URLs; a host with more URLs
    gets a batch of its own (its limits only hold inside one batch)."""
    from observatory.probes.batch import group_by_host

    out: list[list[str]] = []
    current: list[str] = []
    for group in group_by_host(urls, max_batch=max(1, len(urls))):
        if current and len(current) + len(group) > PROBE_BATCH:
            out.append(current)
            current = []
        current.extend(group)
    if current:
        out.append(current)
    return out
