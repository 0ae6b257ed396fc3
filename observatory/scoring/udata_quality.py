"""Recompute data.gouv.fr's own quality score (udata ``Dataset.quality``) from our model.

Nine yes/no criteria, score = passed / 9, exactly as udata computes them: licence,
temporal coverage, spatial coverage, frequency set (not "unknown"), update fulfilled in
time (next update + 1 day ≥ now; always true for continuous, irregular and punctual; key
absent for frequencies without delta), description longer than 100 characters, at least
one resource in a format that is not closed (pdf, doc, docx, word, xls, excel, xlsx) nor
missing, all remote resources available (``check:available``; "unknown" counts as
available; only resources whose ``extras["filetype"]`` is "remote" when the harvester kept
the file type), resources documented (at least one resource of type "documentation", or
at least one resource with a non-empty description — no other type counts and no length
is required). The resource keys are absent without resources. Source: udata
``udata/core/dataset/models.py``, ``Dataset.compute_quality`` / ``compute_quality_score``;
since 2025 the platform caches this object on every resource change (``quality_cached``)
and only ``update_fulfilled_in_time`` and the score are recomputed when read.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from observatory.model import Dataset, Distribution
from observatory.scoring.context import aware, last_update
from observatory.scoring.formats import UDATA_CLOSED_FORMATS
from observatory.scoring.frequencies import (
    UDATA_ALWAYS_ON_TIME,
    UDATA_DELTAS,
    normalise_frequency,
)

QUALITY_MAX_SCORE = 9
DESCRIPTION_LENGTH = 100  # udata QUALITY_DESCRIPTION_LENGTH


def _closed_or_no_format(dist: Distribution) -> bool:
    return not dist.format or dist.format.lower() in UDATA_CLOSED_FORMATS


def _remote(dist: Distribution) -> bool:
    """udata only checks remote resources; unknown file type counts as remote."""
    filetype = dist.extras.get("filetype")
    return filetype is None or filetype == "remote"


def _available(dist: Distribution) -> bool:
    value = dist.extras.get("check:available", "unknown")
    return bool(value)  # "unknown" is truthy, as in udata's all([...])


def _fulfilled_in_time(dataset: Dataset, frequency: str | None, now: datetime) -> bool | None:
    """udata's ``update_fulfilled_in_time``; None when udata leaves the key out."""
    delta = UDATA_DELTAS.get(frequency or "")
    updated = last_update(dataset)
    if delta is not None and updated is not None:
        # udata: (next_update - utcnow()).days >= -1, i.e. now <= next_update + 1 day
        return (updated + delta - aware(now)).days >= -1
    if frequency in UDATA_ALWAYS_ON_TIME:
        return True
    return None


def same_at(dataset: Dataset, before: datetime, now: datetime) -> bool:
    """True when ``udata_quality`` (and so ``quality_mismatches``) of ``dataset`` is the same
    at both instants: only the update check reads the clock, so only it is computed."""
    frequency = normalise_frequency(dataset.frequency)
    return _fulfilled_in_time(dataset, frequency, before) == _fulfilled_in_time(
        dataset, frequency, now
    )


def udata_quality(dataset: Dataset, now: datetime) -> dict[str, Any]:
    """The platform's quality object recomputed: same keys, same values, same score."""
    frequency = normalise_frequency(dataset.frequency)
    result: dict[str, Any] = {
        "license": bool(dataset.license),
        "temporal_coverage": dataset.temporal_start is not None or dataset.temporal_end is not None,
        "spatial": bool(dataset.spatial),
        "update_frequency": bool(frequency) and frequency != "unknown",
    }
    on_time = _fulfilled_in_time(dataset, frequency, now)
    if on_time is not None:
        result["update_fulfilled_in_time"] = on_time
    result["dataset_description_quality"] = len(dataset.description or "") > DESCRIPTION_LENGTH
    dists = dataset.distributions
    if dists:
        result["has_resources"] = True
        result["has_open_format"] = not all(_closed_or_no_format(d) for d in dists)
        result["all_resources_available"] = all(_available(d) for d in dists if _remote(d))
        result["resources_documentation"] = any(
            d.type == "documentation" or bool(d.description) for d in dists
        )
    passed = sum(1 for key, value in result.items() if key != "has_resources" and value is True)
    result["score"] = passed / QUALITY_MAX_SCORE
    return result


def quality_mismatches(dataset: Dataset, now: datetime) -> dict[str, tuple[Any, Any]]:
    """Keys where the platform's ``dataset.quality`` differs from ours: key -> (platform, ours).

    Only keys the platform sent are compared; {} when it sent no quality object.
    """
    platform = dataset.quality or {}
    ours = udata_quality(dataset, now)
    diffs: dict[str, tuple[Any, Any]] = {}
    for key, theirs in platform.items():
        mine = ours.get(key)
        if key == "score" and isinstance(theirs, int | float) and isinstance(mine, float):
            if not math.isclose(float(theirs), mine, abs_tol=1e-6):
                diffs[key] = (theirs, mine)
        elif bool(theirs) != bool(mine):
            diffs[key] = (theirs, mine)
    return diffs
