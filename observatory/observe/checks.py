"""The check stage: probe the files that are due, check the SPDR APIs, validate the files
that may have changed; one batch of whole hosts / of files per unit of work."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from observatory import pipeline, reuse
from observatory.inspect.structure import spdr_structures
from observatory.model import ProbeResult, ValidationReport
from observatory.net.fetch import HttpSettings
from observatory.observe.runner import Runner
from observatory.observe.timing import timed
from observatory.registry import Config
from observatory.storage.store import Store

PROBE_BATCH = 20_000  # URLs per probe batch, whole hosts packed together
VALIDATE_BATCH = 8


def probe_batch(
    urls: list[str], config: Config, http: HttpSettings, previous: dict[str, Any]
) -> list[ProbeResult]:
    """Probe one batch of whole hosts (a host is never split over two batches, so its
    concurrency and rate limits hold); ``previous`` holds the stored validators."""
    from observatory.probes.batch import probe_many

    s = config.settings
    known = {u: previous[u] for u in urls if u in previous}
    return probe_many(
        urls,
        http,
        per_host=s.per_host_concurrency,
        rate=s.per_host_rate,
        slow_ms=s.slow_ms,
        previous=known,
    )


def check_spdr_apis(config: Config, http: HttpSettings) -> dict[str, list[ProbeResult]]:
    from observatory.probes.batch import check_apis

    return {
        entry.key: check_apis(list(entry.apis), http, slow_ms=config.settings.slow_ms)
        for entry in config.spdr
        if entry.apis
    }


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


@dataclass
class Checks:
    """What the run's probes and validations gave, and what they took over."""

    fresh: list[ProbeResult]  # probes made now
    reused: dict[str, reuse.Probed]  # URL -> stored probe not due again yet
    before: dict[str, reuse.Probed]  # URL -> the probe the previous run's scores read
    validated: list[pipeline.ValidationTarget]  # validated now
    latest: dict[str, ValidationReport]  # last report before this run, by distribution key
    kept: int  # validation reports reused
    due: int = 0  # files the schedule asked for
    loaded: dict[int, ProbeResult] = field(default_factory=dict)  # reused, read by id

    def reused_results(self, store: Store, ids: Iterable[int]) -> dict[int, ProbeResult]:
        """Stored probes by id, each read from the store once per run: scoring and the
        reference views read the same ones (``forget_loaded`` frees them)."""
        wanted = list(dict.fromkeys(ids))
        self.loaded.update(store.probes_by_id([i for i in wanted if i not in self.loaded]))
        return {i: self.loaded[i] for i in wanted if i in self.loaded}

    def forget_loaded(self) -> None:
        self.loaded.clear()

    def counts(self) -> dict[str, int]:
        return {
            "files": len(self.fresh) + len(self.reused),
            "due": self.due,
            "probed": len(self.fresh),
            "not_modified": sum(1 for p in self.fresh if p.status == 304),
            "probes_reused": len(self.reused),
            "validated": len(self.validated),
            "validations_reused": self.kept,
        }


def probe(
    store: Store,
    obs: pipeline.Observation,
    config: Config,
    http: HttpSettings,
    now: datetime,
    previous_id: int | None,
    runner: Runner,
) -> tuple[list[ProbeResult], dict[str, reuse.Probed], dict[str, reuse.Probed], Any]:
    """Probe the files the schedule says are due (conditionally). Returns (new probes,
    reused URL -> probe, previous run's URL -> probe, stored validators of the files not
    probed within ``reprobe_after``, the only ones probed again)."""
    from observatory.observe.schedule import not_due, within_floor

    urls = pipeline.probe_targets(obs.datasets)
    before = store.run_file_probes(previous_id) if previous_id else {}
    recent = store.recent_probes(now - config_horizon(config))
    latest = reuse.latest_probes(before, recent)
    floor = config.settings.reprobe_after
    reused = within_floor(urls, latest, now, floor)
    rest = [u for u in urls if u not in reused]
    cached = store.http_caches(rest)  # validators: for the schedule and conditional requests
    always = pipeline.spdr_urls(obs.datasets, config)
    reused |= not_due(rest, latest, cached, now, floor, always)
    todo = [u for u in urls if u not in reused]
    validators = pipeline.probe_validators({u: cached[u] for u in todo if u in cached})
    found = runner.map(
        probe_batch, host_batches(todo), config=config, http=http, previous=validators
    )
    fresh = reuse.complete_not_modified([p for batch in found for p in batch], latest)
    return fresh, reused, before, cached


def config_horizon(config: Config) -> Any:
    """How far back a stored probe may still stand for a file (the longest interval)."""
    from observatory.observe.schedule import longest_interval

    return longest_interval(config.settings.reprobe_after)


def validate(
    store: Store,
    obs: pipeline.Observation,
    config: Config,
    http: HttpSettings,
    cached: Any,
    reused: dict[str, reuse.Probed],
    runner: Runner,
) -> tuple[list[pipeline.ValidationTarget], dict[str, ValidationReport]]:
    """Validate the files that may have changed, reuse the others' last report; fills
    ``obs.validations``. Returns (targets validated, latest earlier report by key)."""
    targets = pipeline.validation_targets(obs.datasets)
    latest = store.latest_validations([t.distribution_key for t in targets])
    by_url = {p.url: p for p in obs.probes}
    idle = {u for u, ref in reused.items() if ref.outcome in ("up", "degraded")}
    todo, kept = pipeline.split_validations(targets, by_url, cached, latest, idle)
    found = runner.map(
        validate_batch, pipeline.batches(todo, VALIDATE_BATCH), config=config, http=http
    )
    obs.validations = kept + [v for batch in found for v in batch]
    return todo, latest


def on_clock(probes: list[ProbeResult], offset: timedelta) -> list[ProbeResult]:
    """Probes dated on the run's clock: a run given a simulated ``now`` (tests, the scale
    benchmark's "next day") dates its probes ``offset`` from the real time they were made."""
    if abs(offset) < timedelta(minutes=1):
        return probes
    return [replace(p, checked_at=p.checked_at + offset) for p in probes]


def check(
    store: Store,
    run_id: int,
    obs: pipeline.Observation,
    config: Config,
    http: HttpSettings,
    now: datetime,
    previous_id: int | None,
    timings: dict[str, float],
    runner: Runner,
    offset: timedelta = timedelta(0),
) -> Checks:
    """Probe, check the SPDR APIs, validate, and save all of it; fills ``obs``."""
    apis_pending = runner.submit(check_spdr_apis, config, http)
    with timed(timings, "probe"):
        fresh, reused, before, cached = probe(store, obs, config, http, now, previous_id, runner)
    fresh = on_clock(fresh, offset)
    obs.probes = list(fresh)  # reused probes are read later, for the datasets scored
    with timed(timings, "validate"):
        validated, latest = validate(store, obs, config, http, cached, reused, runner)
    obs.api_probes = {k: on_clock(v, offset) for k, v in apis_pending.result().items()}
    with timed(timings, "store_checks"):
        apis = [p for ps in obs.api_probes.values() for p in ps]
        store.save_probes(run_id, fresh + apis, reused=[ref.id for ref in reused.values()])
        store.save_validations(run_id, obs.validations)
        store.record_structures(run_id, spdr_structures(obs.datasets, obs.validations))
        store.save_http_cache(pipeline.validators_to_save(fresh, cached, now), run_id)
    kept = len(obs.validations) - len(validated)
    return Checks(fresh, reused, before, validated, latest, kept, due=len(fresh))
