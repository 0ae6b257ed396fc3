"""Scores stored as changes against an earlier full set of criterion results read back
exactly as they were saved, whatever the sequence of runs (hypothesis), and a score that
changed in one criterion adds one criterion row, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, timedelta
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select

from observatory.model import CriterionResult, DatasetScore
from observatory.publish.details import with_evidence
from observatory.storage.carry import CarryScores
from observatory.storage.codec import score_digest
from observatory.storage.models import CriterionResultRow
from observatory.storage.store import Store

from .factories import T0, catalogue_with_status, sirene_dataset

DAY = timedelta(days=1)


def _result(i: int, value: int) -> CriterionResult:
    return CriterionResult(
        criterion_id=f"c{i}",
        pillar="completeness",
        status="pass" if value else "fail",
        score=float(value),
        weight=1.0,
        evidence={"value": value},
        label=f"Critère {i}",
    )


def _score(key: str, values: list[int]) -> DatasetScore:
    results = [_result(i, v) for i, v in enumerate(values)]
    return DatasetScore(key, results, {"completeness": float(sum(values))}, float(sum(values)))


@st.composite
def histories(draw: Any) -> list[dict[str, tuple[str, list[int]]]]:
    """Runs; per dataset, ("score", criterion values) or ("carry", []). A score changes a
    few criteria of the dataset's last one (back and forth: values 0 to 2); the number of
    criteria sometimes changes (a criterion added or withdrawn)."""
    keys = [f"d{i}" for i in range(draw(st.integers(1, 3)))]
    last = {k: draw(st.lists(st.integers(0, 2), min_size=1, max_size=8)) for k in keys}
    runs = []
    for n in range(draw(st.integers(2, 7))):
        step = {}
        for key in keys:
            if n and draw(st.integers(0, 3)) == 0:
                step[key] = ("carry", [])
                continue
            values = list(last[key])
            if n and draw(st.integers(0, 5)) == 0:
                values = values[:-1] or [0] if draw(st.booleans()) else [*values, 1]
            for _ in range(draw(st.integers(0, 3)) if n else 0):
                values[draw(st.integers(0, len(values) - 1))] = draw(st.integers(0, 2))
            last[key] = values
            step[key] = ("score", values)
        runs.append(step)
    return runs


def _datasets(store: Store, run: int, keys: list[str]) -> None:
    """The datasets the scores are of, saved with the run."""
    catalogue_id = f"cat-{run}"
    datasets = [replace(sirene_dataset(), key=k, source_id=k, spdr=None) for k in keys]
    for d in datasets:
        d.catalogue_id = catalogue_id
        d.distributions = [replace(x, key=f"{d.key}:{x.key}") for x in d.distributions]
    store.save_catalogue(run, *catalogue_with_status(datasets, catalogue_id))


def _save_runs(store: Store, runs: list[dict[str, tuple[str, list[int]]]]) -> None:
    """Save the runs, checking that each reads back as saved: scores with their results,
    digests and dates (a carried score keeps its own), and at the end every dataset's
    history of overall and pillar scores."""
    expected: dict[str, DatasetScore] = {}
    dates: dict[str, Any] = {}
    timeline: dict[str, list[tuple[int, float | None, dict[str, float | None]]]] = {}
    previous_run: int | None = None
    prefix = f"x{len(store.list_runs())}-"  # examples share one store
    runs = [{prefix + k: v for k, v in step.items()} for step in runs]
    for n, step in enumerate(runs):
        run = store.start_run("observe", T0 + n * DAY)
        if n == 0:
            _datasets(store, run, list(step))
        scores = [_score(k, values) for k, (action, values) in step.items() if action == "score"]
        carried = [k for k, (action, _) in step.items() if action == "carry"]
        carry = CarryScores(previous_run, carried) if previous_run and carried else None
        store.save_scores(run, scores, T0 + n * DAY, carry, previous=previous_run)
        store.finish_run(run, "ok", {})
        expected = {s.dataset_key: s for s in scores} | {k: expected[k] for k in carried}
        dates |= {s.dataset_key: T0 + n * DAY for s in scores}
        assert store.scores_of(run, list(step)) == expected, f"run {n + 1}"
        _check_evidence_apart(store, run, expected)
        assert store.score_digests(run, list(step)) == {
            k: score_digest(v) for k, v in expected.items()
        }
        assert {k: _utc(v.scored_at) for k, v in store.score_dates(run).items()} == dates
        for key, score in expected.items():
            timeline.setdefault(key, []).append((run, score.overall, score.pillars))
        previous_run = run
    histories = store.score_histories(list(timeline), limit=len(runs))
    assert {k: [(p[0], p[2], p[3]) for p in points] for k, points in histories.items()} == timeline
    assert store.integrity_check() == []


def _check_evidence_apart(store: Store, run: int, expected: dict[str, DatasetScore]) -> None:
    """A run read without its evidence, then its evidence a few datasets at a time (as a
    publication reads them), gives back the scores as saved; so do its outlines and its
    failing criteria, read in a few columns."""
    light = store.load_snapshot(run, details=False).scores
    assert all(r.evidence == {} for s in light.values() for r in s.results)
    assert {k: _without_evidence(s) for k, s in expected.items()} == {k: light[k] for k in expected}
    source = partial(store.result_evidence, run)
    assert dict(with_evidence(light, list(expected), source, 2)) == expected
    # what a publication compares with the previous run: ids and statuses, failing ones
    outlines = store.score_outlines(run)
    assert {k: _outline(s) for k, s in outlines.items()} == {
        k: _outline(s) for k, s in expected.items()
    }
    assert store.failing_criteria(run, ("fail",)) == {
        (k, r.criterion_id) for k, s in expected.items() for r in s.results if r.status == "fail"
    }


def _outline(score: DatasetScore) -> tuple[Any, ...]:
    results = [(r.criterion_id, r.pillar, r.status) for r in score.results]
    return score.overall, score.pillars, results


def _without_evidence(score: DatasetScore) -> DatasetScore:
    return replace(score, results=[replace(r, evidence={}) for r in score.results])


def _utc(value: Any) -> Any:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path_factory.mktemp('deltas') / 's.db'}") as store:
        yield store


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs=histories())
def test_every_run_reads_back_as_saved(
    shared_store: Store, runs: list[dict[str, tuple[str, list[int]]]]
) -> None:
    _save_runs(shared_store, runs)


def _rows(url: str, run_id: int) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            query = select(func.count()).where(CriterionResultRow.run_id == run_id)
            return int(conn.execute(query).scalar_one())
    finally:
        engine.dispose()


def test_one_changed_criterion_adds_one_row(store: Store, db_url: str) -> None:
    values = [1] * 20
    runs = []
    for n in range(4):
        changed = list(values)
        changed[3] = n  # a freshness figure that moves every day
        runs.append({"a": ("score", changed), "b": ("score", values)})
    _save_runs(store, runs)
    ids = [r.id for r in sorted(store.list_runs(), key=lambda r: r.id)]
    assert [_rows(db_url, run) for run in ids] == [40, 1, 1, 1]
    runs = [{"a": ("score", [n] * 20)} for n in range(2)]  # everything changed: in full
    _save_runs(store, runs)
    assert _rows(db_url, max(r.id for r in store.list_runs())) == 20


def test_a_key_given_twice_is_stored_as_its_last_score(store: Store) -> None:
    first = store.start_run("observe", T0)
    _datasets(store, first, ["a"])
    store.save_scores(first, [_score("a", [1] * 10)], T0)
    second = store.start_run("observe", T0 + DAY)
    near, far = _score("a", [1] * 9 + [0]), _score("a", [0] * 10)  # a delta, then in full
    store.save_scores(second, [near, far], T0 + DAY, previous=first)
    assert store.scores_of(second, ["a"]) == {"a": far}
    assert store.integrity_check() == []


def test_evidence_read_exactly_when_planning(store: Store) -> None:
    """A whole number past 64 bits differs from its neighbour (a decoder reading it as a
    float would take the two for equal and keep the stored one)."""
    first = store.start_run("observe", T0)
    _datasets(store, first, ["a"])
    before = _score("a", [1] * 10)
    before.results[0].evidence = {"n": 10**20 + 1}
    store.save_scores(first, [before], T0)
    second = store.start_run("observe", T0 + DAY)
    after = _score("a", [1] * 10)
    after.results[0].evidence = {"n": 10**20}
    store.save_scores(second, [after], T0 + DAY, previous=first)
    assert store.scores_of(second, ["a"])["a"].results[0].evidence == {"n": 10**20}
