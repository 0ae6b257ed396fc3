"""Apply every registered criterion to a dataset and aggregate pillar and overall scores.

Pillar score = weighted mean of the applicable criteria's scores × 100 (None when none
applies); overall = mean of the pillar scores weighted by the configured ``Weights``,
ignoring None pillars. Not-applicable criteria leave the denominator.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from observatory.model import PILLARS, CriterionResult, DatasetScore
from observatory.registry import Weights
from observatory.scoring.context import ScoringContext
from observatory.scoring.legal import legal_obligations
from observatory.scoring.registry import FOREVER, Criterion, Verdict, all_criteria

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Assessment:
    """A dataset's score and until when it holds if nothing about the dataset changes
    (``FOREVER`` when no criterion reads the clock or the history of its files)."""

    score: DatasetScore
    holds_until: datetime


def run_criterion(crit: Criterion, ctx: ScoringContext) -> CriterionResult:
    """One criterion on one dataset; a crashing criterion becomes not applicable, logged."""
    return _verdict(crit, ctx)[0]


def _verdict(crit: Criterion, ctx: ScoringContext) -> tuple[CriterionResult, datetime]:
    """The criterion's result and until when it holds: ``FOREVER`` for a criterion that
    does not move; for one that does, what its verdict states, or now when it says nothing
    (or crashed)."""
    try:
        verdict = crit.func(ctx)
    except Exception as exc:  # a bug in one criterion must not lose the whole run
        log.exception("criterion %s failed on %s", crit.id, ctx.dataset.key)
        verdict = Verdict("na", None, {"reason": "erreur interne", "error": repr(exc)}, None)
    holds = FOREVER if not crit.moves else (verdict.holds_until or ctx.utc_now)
    score = None if verdict.status == "na" else verdict.score
    return CriterionResult(
        criterion_id=crit.id,
        pillar=crit.pillar,
        status=verdict.status,
        score=score,
        weight=crit.weight,
        evidence=verdict.evidence,
        fix_hint=verdict.fix_hint,
        label=crit.label,
    ), holds


def pillar_scores(results: list[CriterionResult]) -> dict[str, float | None]:
    """Weighted mean × 100 of the applicable results of each pillar (None if none)."""
    out: dict[str, float | None] = {}
    for pillar in PILLARS:
        scored = [r for r in results if r.pillar == pillar and r.score is not None and r.weight > 0]
        total = sum(r.weight for r in scored)
        out[pillar] = (
            round(100 * sum(r.weight * (r.score or 0.0) for r in scored) / total, 2)
            if total
            else None
        )
    return out


def overall_score(pillars: dict[str, float | None], weights: Weights | None = None) -> float | None:
    """Mean of the non-None pillar scores weighted by ``weights`` (None if nothing counts)."""
    weights = weights or Weights()
    parts = [(getattr(weights, p), s) for p, s in pillars.items() if s is not None]
    total = sum(w for w, _ in parts)
    return round(sum(w * s for w, s in parts) / total, 2) if total else None


def assess(ctx: ScoringContext, weights: Weights | None = None) -> Assessment:
    """Every criterion on one dataset, with pillar, overall and (SPDR) legal conclusions,
    and until when that score holds. A reference dataset's legal verdicts read the monthly
    availability history: its score holds for no time."""
    verdicts = [_verdict(c, ctx) for c in all_criteria()]
    results = [result for result, _ in verdicts]
    pillars = pillar_scores(results)
    legal = legal_obligations(ctx.dataset, ctx.spdr, results, ctx.legal_availability)
    holds = min((until for _, until in verdicts), default=FOREVER)
    score = DatasetScore(
        dataset_key=ctx.dataset.key,
        results=results,
        pillars=pillars,
        overall=overall_score(pillars, weights),
        legal=legal,
    )
    return Assessment(score, ctx.utc_now if ctx.spdr is not None else holds)


def score_dataset(ctx: ScoringContext, weights: Weights | None = None) -> DatasetScore:
    """Every criterion on one dataset, with pillar, overall and (SPDR) legal conclusions."""
    return assess(ctx, weights).score


def assess_all(contexts: list[ScoringContext], weights: Weights | None = None) -> list[Assessment]:
    """``assess`` over many datasets, in order."""
    return [assess(ctx, weights) for ctx in contexts]


def score_all(contexts: list[ScoringContext], weights: Weights | None = None) -> list[DatasetScore]:
    """``score_dataset`` over many datasets, in order."""
    return [a.score for a in assess_all(contexts, weights)]
