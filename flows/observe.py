"""The ``observe`` flow: harvest → probe → validate → score → store → publish.

Thin Prefect layer over ``observatory.pipeline``. Tasks are batches: one per catalogue
page, per host batch of URLs, per batch of files to validate — never one per URL.

``observe`` takes the run lock, then runs the ``observe-run`` subflow on the configured task
runner (Prefect's default, or Dask: see ``flows.runtime``); its parameters stay small (a
config path), so nothing large is sent to the Prefect API. Incremental: file probes are
conditional requests with the stored validators, unchanged files keep their last validation
report, and a one-page catalogue the server says did not change is reused from the store.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.runtime import database_url, publish_artifacts, score_rows, with_runner
from observatory import pipeline
from observatory.model import (
    Catalogue,
    DatasetScore,
    HarvestPage,
    ProbeResult,
    Snapshot,
    ValidationReport,
)
from observatory.net.fetch import HttpSettings
from observatory.registry import CatalogueEntry, Config, load_config
from observatory.storage import locks
from observatory.storage.store import Store

PROBE_BATCH = 200
VALIDATE_BATCH = 8

__all__ = ["database_url", "observe", "observe_run"]


@task(name="harvest-portal", cache_policy=NO_CACHE)
def harvest_portal(config: Config, http: HttpSettings) -> Catalogue:
    try:
        return pipeline.portal_catalogue(config, http)
    except Exception as exc:  # a crashing source is recorded, the run goes on
        p = config.portal
        return pipeline.failed_catalogue(p.id, p.name, "udata", p.url, exc)


@task(name="harvest-page", cache_policy=NO_CACHE)
def harvest_page(kind: str, url: str, catalogue_id: str, http: HttpSettings) -> HarvestPage:
    from observatory.harvest.dcat import fetch_dcat_page
    from observatory.harvest.udata import fetch_udata_page

    fetch = fetch_dcat_page if kind == "dcat" else fetch_udata_page
    return fetch(url, catalogue_id, http)


def harvest_external(entry: CatalogueEntry, config: Config, http: HttpSettings) -> Catalogue:
    """A catalogue read page by page, one task per page."""
    from observatory.harvest.paging import walk_pages

    catalogue = Catalogue(id=entry.id, name=entry.name, kind=entry.kind, url=entry.url)
    if entry.kind not in ("dcat", "udata"):
        return pipeline.external_catalogue(entry, config, http)
    try:
        pages = walk_pages(
            entry.url,
            lambda url: harvest_page(entry.kind, url, entry.id, http),
            entry.max_pages or config.settings.max_pages,
            entry.id,
        )
        pipeline._absorb(catalogue, pages)
    except Exception as exc:
        failed = pipeline.failed_catalogue(entry.id, entry.name, entry.kind, entry.url, exc)
        catalogue.errors.extend(failed.errors)
    return catalogue


@task(name="probe-batch", cache_policy=NO_CACHE)
def probe_batch(
    urls: list[str], config: Config, http: HttpSettings, previous: dict[str, Any]
) -> list[ProbeResult]:
    """Probe one host batch; ``previous`` holds only this batch's stored validators."""
    from observatory.probes.batch import probe_many

    s = config.settings
    return probe_many(
        urls, http, per_host=s.per_host_concurrency, slow_ms=s.slow_ms, previous=previous
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
    obs: pipeline.Observation, config: Config, now: datetime, previous: Snapshot | None
) -> list[DatasetScore]:
    return pipeline.score_observation(obs, config, now, previous)


@task(name="publish", cache_policy=NO_CACHE)
def publish(db_url: str, run_id: int, config: Config) -> str:
    from observatory.report import publish_run

    store = Store(db_url)
    try:
        return str(publish_run(store, run_id, config))
    finally:
        store.close()


def _harvest(
    store: Store, config: Config, http: HttpSettings, previous: Snapshot | None
) -> tuple[list[Catalogue], list[str]]:
    """Every source; a one-page catalogue unchanged since a complete harvest is reused."""
    catalogues, reused, fresh = [harvest_portal(config, http)], [], []
    pages = store.catalogue_pages(previous.run.id) if previous else {}
    cached = store.http_caches([e.url for e in config.catalogues])
    for entry in config.catalogues:
        unchanged, validators = pipeline.catalogue_unchanged(entry.url, http, cached.get(entry.url))
        if validators is not None:
            fresh.append(validators)
        again = None
        if unchanged and previous is not None and pages.get(entry.id) == 1:
            again = pipeline.reuse_catalogue(entry, previous)
        if again is not None:
            reused.append(entry.id)
        catalogues.append(again or harvest_external(entry, config, http))
    if fresh:
        store.save_http_cache(fresh)
    return catalogues, reused


