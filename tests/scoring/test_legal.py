"""SPDR legal obligations derived from criterion results."""

from __future__ import annotations

from datetime import timedelta

from scoring_helpers import NOW, context, good_dataset, probe, spdr_entry

from observatory.model import CriterionResult
from observatory.scoring import legal_obligations, score_dataset


def r(cid, status, **evidence):
    score = None if status == "na" else (1.0 if status == "pass" else 0.0)
    return CriterionResult(cid, cid.split(".")[0], status, score, 1.0, evidence)


def test_non_spdr_has_no_obligations():
    assert legal_obligations(good_dataset(), None, []) == {}


def test_obligations_from_results():
    results = [
        r("completeness.legal_metadata", "partial"),
        r("freshness.legal_periodicity", "pass"),
        r("availability.files", "partial", meets_bar=False),
        r("availability.apis", "na"),
        r("conformity.license", "partial"),
    ]
    assert legal_obligations(good_dataset(), spdr_entry(), results) == {
        "metadata": False,
        "periodicity": True,
        "file_availability": "insufficient",  # no monthly history given: never a breach
        "api_availability": "insufficient",
        "open_licence": None,  # an unrecognised licence: unknown, not a breach
    }


def test_availability_is_the_monthly_verdict_given():
    months = {"file_availability": "not_met", "api_availability": "in_progress"}
    legal = legal_obligations(good_dataset(), spdr_entry(), [], months)
    assert legal["file_availability"] == "not_met"
    assert legal["api_availability"] == "in_progress"


def test_api_obligation_unknown_when_no_api_is_declared():
    results = [r("availability.apis", "fail", meets_bar=False)]
    legal = legal_obligations(good_dataset(), spdr_entry(apis=False), results)
    assert legal["api_availability"] is None


def test_late_spdr_dataset_breaches_periodicity_end_to_end():
    url = "https://files.example.org/r1.csv"
    ctx = context(
        good_dataset(modified=NOW - timedelta(days=60), license="notspecified"),
        spdr=spdr_entry("monthly", apis=False),
        probes={url: probe(url, "down")},
    )
    legal = score_dataset(ctx).legal
    assert legal["periodicity"] is False
    # one probe down is no monthly figure: the obligation is not declared breached
    assert legal["file_availability"] == "insufficient"
    assert legal["open_licence"] is False
    assert legal["metadata"] is False
