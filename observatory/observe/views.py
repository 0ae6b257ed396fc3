"""The reference-views stage: data.gouv.fr's quality score, the MQA and the L321-4
candidate assessment of every published dataset, computed once by the run and stored.

Each batch of datasets reads what the run's pages would: the latest probe of each of its
URLs (made now, or an earlier one the run reused), the run's validation reports, and the
run's clock. Datasets the run did not read (an incomplete harvest) keep the previous
run's views, as they keep its scores. Publishing then renders the views from the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from observatory import pipeline, reuse
from observatory.model import Dataset, ProbeResult, ValidationReport
from observatory.observe.checks import Checks
from observatory.observe.runner import Runner
from observatory.observe.timing import gc_paused, timed
from observatory.scoring.context import aware
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
    """The latest probe of each file of ``datasets`` (``pipeline.probe_targets``): made by
    the run, or reused by it. Other URLs (documentation, an access URL beside a download
    URL) have none, whatever another dataset's files happened to be."""
    keys = {d.key for d in datasets}
    loaded = checks.reused_results(store, reuse.probes_to_load(datasets, keys, checks.reused))
    found = latest_by_url(list(loaded.values()))
    for url in pipeline.probe_targets(datasets):
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
    carried_scores: Mapping[str, datetime | None] | None = None,
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
            kept = views_to_carry(datasets, carried_scores, now)
            left = set(kept)
            datasets = [d for d in datasets if d.key not in left]
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
    datasets: list[Dataset], carried_scores: Mapping[str, datetime | None], now: datetime
) -> list[str]:
    """Keys whose previous views are what computing them now gives. A dataset whose score
    was carried over (key -> when that score was computed) has the same record, the very
    same probes of its files and no validation report to read: of its views, only
    data.gouv.fr's update check reads the clock. Its views were computed at some instant
    between its score's and now (they are computed again whenever the score is); that
    check only turns from on time to late, so the same answer at both ends means the same
    answer then and now."""
    from observatory.scoring.udata_quality import same_at

    kept: dict[str, None] = {}
    for d in datasets:
        at = carried_scores.get(d.key)
        if at is not None and same_at(d, aware(at), now):
            kept[d.key] = None
    return list(kept)
