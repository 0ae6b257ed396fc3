"""The ``observe`` flow: harvest → probe → validate → score → store → publish.

Thin Prefect layer over ``observatory.pipeline``. Tasks are batches: one per catalogue
page, per host batch of URLs, per batch of files to validate — never one per URL.
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE

from observatory import pipeline
from observatory.model import Catalogue, DatasetScore, HarvestPage, ProbeResult, ValidationReport
from observatory.net.fetch import HttpSettings
from observatory.registry import CatalogueEntry, Config, load_config
from observatory.storage.store import Store

PROBE_BATCH = 200
VALIDATE_BATCH = 8


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
def probe_batch(urls: list[str], config: Config, http: HttpSettings) -> list[ProbeResult]:
    from observatory.probes.batch import probe_many

    s = config.settings
    return probe_many(urls, http, per_host=s.per_host_concurrency, slow_ms=s.slow_ms)


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
    obs: pipeline.Observation, config: Config, now: datetime, previous_run: int | None, db_url: str
) -> list[DatasetScore]:
    store = Store(db_url)
    try:
        previous = store.load_snapshot(previous_run) if previous_run else None
    finally:
        store.close()
    return pipeline.score_observation(obs, config, now, previous)


@task(name="publish", cache_policy=NO_CACHE)
def publish(db_url: str, run_id: int, config: Config) -> str:
    from observatory.report import publish_run

    store = Store(db_url)
    try:
        return str(publish_run(store, run_id, config))
    finally:
        store.close()


def database_url(config: Config) -> str:
    return config.database_url or "sqlite:///observatory.db"


@flow(name="observe", log_prints=False)
def observe(config_path: str | None = None, publish_site: bool = True) -> dict:
    """Harvest every source, probe, validate, score, store the run and publish the site."""
    config = load_config(config_path)
    logger = get_run_logger()
    http = pipeline.http_settings(config)
    db_url = database_url(config)
    store = Store(db_url)
    now = pipeline.now_utc()
    run_id = store.start_run("observe", now)
    previous_run = store.previous_run_id(run_id)

    catalogues = [harvest_portal(config, http)]
    catalogues += [harvest_external(entry, config, http) for entry in config.catalogues]
    for catalogue in catalogues:
        store.save_catalogue(run_id, catalogue, pipeline.catalogue_status(catalogue))
        for error in catalogue.errors:
            logger.warning("%s: %s (%s)", error.source, error.message, error.url)
    obs = pipeline.Observation(catalogues)

    api_future = check_spdr_apis.submit(config, http)
    urls = pipeline.probe_targets(obs.datasets)
    probe_futures = probe_batch.map(
        _host_batches(urls), config=unmapped(config), http=unmapped(http)
    )
    targets = pipeline.validation_targets(obs.datasets)
    validate_futures = validate_batch.map(
        pipeline.batches(targets, VALIDATE_BATCH), config=unmapped(config), http=unmapped(http)
    )
    obs.probes = [p for f in probe_futures for p in f.result()]
    obs.api_probes = api_future.result()
    obs.validations = [v for f in validate_futures for v in f.result()]
    store.save_probes(run_id, obs.probes + [p for ps in obs.api_probes.values() for p in ps])
    store.save_validations(run_id, obs.validations)

    scores = score(obs, config, now, previous_run, db_url)
    store.save_scores(run_id, scores)
    failed = [c.id for c in catalogues if c.failed]
    from observatory.report import run_summary

    summary = run_summary(store.load_snapshot(run_id))
    store.finish_run(run_id, "partial" if failed else "ok", summary)
    store.close()
    site = publish(db_url, run_id, config) if publish_site else None
    return {"run_id": run_id, "summary": summary, "site": site, "database_url": db_url}


def _host_batches(urls: list[str]) -> list[list[str]]:
    from observatory.probes.batch import group_by_host

    return group_by_host(urls, max_batch=PROBE_BATCH)

