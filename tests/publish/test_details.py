"""A publication reads criteria evidence a batch of datasets at a time: each score gets its
own results' evidence back, the store is asked a batch at a time, and evidence that does
not match a score's results is an error naming the dataset, never a wrong page."""

from __future__ import annotations

from typing import Any

import pytest

from observatory.model import CriterionResult, DatasetScore
from observatory.publish.details import with_evidence


def _score(key: str, n: int) -> DatasetScore:
    results = [CriterionResult(f"c{i}", "completeness", "pass", 1.0, 1.0) for i in range(n)]
    return DatasetScore(key, results, {"completeness": 100.0}, 100.0)


def test_each_score_gets_its_results_evidence_a_batch_at_a_time() -> None:
    scores = {f"d{i}": _score(f"d{i}", i % 4) for i in range(7)}
    asked: list[list[str]] = []

    def source(keys: list[str]) -> dict[str, list[dict[str, Any]]]:
        asked.append(keys)
        return {k: [{"of": k, "n": i} for i in range(len(scores[k].results))] for k in keys}

    keys = ["unknown", *scores]
    got = list(with_evidence(scores, keys, source, batch=3))

    assert [k for k, _ in got] == keys
    assert got[0][1] is None  # no score, nothing asked for it
    assert asked == [["d0", "d1"], ["d2", "d3", "d4"], ["d5", "d6"]]
    for key, score in got[1:]:
        assert score is not None
        assert [r.evidence for r in score.results] == [
            {"of": key, "n": i} for i in range(len(scores[key].results))
        ]
        assert all(r.evidence == {} for r in scores[key].results)  # the loaded ones untouched


def test_evidence_not_matching_a_score_is_an_error_naming_the_dataset() -> None:
    scores = {"d:1": _score("d:1", 3)}
    with pytest.raises(LookupError, match=r"2 criterion results of dataset 'd:1'.* has 3"):
        list(with_evidence(scores, ["d:1"], lambda keys: {"d:1": [{}, {}]}))
