"""The reference-views stage: data.gouv.fr's quality score, the MQA and the L321-4
candidate assessment of every published dataset, computed once by the run and stored.

Each batch of datasets reads what the run's pages would: the latest probe of each of its
URLs (made now, or an earlier one the run reused), the run's validation reports, and the
run's clock. Datasets the run did not read (an incomplete harvest) keep the previous
run's views, as they keep its scores. Publishing then renders the views from the store.
"""

from __future__ import annotations

from datetime import datetime

from observatory import pipeline, reuse
from observatory.model import Dataset, ProbeResult, ValidationReport
from observatory.observe.checks import Checks
from observatory.observe.runner import Runner
from observatory.observe.timing import gc_paused, timed
from observatory.storage.store import Store

VIEW_BATCH = 5000  # datasets whose views are computed, then saved, at a time


def latest_by_url(probes: list[ProbeResult]) -> dict[str, ProbeResult]:
    """URL -> its latest probe (by ``checked_at``; the later one saved wins a tie)."""
    latest: dict[str, ProbeResult] = {}
    for probe in sorted(probes, key=lambda p: p.checked_at.timestamp()):
        latest[probe.url] = probe
    return latest


def latest_by_distribution(reports: list[ValidationReport]) -> dict[str, ValidationReport]:
    """Distribution key -> its latest validation report."""
    ordered = sorted(reports, key=lambda v: v.checked_at.timestamp())
    return {v.distribution_key: v for v in ordered if v.distribution_key}


def batch_probes(
    store: Store, datasets: list[Dataset], made: dict[str, ProbeResult], checks: Checks
) -> dict[str, ProbeResult]:
    """The latest probe of each URL of ``datasets``: made by the run, or reused by it."""
    keys = {d.key for d in datasets}
    loaded = checks.reused_results(store, reuse.probes_to_load(datasets, keys, checks.reused))
    found = latest_by_url(list(loaded.values()))
    urls = {u for d in datasets for dist in d.distributions for u in (dist.url, dist.download_url)}
    for url in filter(None, urls):
        probe = made.get(url)
        if probe is not None and (url not in found or found[url].checked_at <= probe.checked_at):
            found[url] = probe
    return found


def store_views(
    store: Store,
    run_id: int,
    obs: pipeline.Observation,
    now: datetime,
    previous_id: int | None,
    plans: list[reuse.CataloguePlan],
    checks: Checks,
    timings: dict[str, float],
    runner: Runner,
    carried_scores: set[str] | None = None,
) -> dict[str, int]:
    """Compute and store the views of the run's datasets, carry those of the datasets it
    did not read and those that provably did not change (``views_to_carry``); returns the
    counts."""
    from observatory.scoring.reference_views import reference_views

    made = latest_by_url([*obs.probes, *(p for ps in obs.api_probes.values() for p in ps)])
    validations = latest_by_distribution(obs.validations)
    datasets = [d for d in obs.datasets if not d.deleted]
    kept: list[str] = []
    if previous_id is not None and carried_scores:
        with timed(timings, "views"):
            before = store.run_info(previous_id).started_at
            kept = views_to_carry(datasets, carried_scores, before, now)
            datasets = [d for d in datasets if d.key not in set(kept)]
    for part in pipeline.batches(datasets, VIEW_BATCH):
        with gc_paused(), timed(timings, "views"):
            probes = batch_probes(store, part, made, checks)
            keys = [dist.key for d in part for dist in d.distributions]
            reports = {k: validations[k] for k in keys if k in validations}
            found = runner.call(reference_views, part, probes, reports, now)
        with timed(timings, "store_views"):
            store.save_reference_views(run_id, found)
    unseen = [k for p in plans for k in p.unseen] if previous_id is not None else []
    with timed(timings, "store_views"):
        store.save_reference_views(run_id, [], previous_id, unseen + kept)
    return {"views": len(datasets), "views_carried": len(unseen) + len(kept)}


def views_to_carry(
    datasets: list[Dataset], carried_scores: set[str], before: datetime, now: datetime
) -> list[str]:
    """Keys whose previous views are what computing them now gives. A dataset whose score
    was carried over has the same record, the very same probes and no validation report
    to read: of its views, only data.gouv.fr's update-in-time check reads the clock, so
    its views hold when that part is the same at the previous run's clock and now (a view
    carried then equalled the one before, and so on)."""
    from observatory.scoring.udata_quality import same_at

    return [d.key for d in datasets if d.key in carried_scores and same_at(d, before, now)]
