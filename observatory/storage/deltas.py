"""Criterion results stored as changes against an earlier score of the same dataset.

A dataset scored again usually changes in one or two criteria (a freshness deadline, an
uptime figure): its score row then points to the earlier full set of results
(``results_of``, the *base*) and holds rows only at the positions that differ from it. A
position once written stays written in later deltas (it may differ from the base without
differing from the previous score). When more than half the positions would be written,
or the criteria are not the same ones, the score is stored in full and becomes a base.
Reading merges the base's rows with the delta's own (``reads.load_scores``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.model import CriterionResult, DatasetScore
from observatory.storage import models as m
from observatory.storage.reads import VALUES, score_rows
from observatory.storage.writes import chunks

MAX_SHARE = 0.5  # a delta writes at most this share of a score's positions


@dataclass(frozen=True)
class PreviousScores:
    """The previous run's scores of the datasets being saved (criterion results merged)."""

    run_id: int
    scores: Mapping[str, DatasetScore]


@dataclass(frozen=True)
class Delta:
    """Store a score as ``base``'s results with its own rows at ``positions``."""

    base: int
    positions: frozenset[int]


def _same_layout(old: Sequence[CriterionResult], new: Sequence[CriterionResult]) -> bool:
    return len(old) == len(new) and all(
        a.criterion_id == b.criterion_id for a, b in zip(old, new, strict=True)
    )


def _previous_rows(
    session: Session, run_id: int, keys: list[str]
) -> tuple[dict[str, tuple[int, int | None]], dict[int, set[int]]]:
    """Key -> (id of the row holding its score, its base or None) in ``run_id`` (a thin
    copy's is the row it names); delta id -> positions it wrote."""
    s, v, c = m.DatasetScoreRow, VALUES, m.CriterionResultRow
    rows: dict[str, tuple[int, int | None]] = {}
    for part in chunks(keys):
        found = score_rows(s.dataset_key, v.id, v.results_of)
        found = found.where(s.run_id == run_id, s.dataset_key.in_(part))
        rows.update((key, (id_, base)) for key, id_, base in session.execute(found))
    written: dict[int, set[int]] = defaultdict(set)
    for ids in chunks([id_ for id_, base in rows.values() if base is not None]):
        own = select(c.dataset_score_id, c.position).where(c.dataset_score_id.in_(ids))
        for score_id, position in session.execute(own):
            written[score_id].add(position)
    return rows, written


def plan_deltas(
    session: Session, scores: Sequence[DatasetScore], previous: PreviousScores
) -> dict[str, Delta]:
    """Dataset key -> how to store its score as a delta (absent: store it in full). Of a
    key given twice, the last score counts, as ``writes.save_scores`` keeps it."""
    scores = list({s.dataset_key: s for s in scores}.values())
    keys = [s.dataset_key for s in scores if s.dataset_key in previous.scores]
    rows, written = _previous_rows(session, previous.run_id, keys)
    plans: dict[str, Delta] = {}
    for score in scores:
        old, row = previous.scores.get(score.dataset_key), rows.get(score.dataset_key)
        if old is None or row is None or not _same_layout(old.results, score.results):
            continue
        changed = {
            i for i, (a, b) in enumerate(zip(old.results, score.results, strict=True)) if a != b
        }
        positions = changed | written.get(row[0], set())
        if len(positions) <= len(score.results) * MAX_SHARE:
            base = row[1] if row[1] is not None else row[0]
            plans[score.dataset_key] = Delta(base, frozenset(positions))
    return plans
