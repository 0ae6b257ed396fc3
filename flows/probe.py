"""The ``probe`` flow: availability of the SPDR downloads and APIs, every 5 to 15 minutes.

Separate from ``observe`` (which harvests and scores): it reads the SPDR datasets' download
URLs from the latest finished observe run, adds the SPDR APIs of the configuration, probes
them in host batches (one task per batch), stores the results in a run of kind "probe" and,
when asked, rolls raw probes older than ``keep_raw_days`` up into hourly/daily buckets.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE

from observatory import pipeline
from observatory.availability import targets
from observatory.model import Dataset, ProbeResult
from observatory.net.fetch import HttpSettings
from observatory.registry import ApiCheck, Config, load_config
from observatory.storage.store import FINISHED, Store

MAX_LISTED = 50  # URLs named in the summary per outcome


@task(name="probe-host-batch", cache_policy=NO_CACHE)
def probe_host_batch(urls: list[str], config: Config, http: HttpSettings) -> list[ProbeResult]:
    from observatory.probes.batch import probe_many

    s = config.settings
    return probe_many(urls, http, per_host=s.per_host_concurrency, slow_ms=s.slow_ms)


@task(name="check-api-batch", cache_policy=NO_CACHE)
def check_api_batch(
    checks: list[ApiCheck], config: Config, http: HttpSettings
) -> list[ProbeResult]:
    from observatory.probes.batch import check_apis

    return check_apis(checks, http, slow_ms=config.settings.slow_ms)


def latest_spdr_datasets(store: Store) -> tuple[int | None, list[Dataset]]:
    """(run id, SPDR datasets) of the latest finished observe run; (None, []) if none."""
    for run in store.list_runs(kind="observe"):
        if run.status in FINISHED:
            snapshot = store.load_snapshot(run.id)
            return run.id, [d for d in snapshot.datasets if d.spdr]
    return None, []


def summarise(probes: list[ProbeResult], source_run: int | None) -> dict[str, Any]:
    outcomes = Counter(p.outcome for p in probes)
    failing = [p.url for p in probes if p.outcome in ("down", "degraded")]
    return {
        "source_run_id": source_run,
        "files": sum(1 for p in probes if p.target == "file"),
        "apis": sum(1 for p in probes if p.target == "api"),
        "outcomes": dict(sorted(outcomes.items())),
        "failing": failing[:MAX_LISTED],
    }


def _probe_and_store(
    store: Store,
    run_id: int,
    config: Config,
    http: HttpSettings,
    datasets: list[Dataset],
    source_run: int | None,
) -> dict[str, Any]:
    """Submit one task per host batch (files and APIs side by side), save every result."""
    urls = targets.spdr_file_urls(datasets)
    file_futures = probe_host_batch.map(
        targets.file_batches(urls), config=unmapped(config), http=unmapped(http)
    )
    api_futures = check_api_batch.map(
        targets.api_batches(targets.api_checks(config)),
        config=unmapped(config),
        http=unmapped(http),
    )
    probes = [p for f in [*file_futures, *api_futures] for p in f.result()]
    store.save_probes(run_id, probes)
    return summarise(probes, source_run)


@flow(name="probe", log_prints=False)
def probe(config_path: str | None = None, keep_raw_days: int | None = None) -> dict[str, Any]:
    """Probe the SPDR downloads and APIs now, store them as a "probe" run, return a summary."""
    config = load_config(config_path)
    logger = get_run_logger()
    http = pipeline.http_settings(config)
    store = Store(config.database_url or "sqlite:///observatory.db")
    try:
        source_run, datasets = latest_spdr_datasets(store)
        if source_run is None:
            logger.warning("no finished observe run: only the configured APIs are probed")
        run_id = store.start_run("probe", pipeline.now_utc())
        try:
            summary = _probe_and_store(store, run_id, config, http, datasets, source_run)
            if keep_raw_days is not None:
                summary["retention"] = store.roll_up_and_prune(keep_raw_days, pipeline.now_utc())
        except Exception as exc:  # the run is closed as failed, never left "running"
            store.finish_run(run_id, "failed", {"error": f"{type(exc).__name__}: {exc}"})
            raise
        store.finish_run(run_id, "ok", summary)
    finally:
        store.close()
    return {"run_id": run_id, "summary": summary}
