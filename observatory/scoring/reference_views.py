"""Reference views of a dataset: how other yardsticks score it, computed once per run.

Three views sit beside our own scores on a dataset page: data.gouv.fr's quality score
recomputed (with any disagreement with what the platform sent), the data.europa.eu MQA
out of 405, and, for datasets outside the SPDR, the L321-4 reference-data candidate
assessment. The observe run computes them while scoring (``observe.views``) and stores
them with the run, so the site of a past run renders from the store exactly as it did,
whatever later runs or later code changes. Values are plain JSON and language-neutral
(criterion and dimension ids); publishing adds the French labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from observatory.model import Dataset, ProbeResult, ReferenceView, ValidationReport
from observatory.scoring.candidates import assess, is_spdr
from observatory.scoring.mqa import mqa_dataset
from observatory.scoring.udata_quality import quality_mismatches, udata_quality


def udata_part(dataset: Dataset, now: datetime) -> dict[str, Any]:
    """data.gouv.fr's nine checks recomputed at ``now``, the platform's own score, and the
    checks where the platform disagrees (as ``[id, platform, ours]``, in its order)."""
    ours = udata_quality(dataset, now)
    platform = (dataset.quality or {}).get("score")
    return {
        "score": ours["score"],
        "checks": {k: v for k, v in ours.items() if k not in ("score", "has_resources")},
        "platform": platform if isinstance(platform, int | float) else None,
        "mismatches": [
            [key, theirs, mine] for key, (theirs, mine) in quality_mismatches(dataset, now).items()
        ],
    }


def mqa_part(dataset: Dataset, probes: dict[str, ProbeResult]) -> dict[str, Any]:
    """The MQA total, best reachable total, rating, points per dimension and indicator."""
    result = mqa_dataset(dataset, probes)
    return {
        "total": result.total,
        "possible": result.possible,
        "max": result.max_total,
        "rating": result.rating,
        "dimensions": {k: [got, top] for k, (got, top) in result.dimensions().items()},
        "points": result.points(),
        "unchecked": result.unchecked,
    }


def candidate_part(
    dataset: Dataset, validations: dict[str, ValidationReport]
) -> dict[str, Any] | None:
    """The L321-4 candidate score with its evidence; None for a SPDR dataset."""
    if is_spdr(dataset):
        return None
    cand = assess(dataset, validations)
    return {
        "score": cand.score,
        "parts": cand.parts,
        "pivots": dict(sorted(cand.pivots.items())),
        "pivots_from_values": cand.pivots_from_values,
        "evidence": cand.evidence,
    }


def reference_view(
    dataset: Dataset,
    probes: dict[str, ProbeResult],
    validations: dict[str, ValidationReport],
    now: datetime,
) -> ReferenceView:
    """The three views of one dataset: probes by URL, validations by distribution key."""
    return ReferenceView(
        dataset_key=dataset.key,
        udata=udata_part(dataset, now),
        mqa=mqa_part(dataset, probes),
        candidate=candidate_part(dataset, validations),
    )


def reference_views(
    datasets: Iterable[Dataset],
    probes: dict[str, ProbeResult],
    validations: dict[str, ValidationReport],
    now: datetime,
) -> list[ReferenceView]:
    """``reference_view`` of each published dataset (deleted ones have none)."""
    return [reference_view(d, probes, validations, now) for d in datasets if not d.deleted]
