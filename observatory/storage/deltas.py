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

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, cast
from sqlalchemy.orm import Session

from observatory.model import CriterionResult, DatasetScore
from observatory.storage import models as m
from observatory.storage.reads import VALUES, result_queries
from observatory.storage.writes import chunks

MAX_SHARE = 0.5  # a delta writes at most this share of a score's positions


@dataclass(frozen=True)
class Delta:
    """Store a score as ``base``'s results with its own rows at ``positions``."""

    base: int
    positions: frozenset[int]


#: A stored result as compared: everything but the evidence, which is compared decoded.
Stored = tuple[Any, ...]


def _result_columns() -> list[Any]:
    c = m.CriterionResultRow
    text = cast(c.evidence, Text)  # the JSON as stored, decoded only where it matters
    return [c.criterion_id, c.pillar, c.status, c.score, c.weight, c.fix_hint, c.label, text]


def _previous(
    session: Session, run_id: int, keys: list[str]
) -> tuple[dict[str, tuple[int, int | None]], dict[str, dict[int, Stored]], dict[int, set[int]]]:
    """What ``run_id`` stored for ``keys``, read as plain rows (no result objects): key ->
    (id of the row holding its score, its base or None; a thin copy's is the row it
    names); key -> position -> stored result (the base's, replaced by the delta's own);
    delta id -> positions it wrote."""
    s, v = m.DatasetScoreRow, VALUES
    rows: dict[str, tuple[int, int | None]] = {}
    results: dict[str, dict[int, Stored]] = defaultdict(dict)
    written: dict[int, set[int]] = defaultdict(set)
    columns = [s.dataset_key, v.id, v.results_of, m.CriterionResultRow.position]
    for part in chunks(keys):
        full, own = (
            q.where(s.dataset_key.in_(part))
            for q in result_queries(run_id, *columns, *_result_columns())
        )
        for key, id_, base, position, *stored in session.execute(full):
            rows[key] = (id_, base)
            results[key][position] = tuple(stored)
        for key, id_, _, position, *stored in session.execute(own):
            results[key][position] = tuple(stored)
            written[id_].add(position)
    return rows, results, written


def _same_layout(old: dict[int, Stored], new: Sequence[CriterionResult]) -> bool:
    """The same criteria at the same positions (else the score is stored in full)."""
    return sorted(old) == list(range(len(new))) and all(
        old[i][0] == r.criterion_id for i, r in enumerate(new)
    )


def _same(stored: Stored, new: CriterionResult) -> bool:
    """Whether ``new`` reads back as the result ``stored`` (its evidence decoded)."""
    *plain, evidence = stored
    if tuple(plain) != (
        new.criterion_id,
        new.pillar,
        new.status,
        new.score,
        new.weight,
        new.fix_hint,
        new.label,
    ):
        return False
    # the standard decoder, as the store reads (orjson reads an integer over 64 bits as a
    # float, which could equal a new value the stored one does not)
    decoded = json.loads(evidence) if evidence is not None else None
    return bool((decoded or {}) == new.evidence)


def plan_deltas(
    session: Session, scores: Sequence[DatasetScore], previous_run: int
) -> dict[str, Delta]:
    """Dataset key -> how to store its score as a delta against the score ``previous_run``
    stored for it (absent: store it in full). Of a key given twice, the last score counts,
    as ``writes.save_scores`` keeps it."""
    scores = list({s.dataset_key: s for s in scores}.values())
    rows, results, written = _previous(session, previous_run, [s.dataset_key for s in scores])
    plans: dict[str, Delta] = {}
    for score in scores:
        old, row = results.get(score.dataset_key), rows.get(score.dataset_key)
        if old is None or row is None or not _same_layout(old, score.results):
            continue
        changed = {i for i, new in enumerate(score.results) if not _same(old[i], new)}
        positions = changed | written.get(row[0], set())
        if len(positions) <= len(score.results) * MAX_SHARE:
            base = row[1] if row[1] is not None else row[0]
            plans[score.dataset_key] = Delta(base, frozenset(positions))
    return plans
