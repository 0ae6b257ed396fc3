"""Completeness criteria: pass, fail and not applicable on hand-built datasets."""

from __future__ import annotations

from datetime import date

from scoring_helpers import context, dist, good_dataset, report, run


def test_legal_metadata_pass_when_all_eight_present():
    result = run("completeness.legal_metadata", context())
    assert result.status == "pass"
    assert result.score == 1.0
    assert result.evidence["missing"] == []


def test_legal_metadata_partial_lists_what_is_missing():
    ds = good_dataset(spatial=None, keywords=[], license="notspecified")
    result = run("completeness.legal_metadata", context(ds))
    assert result.status == "partial"
    assert result.score == 5 / 8
    assert set(result.evidence["missing"]) == {"couverture géographique", "mots-clés", "licence"}
    assert "couverture géographique" in result.fix_hint


def test_legal_metadata_fail_when_nothing_is_filled():
    ds = good_dataset(
        title="",
        description=None,
        organization_name=None,
        publisher=None,
        license=None,
        frequency="unknown",
        spatial=None,
        keywords=[],
        distributions=[dist(1, format=None, media_type=None)],
    )
    result = run("completeness.legal_metadata", context(ds))
    assert result.status == "fail"
    assert result.score == 0.0
    assert len(result.evidence["missing"]) == 8


def test_legal_metadata_needs_a_format_on_every_resource():
    ds = good_dataset(distributions=[dist(1), dist(2, format=None, media_type=None)])
    result = run("completeness.legal_metadata", context(ds))
    assert result.evidence["missing"] == ["format"]


def test_license_pass_and_fail():
    assert run("completeness.license", context()).status == "pass"
    result = run("completeness.license", context(good_dataset(license="notspecified")))
    assert result.status == "fail"
    assert "Licence Ouverte 2.0" in result.fix_hint
    assert run("completeness.license", context(good_dataset(license=None))).status == "fail"


def test_description_length_like_udata():
    assert run("completeness.description", context()).status == "pass"
    short = run("completeness.description", context(good_dataset(description="x" * 100)))
    assert short.status == "partial" and short.evidence["length"] == 100
    empty = run("completeness.description", context(good_dataset(description="  ")))
    assert empty.status == "fail" and empty.score == 0.0


def test_temporal_coverage():
    assert run("completeness.temporal_coverage", context()).status == "pass"
    one_bound = good_dataset(temporal_end=None)
    assert run("completeness.temporal_coverage", context(one_bound)).status == "pass"
    none = good_dataset(temporal_start=None, temporal_end=None)
    assert run("completeness.temporal_coverage", context(none)).status == "fail"


def test_spatial_coverage():
    assert run("completeness.spatial_coverage", context()).status == "pass"
    result = run("completeness.spatial_coverage", context(good_dataset(spatial="")))
    assert result.status == "fail" and "géographique" in result.fix_hint


def test_keywords():
    assert run("completeness.keywords", context()).evidence["count"] == 2
    assert run("completeness.keywords", context(good_dataset(keywords=[" "]))).status == "fail"


def test_documentation_resource_or_description():
    assert run("completeness.documentation", context()).status == "pass"
    only_desc = good_dataset(distributions=[dist(1, description="Une ligne par commune.")])
    assert run("completeness.documentation", context(only_desc)).status == "pass"
    bare = good_dataset(distributions=[dist(1), dist(2)])
    result = run("completeness.documentation", context(bare))
    assert result.status == "fail" and "documentation" in result.fix_hint
    assert run("completeness.documentation", context(good_dataset(distributions=[]))).status == "na"


def test_dcat_properties():
    assert run("completeness.dcat_properties", context()).status == "pass"
    ds = good_dataset(themes=[], contact_point=None)
    result = run("completeness.dcat_properties", context(ds))
    assert result.status == "partial"
    assert result.score == 0.5 + 0.5 * 5 / 7
    assert result.evidence["missing_recommended"] == ["contactPoint", "theme"]
    no_desc = run("completeness.dcat_properties", context(good_dataset(description=None)))
    assert no_desc.status == "fail"
    assert no_desc.evidence["missing_mandatory"] == ["description"]


def test_data_cells_required_columns():
    stats = {"empty_cells": {"id": 0.0, "nom": 0.1, "note": 0.9}, "required": ["id", "nom"]}
    result = run("completeness.data_cells", context(validations={"cat:r1": report(stats=stats)}))
    # only the required columns are judged: "note" (optional) is ignored
    assert result.status == "partial"
    assert result.score == 1 - 0.05
    assert result.evidence["files"][0]["empty_share"] == {"nom": 0.1}


def test_data_cells_pass_fail_and_na():
    full = {"empty_cells": {"id": 0.0, "nom": 0.0}, "required": ["id", "nom"]}
    ok = run("completeness.data_cells", context(validations={"cat:r1": report(stats=full)}))
    assert ok.status == "pass" and ok.score == 1.0
    holes = {"empty_cells": {"id": 0.0, "nom": 0.5}, "required": ["id", "nom"]}
    bad = run("completeness.data_cells", context(validations={"cat:r1": report(stats=holes)}))
    assert bad.status == "fail" and bad.evidence["worst_empty_share"] == 0.5
    assert run("completeness.data_cells", context()).status == "na"
    no_stats = context(validations={"cat:r1": report()})
    assert run("completeness.data_cells", no_stats).status == "na"


def test_data_cells_without_required_list_judges_all_columns():
    stats = {"empty_cells": {"a": 0.01, "b": 0.03}}
    result = run("completeness.data_cells", context(validations={"cat:r1": report(stats=stats)}))
    assert result.status == "pass"
    assert round(result.score, 4) == 0.98


def test_row_count_drop_alert():
    before = {"cat:r1": report(row_count=1000)}
    dropped = context(validations={"cat:r1": report(row_count=700)}, previous_validations=before)
    result = run("completeness.row_count", dropped)
    assert result.status == "fail"
    assert result.evidence["drops"][0] == {
        "url": "https://files.example.org/r1.csv",
        "previous": 1000,
        "current": 700,
        "drop_share": 0.3,
    }
    stable = context(validations={"cat:r1": report(row_count=850)}, previous_validations=before)
    assert run("completeness.row_count", stable).status == "pass"
    assert run("completeness.row_count", context()).status == "na"


def test_dates_accept_plain_dates():
    ds = good_dataset(temporal_start=date(2024, 1, 1), temporal_end=None)
    assert run("completeness.temporal_coverage", context(ds)).evidence["start"] == date(2024, 1, 1)
