"""The scoring stage: score what may have changed, carry the other scores over.

Datasets are scored in batches of ``SCORE_BATCH``; each batch's context is built from the
store (``scoring.context.build_contexts``): its files' probes, validations, the previous
run's reports and the availability history of its files and APIs. Scores are saved batch
by batch, so memory holds one batch of scores, not the portal's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from observatory import pipeline, reuse
from observatory.machine import release_free_memory
from observatory.model import Dataset, DatasetScore, ProbeResult, ValidationReport
from observatory.observe.checks import Checks
from observatory.observe.runner import Runner
from observatory.observe.timing import gc_paused, timed
from observatory.registry import Config
from observatory.scoring.context import ScoringInputs, build_contexts
from observatory.scoring.history import load_availability
from observatory.scoring.signature import scoring_signature
from observatory.storage.carry import CarryScores
from observatory.storage.store import Store

if TYPE_CHECKING:
    from observatory.scoring.engine import Assessment

SCORE_BATCH = 5000  # datasets scored, then saved, at a time


@dataclass(frozen=True)
class Scored:
    """What the scoring stage did: its counts, the scoring signature the next run compares
    with (``scoring.signature``), and the keys whose score it carried over unscored, with
    when that score was computed."""

    counts: dict[str, int]
    signature: str
    carried: dict[str, datetime | None]


def score_batch(datasets: list[Dataset], config: Config, inputs: ScoringInputs) -> list[Assessment]:
    """Every criterion on each dataset of one batch, and until when each score holds."""
    from observatory.scoring.engine import assess_all

    return assess_all(list(build_contexts(datasets, inputs, config)), config.weights)


def batch_inputs(
    store: Store,
    datasets: list[Dataset],
    obs: pipeline.Observation,
    probes: dict[str, ProbeResult],
    now: datetime,
    previous_validations: dict[str, ValidationReport],
) -> ScoringInputs:
    """What one batch reads: only its own files' probes, reports and history."""
    urls = pipeline.probe_targets(datasets)
    keys = {dist.key for d in datasets for dist in d.distributions}
    api_urls = [p.url for ps in obs.api_probes.values() for p in ps]
    return ScoringInputs(
        now=now,
        probes={u: probes[u] for u in urls if u in probes},
        api_probes=obs.api_probes,
        validations={
            v.distribution_key: v
            for v in obs.validations
            if v.distribution_key and v.distribution_key in keys
        },
        previous_validations={k: v for k, v in previous_validations.items() if k in keys},
        availability=load_availability(store, [*urls, *api_urls], now),
    )


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
    runner: Runner,
) -> Scored:
    """Score what may have changed, carry the other scores over."""
    signature = scoring_signature(config)
    before = store.run_info(previous_id).summary if previous_id is not None else {}
    inputs = reuse.ScoreInputs(
        dates=store.score_dates(previous_id) if previous_id else {},
        previous_probes=checks.before,
        reused_probes=checks.reused,
        cutoff=reuse.cutoff(now),
        now=now,
        same_scoring=before.get("scoring_signature") == signature,
    )
    unchanged = {k for p in plans for k in p.changes.unchanged} if previous_id else set()
    with timed(timings, "score"):
        keys, carried = reuse.split_scoring(obs.datasets, unchanged, config, inputs)
        loaded = checks.reused_results(
            store, reuse.probes_to_load(obs.datasets, keys, checks.reused)
        )
    probes = {p.url: p for p in [*obs.probes, *loaded.values()]}
    carried += [k for p in plans for k in p.unseen]  # not read this time: as last known
    previous = checks.latest if previous_id is not None else {}
    # a key read twice (a paged harvest may repeat one) is scored once, as last read
    todo = list({d.key: d for d in obs.datasets if d.key in keys}.values())
    same: dict[str, datetime] = {}  # scored again, equal to the previous score: shared
    for part in pipeline.batches(todo, SCORE_BATCH):
        release_free_memory()  # the previous batch's contexts and rows
        with gc_paused(), timed(timings, "score"):
            batch = batch_inputs(store, part, obs, probes, now, previous)
            assessed = runner.call(score_batch, part, config, batch)
            holds = {a.score.dataset_key: a.holds_until for a in assessed}
            digests = store.score_digests(previous_id, [d.key for d in part]) if previous_id else {}
            scores, equal, made = split_equal([a.score for a in assessed], digests, unchanged)
            same |= {key: holds[key] for key in equal}
        with timed(timings, "store_scores"):  # what changed, against the previous scores
            store.save_scores(
                run_id, scores, now, previous=previous_id, holds_until=holds, digests=made
            )
    with timed(timings, "store_scores"):
        carry = None
        if previous_id is not None:
            carry = CarryScores(previous_id, [*carried, *same], rescored=same, at=now)
        store.save_scores(run_id, [], now, carry)
    counts = {"scored": len(todo), "scores_carried": len(carried), "scores_same": len(same)}
    dates = {k: d.scored_at for k in carried if (d := inputs.dates.get(k)) is not None}
    return Scored(counts, signature, dates)


def split_equal(
    scores: list[DatasetScore], before: Mapping[str, str | None], unchanged: set[str]
) -> tuple[list[DatasetScore], list[str], dict[str, str]]:
    """(scores to write, keys of unchanged datasets scored exactly as before, found by the
    digest of the previous score: ``before``, key -> digest; and the digests computed, which
    the store keeps instead of computing them again). An equal score is stored as a copy
    sharing the previous criterion results: the store grows only when something changed."""
    from observatory.storage.codec import same_hash, score_digest

    write, equal, made = [], [], {}
    for score in scores:
        old = before.get(score.dataset_key) if score.dataset_key in unchanged else None
        if old is None:
            write.append(score)
        elif same_hash(score, old, digest := score_digest(score)):
            equal.append(score.dataset_key)
        else:
            write.append(score)
            made[score.dataset_key] = digest
    return write, equal, made
