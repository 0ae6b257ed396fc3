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

from flows.runtime import MAX_TABLE_ROWS, database_url, publish_artifacts, with_runner
from observatory import pipeline
from observatory.availability import targets
from observatory.model import Dataset, ProbeResult
from observatory.net.fetch import HttpSettings
from observatory.registry import ApiCheck, Config, load_config
from observatory.storage import locks
from observatory.storage.store import FINISHED, Store

MAX_LISTED = 50  # URLs named in the summary per outcome


@task(name="probe-host-batch", cache_policy=NO_CACHE)
def probe_host_batch(urls: list[str], config: Config, http: HttpSettings) -> list[ProbeResult]:
    from observatory.probes.batch import probe_many

    s = config.settings
    return probe_many(
        urls, http, per_host=s.per_host_concurrency, rate=s.per_host_rate, slow_ms=s.slow_ms
    )


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
            return run.id, [d for d in store.spdr_datasets(run.id) if d.spdr]
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


@flow(name="probe-run", log_prints=False)
def probe_run(config_path: str | None = None, keep_raw_days: int | None = None) -> dict[str, Any]:
    """The probe run itself, under the "probe" lock (a second one at once is refused)."""
    config = load_config(config_path)
    logger = get_run_logger()
    http = pipeline.http_settings(config)
    store = Store(database_url(config))
    try:
        with locks.hold(store, "probe") as lock:
            source_run, datasets = latest_spdr_datasets(store)
            if source_run is None:
                logger.warning("no finished observe run: only the configured APIs are probed")
            run_id = store.start_run("probe", pipeline.now_utc())
            lock.attach(run_id)
            try:
                summary = _probe_and_store(store, run_id, config, http, datasets, source_run)
                if keep_raw_days is not None:
                    summary["retention"] = store.roll_up_and_prune(
                        keep_raw_days, pipeline.now_utc()
                    )
            except BaseException as exc:  # the run is closed as failed, never left "running"
                store.finish_run(run_id, "failed", {"error": f"{type(exc).__name__}: {exc}"})
                raise
            store.finish_run(run_id, "ok", summary)
            rows = _probe_rows(store.run_probes(run_id).values(), datasets)
    finally:
        store.close()
    return {"run_id": run_id, "summary": summary, "rows": rows}


def _probe_rows(probes: Any, datasets: list[Dataset]) -> list[dict[str, Any]]:
    """One row per probed URL with the SPDR dataset it serves, failures first."""
    owner = {(x.download_url or x.url): d.title for d in datasets for x in d.distributions}
    rows = [
        {
            "jeu de données": owner.get(p.url, p.check_name or "API"),
            "url": p.url,
            "résultat": p.outcome,
            "statut HTTP": p.status,
            "latence (ms)": round(p.latency_ms) if p.latency_ms is not None else None,
            "raison": p.reason,
        }
        for p in probes
    ]
    rows.sort(key=lambda r: (r["résultat"] == "up", r["jeu de données"], r["url"]))
    return rows[:MAX_TABLE_ROWS]


@flow(name="probe", log_prints=False)
def probe(config_path: str | None = None, keep_raw_days: int | None = None) -> dict[str, Any]:
    """Probe the SPDR downloads and APIs now, store them as a "probe" run, return a summary."""
    config = load_config(config_path)
    result: dict[str, Any] = with_runner(probe_run, config)(config_path, keep_raw_days)
    rows = result.pop("rows")
    publish_artifacts("probe", result["run_id"], result["summary"], rows, "Sondes SPDR")
    return result
