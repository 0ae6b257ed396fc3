"""Engine: pillar and overall arithmetic, not-applicable criteria out of the denominator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from scoring_helpers import NOW, context, good_dataset, probe, spdr_entry

from observatory.model import CriterionResult
from observatory.registry import Weights
from observatory.scoring import score_all, score_dataset
from observatory.scoring.engine import overall_score, pillar_scores, run_criterion
from observatory.scoring.registry import Criterion, Verdict


def res(pillar, score, weight=1.0, status=None):
    status = status or ("na" if score is None else "pass")
    return CriterionResult(f"{pillar}.x", pillar, status, score, weight)


def test_pillar_weighted_mean_and_na_out_of_denominator():
    results = [
        res("completeness", 1.0, 2.0),
        res("completeness", 0.0, 1.0),
        res("completeness", None, 5.0),  # na: does not pull the mean down
        res("freshness", None),
        res("conformity", 0.5),
    ]
    pillars = pillar_scores(results)
    assert pillars == {
        "completeness": pytest.approx(66.67),
        "freshness": None,
        "conformity": 50.0,
        "availability": None,
    }


def test_overall_ignores_none_pillars_and_uses_weights():
    pillars = {"completeness": 80.0, "freshness": None, "conformity": 40.0, "availability": None}
    assert overall_score(pillars) == 60.0
    weights = Weights(completeness=3, freshness=1, conformity=1, availability=1)
    assert overall_score(pillars, weights) == 70.0
    assert overall_score(dict.fromkeys(pillars)) is None


def test_score_dataset_runs_every_criterion():
    url = "https://files.example.org/r1.csv"
    score = score_dataset(context(probes={url: probe(url)}))
    assert score.dataset_key == "cat:ds1"
    assert {r.criterion_id for r in score.results} >= {
        "completeness.license",
        "freshness.frequency",
        "conformity.schema",
        "availability.files",
    }
    assert score.pillars["completeness"] == 100.0
    assert score.pillars["availability"] == 100.0
    assert score.overall is not None and score.overall > 90
    assert score.legal == {}  # not a reference dataset
    for r in score.results:
        assert r.label
        assert (r.score is None) == (r.status == "na")


def test_bad_dataset_scores_low_with_fix_hints():
    ds = good_dataset(
        description=None,
        license=None,
        spatial=None,
        keywords=[],
        modified=NOW - timedelta(days=400),
    )
    score = score_dataset(context(ds))
    assert score.pillars["completeness"] < 60
    assert score.pillars["freshness"] < 50
    hints = [r.fix_hint for r in score.results if r.status == "fail"]
    assert all(hints) and any("licence" in h for h in hints)


def test_spdr_dataset_gets_legal_obligations():
    url = "https://files.example.org/r1.csv"
    api = "https://api.example.org/search?q=x"
    ctx = context(
        good_dataset(modified=NOW - timedelta(days=3)),
        spdr=spdr_entry("weekly"),
        probes={url: probe(url)},
        api_probes=[probe(api, "down", target="api", check_name="search")],
    )
    score = score_dataset(ctx)
    assert score.legal == {
        "metadata": True,
        "periodicity": True,
        "file_availability": "insufficient",  # monthly: one probe proves nothing
        "api_availability": "insufficient",
        "open_licence": True,
    }


def test_score_all_keeps_order():
    a, b = good_dataset(key="a"), good_dataset(key="b")
    assert [s.dataset_key for s in score_all([context(a), context(b)])] == ["a", "b"]


def test_crashing_criterion_becomes_not_applicable():
    def boom(ctx):
        """Always crashes."""
        raise RuntimeError("bug")

    crit = Criterion("conformity.boom", "conformity", 1.0, "Boum", "dataset", boom, "doc")
    result = run_criterion(crit, context())
    assert result.status == "na" and result.score is None
    assert "bug" in result.evidence["error"]


def test_na_verdict_score_is_dropped():
    crit = Criterion(
        "conformity.odd", "conformity", 1.0, "x", "dataset", lambda c: Verdict("na", 0.3), "doc"
    )
    assert run_criterion(crit, context()).score is None
