"""Scoring: registered criteria of the four pillars, the engine, udata parity, legal view.

Importing this package registers every criterion.
"""

from observatory.scoring import criteria  # noqa: F401  (registers the criteria)
from observatory.scoring.context import ScoringContext
from observatory.scoring.engine import score_all, score_dataset
from observatory.scoring.legal import OBLIGATIONS, legal_obligations
from observatory.scoring.registry import Criterion, Weights, all_criteria, criterion
from observatory.scoring.udata_quality import quality_mismatches, udata_quality

__all__ = [
    "OBLIGATIONS",
    "Criterion",
    "ScoringContext",
    "Weights",
    "all_criteria",
    "criterion",
    "legal_obligations",
    "quality_mismatches",
    "score_all",
    "score_dataset",
    "udata_quality",
]
