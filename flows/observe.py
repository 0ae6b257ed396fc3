"""The ``observe`` flow: harvest → probe → validate → score → store → publish.

Thin Prefect layer over ``observatory.pipeline`` and ``observatory.reuse``. Tasks are
batches: one per catalogue page, per batch of whole hosts, per batch of files to validate —
never one per URL.

``observe`` takes the run lock, then runs the ``observe-run`` subflow on the configured task
runner (Prefect's default, or Dask: see ``flows.runtime``); its parameters stay small (a
config path), so nothing large is sent to the Prefect API. Incremental (``observatory.reuse``):
each catalogue is classified against the previous run; unchanged datasets are copied in the
store, deleted ones kept and marked; files probed less than ``reprobe_after`` ago are not
requested again, older ones conditionally; unchanged files keep their last validation
report; a score is carried over only when nothing it rests on moved; a one-page catalogue
the server says did not change is taken from the store.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import observe_steps as steps
from flows.runtime import (
    MAX_TABLE_ROWS,
    database_url,
    publish_artifacts,
    score_rows,
    with_runner,
)
from observatory import pipeline, reuse
from observatory.model import (
    Catalogue,
    HarvestPage,
)
from observatory.net.fetch import HttpSettings
from observatory.registry import CatalogueEntry, Config, load_config
from observatory.storage import locks
from observatory.storage.store import Store

__all__ = ["database_url", "observe", "observe_run"]


@task(name="harvest-portal", cache_policy=NO_CACHE)
def harvest_portal(config: Config, http: HttpSettings) -> Catalogue:
    try:
        return pipeline.portal_catalogue(config, http)
    except Exception as exc:  # a crashing source is recorded, the run goes on
        p = config.portal
        return pipeline.failed_catalogue(p.id, p.name, "udata", p.url, exc)


@task(name="harvest-page", cache_policy=NO_CACHE)
def harvest_page(
    kind: str, url: str, catalogue_id: str, http: HttpSettings, shacl: int = 0
) -> HarvestPage:
    """One page; a DCAT page's first ``shacl`` datasets also get their SHACL verdict."""
    from observatory.harvest.dcat import fetch_dcat_page
    from observatory.harvest.udata import fetch_udata_page

    if kind == "dcat":
        return fetch_dcat_page(url, catalogue_id, http, shacl=shacl)
    return fetch_udata_page(url, catalogue_id, http)


def harvest_external(entry: CatalogueEntry, config: Config, http: HttpSettings) -> Catalogue:
    """A catalogue read page by page, one task per page (numbered pages read ahead)."""
    from observatory.harvest.paging import walk_pages

    catalogue = Catalogue(id=entry.id, name=entry.name, kind=entry.kind, url=entry.url)
    if entry.kind not in ("dcat", "udata"):
        return pipeline.external_catalogue(entry, config, http)
    shacl = config.settings.shacl_limit
    try:
        with steps.PageLookAhead(
            lambda url: harvest_page(entry.kind, url, entry.id, http, shacl)
        ) as fetch_page:
            pages = walk_pages(
                entry.url, fetch_page, entry.max_pages or config.settings.max_pages, entry.id
            )
            pipeline._absorb(catalogue, pages)
    except Exception as exc:
        failed = pipeline.failed_catalogue(entry.id, entry.name, entry.kind, entry.url, exc)
        catalogue.errors.extend(failed.errors)
    return catalogue


@task(name="publish", cache_policy=NO_CACHE)
def publish(db_url: str, run_id: int, config: Config) -> str:
    from observatory.report import publish_run

    store = Store(db_url)
    try:
        return str(publish_run(store, run_id, config))
    finally:
        store.close()


def _harvest(
    store: Store, config: Config, http: HttpSettings, previous_id: int | None
) -> tuple[list[Catalogue], list[str]]:
    """Every source; a one-page catalogue the server says is unchanged since a complete
    harvest is taken from the store (no download, no parsing)."""
    catalogues, reused, fresh = [harvest_portal(config, http)], [], []
    pages = store.catalogue_pages(previous_id) if previous_id else {}
    cached = store.http_caches([e.url for e in config.catalogues])
    for entry in config.catalogues:
        again = None
        if pages.get(entry.id, 1) == 1:  # multi-page sources are read page by page
            unchanged, validators = pipeline.catalogue_unchanged(
                entry.url, http, cached.get(entry.url)
            )
            if validators is not None:
                fresh.append(validators)
            if unchanged and previous_id is not None and pages.get(entry.id) == 1:
                again = store.saved_catalogue(previous_id, entry.id)
        if again is not None:
            reused.append(entry.id)
            again.name, again.kind, again.url = entry.name, entry.kind, entry.url
        catalogues.append(again or harvest_external(entry, config, http))
    if fresh:
        store.save_http_cache(fresh)
    return catalogues, reused


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
    timings: dict[str, float] = {}
    prev = store.previous_run_id(run_id)
    with steps.gc_paused(), steps.timed(timings, "harvest"):
        catalogues, reused_catalogues = _harvest(store, config, http, prev)
    with steps.gc_paused():
        plans = steps.save_catalogues(store, run_id, catalogues, prev, now, timings)
    obs = pipeline.Observation(catalogues)
    checks = steps.check(store, run_id, obs, config, http, now, prev, timings)
    scoring = steps.score_run(store, run_id, obs, config, now, prev, plans, checks, timings)
    with steps.timed(timings, "summary"):
        summary = store.run_summary(run_id)
        weakest, titles = store.weakest_scores(run_id, MAX_TABLE_ROWS)
    summary["incremental"] = reuse.change_counts(plans) | checks.counts() | scoring
    summary["incremental"]["catalogues_reused"] = reused_catalogues
    summary["timings"] = timings
    failed = [c.id for c in catalogues if c.failed]
    store.finish_run(run_id, "partial" if failed else "ok", summary)
    return {"summary": summary, "rows": score_rows(weakest, titles)}


@flow(name="observe", log_prints=False)
def observe(config_path: str | None = None, publish_site: bool = True) -> dict[str, Any]:
    """Harvest every source, probe, validate, score, store the run and publish the site."""
    config = load_config(config_path)
    result: dict[str, Any] = with_runner(observe_run, config)(config_path, publish_site)
    rows = result.pop("rows")
    publish_artifacts("observe", result["run_id"], result["summary"], rows, "Observation")
    return result
