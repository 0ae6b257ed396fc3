"""The ``observe`` flow: the observe engine (``observatory.observe``) under Prefect.

Thin layer: the run lock, the engine's batches as task runs (``flows.prefect_runner``: one
per catalogue page, per batch of whole hosts, per batch of files to validate, per batch of
datasets to score — never one per URL), publishing, and the run's artifacts. ``observe``
runs the ``observe-run`` subflow on the configured task runner (Prefect's default, or Dask:
see ``flows.runtime``); its parameters stay small (a config path), so nothing large is sent
to the Prefect API.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.prefect_runner import PrefectRunner
from flows.runtime import database_url, publish_artifacts, score_rows, with_runner
from observatory import pipeline
from observatory.observe import run_observe
from observatory.registry import Config, load_config
from observatory.storage import locks
from observatory.storage.store import Store

__all__ = ["database_url", "observe", "observe_run"]


@task(name="publish", cache_policy=NO_CACHE)
def publish(db_url: str, run_id: int, config: Config) -> dict[str, Any]:
    """Publish the run; what the publication did (``Publication.as_dict``)."""
    from observatory.report import publish_run

    store = Store(db_url)
    try:
        return publish_run(store, run_id, config).as_dict()
    finally:
        store.close()


@flow(name="observe-run", log_prints=False)
def observe_run(
    config_path: str | None = None, publish_site: bool = True, now: str | None = None
) -> dict[str, Any]:
    """The run itself, under the lock (refused with a clear message if one is going on).
    ``now`` (ISO 8601) simulates the clock (benchmarks: "the next day")."""
    config = load_config(config_path)
    logger = get_run_logger()
    db_url = database_url(config)
    store = Store(db_url)
    try:
        with locks.hold(store, "observe") as lock:
            if lock.abandoned:
                logger.warning("exécutions interrompues closes en échec : %s", lock.abandoned)
            for note in pipeline.recover_site(Path(config.reports_dir)):
                logger.warning("site : %s", note)
            done = run_observe(
                config,
                store,
                now=datetime.fromisoformat(now) if now else None,
                runner=PrefectRunner(),
                on_start=lock.attach,
            )
            publication = None
            if publish_site:
                with locks.hold(store, "publish"):
                    publication = publish(db_url, done.run_id, config)
    finally:
        store.close()
    return {
        "summary": done.summary,
        "rows": score_rows(done.weakest, done.titles),
        "site": publication["site"] if publication else None,
        "publication": publication,
        "run_id": done.run_id,
        "database_url": db_url,
    }


@flow(name="observe", log_prints=False)
def observe(
    config_path: str | None = None, publish_site: bool = True, now: str | None = None
) -> dict[str, Any]:
    """Harvest every source, probe, validate, score, store the run and publish the site."""
    config = load_config(config_path)
    result: dict[str, Any] = with_runner(observe_run, config)(config_path, publish_site, now)
    rows = result.pop("rows")
    publish_artifacts("observe", result["run_id"], result["summary"], rows, "Observation")
    return result