def _check(
    store: Store, obs: pipeline.Observation, config: Config, http: HttpSettings
) -> dict[str, int]:
    """Probe (conditionally), check the SPDR APIs, validate what changed; fills ``obs``."""
    api_future = check_spdr_apis.submit(config, http)
    urls = pipeline.probe_targets(obs.datasets)
    cached = store.http_caches(urls)
    previous = pipeline.probe_validators(cached)
    url_batches = _host_batches(urls)
    probe_futures = probe_batch.map(
        url_batches,
        config=unmapped(config),
        http=unmapped(http),
        previous=[{u: previous[u] for u in b if u in previous} for b in url_batches],
    )
    obs.probes = [p for f in probe_futures for p in f.result()]
    targets = pipeline.validation_targets(obs.datasets)
    latest = store.latest_validations([t.distribution_key for t in targets])
    by_url = {p.url: p for p in obs.probes}
    todo, reused = pipeline.split_validations(targets, by_url, cached, latest)
    validate_futures = validate_batch.map(
        pipeline.batches(todo, VALIDATE_BATCH), config=unmapped(config), http=unmapped(http)
    )
    obs.validations = reused + [v for f in validate_futures for v in f.result()]
    obs.api_probes = api_future.result()
    return {"validated": len(todo), "validations_reused": len(reused), "validators": len(cached)}


@flow(name="observe-run", log_prints=False)
def observe_run(config_path: str | None = None, publish_site: bool = True) -> dict[str, Any]:
    """The run itself, under the lock (refused with a clear message if one is going on)."""
    config = load_config(config_path)
    logger = get_run_logger()
    http = pipeline.http_settings(config)
    db_url = database_url(config)
    store = Store(db_url)
    try:
        with locks.hold(store, "observe") as lock:
            if lock.abandoned:
                logger.warning("exécutions interrompues closes en échec : %s", lock.abandoned)
            for note in pipeline.recover_site(Path(config.reports_dir)):
                logger.warning("site : %s", note)
            now = pipeline.now_utc()
            run_id = store.start_run("observe", now)
            lock.attach(run_id)
            try:
                result = _run(store, run_id, config, http, now)
            except BaseException as exc:  # closed as failed, never left "running"
                store.finish_run(run_id, "failed", {"error": f"{type(exc).__name__}: {exc}"})
                raise
            result["site"] = None
            if publish_site:
                with locks.hold(store, "publish"):
                    result["site"] = publish(db_url, run_id, config)
    finally:
        store.close()
    result |= {"run_id": run_id, "database_url": db_url}
    return result


def _run(
    store: Store, run_id: int, config: Config, http: HttpSettings, now: datetime
) -> dict[str, Any]:
    from observatory.report import run_summary

    logger = get_run_logger()
    previous_run = store.previous_run_id(run_id)
    previous = store.load_snapshot(previous_run) if previous_run else None
    catalogues, reused = _harvest(store, config, http, previous)
    for catalogue in catalogues:
        store.save_catalogue(run_id, catalogue, pipeline.catalogue_status(catalogue))
        for error in catalogue.errors:
            logger.warning("%s: %s (%s)", error.source, error.message, error.url)
    obs = pipeline.Observation(catalogues)
    incremental = _check(store, obs, config, http)
    store.save_probes(run_id, obs.probes + [p for ps in obs.api_probes.values() for p in ps])
    store.save_validations(run_id, obs.validations)
    cached = store.http_caches([p.url for p in obs.probes])
    store.save_http_cache(pipeline.validators_to_save(obs.probes, cached), run_id)
    # quote(): Prefect must not walk every dataset to look for futures in the inputs
    scores = score(quote(obs), config, now, quote(previous))  # type: ignore[call-overload]
    store.save_scores(run_id, scores)
    failed = [c.id for c in catalogues if c.failed]
    summary = run_summary(store.load_snapshot(run_id))
    summary["incremental"] = incremental | {"catalogues_reused": reused}
    store.finish_run(run_id, "partial" if failed else "ok", summary)
    titles = {d.key: d.title for d in obs.datasets}
    return {"summary": summary, "rows": score_rows(scores, titles)}


@flow(name="observe", log_prints=False)
def observe(config_path: str | None = None, publish_site: bool = True) -> dict[str, Any]:
    """Harvest every source, probe, validate, score, store the run and publish the site."""
    config = load_config(config_path)
    result: dict[str, Any] = with_runner(observe_run, config)(config_path, publish_site)
    rows = result.pop("rows")
    publish_artifacts("observe", result["run_id"], result["summary"], rows, "Observation")
    return result


def _host_batches(urls: list[str]) -> list[list[str]]:
    from observatory.probes.batch import group_by_host

    return group_by_host(urls, max_batch=PROBE_BATCH)
