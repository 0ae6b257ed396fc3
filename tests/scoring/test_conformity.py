"""Conformity criteria: formats, Table Schema validity, licence."""

from __future__ import annotations

import pytest
from scoring_helpers import context, dist, good_dataset, probe, report, run, schema_ref

from observatory.model import ValidationError
from observatory.scoring.licences import classify_licence

CSV_URL = "https://files.example.org/r1.csv"


def test_format_match_pass_with_sniffed_csv():
    ctx = context(validations={"cat:r1": report(detected_format="csv")})
    result = run("conformity.format_match", ctx)
    assert result.status == "pass"
    assert result.evidence["checked"] == 1


def test_format_match_csv_declared_html_served_fails():
    ctx = context(probes={CSV_URL: probe(CSV_URL, content_type="text/html; charset=utf-8")})
    result = run("conformity.format_match", ctx)
    assert result.status == "fail"
    assert result.evidence["mismatches"][0]["served"] == "html"
    assert CSV_URL in result.fix_hint


def test_format_match_tolerates_containers_and_text_plain():
    xlsx = dist(1, format="xlsx", media_type=None)
    ds = good_dataset(distributions=[xlsx, dist(3, url="https://f.example.org/b.csv")])
    ctx = context(
        ds,
        validations={"cat:r1": report(detected_format="zip")},
        probes={"https://f.example.org/b.csv": probe("x", content_type="text/plain")},
    )
    assert run("conformity.format_match", ctx).status == "pass"


def test_format_match_partial_and_na():
    ds = good_dataset(distributions=[dist(1), dist(3, url="https://f.example.org/b.csv")])
    ctx = context(
        ds,
        validations={
            "cat:r1": report(detected_format="csv"),
            "cat:r3": report(detected_format="html"),
        },
    )
    result = run("conformity.format_match", ctx)
    assert result.status == "partial" and result.score == 0.5
    # no sniff, or only an uninformative content type: not applicable
    assert run("conformity.format_match", context()).status == "na"
    octet = context(probes={CSV_URL: probe(CSV_URL, content_type="application/octet-stream")})
    assert run("conformity.format_match", octet).status == "na"


def test_open_format_like_udata():
    assert run("conformity.open_format", context()).status == "pass"
    closed = good_dataset(
        distributions=[dist(1, format="xlsx", media_type=None), dist(2, format="pdf")]
    )
    result = run("conformity.open_format", context(closed))
    assert result.status == "fail" and "format ouvert" in result.fix_hint
    no_format = good_dataset(distributions=[dist(1, format=None, media_type=None)])
    assert run("conformity.open_format", context(no_format)).status == "fail"
    assert run("conformity.open_format", context(good_dataset(distributions=[]))).status == "na"


def test_machine_readable():
    assert run("conformity.machine_readable", context()).status == "pass"
    pdf_only = good_dataset(distributions=[dist(1, format="pdf", media_type="application/pdf")])
    assert run("conformity.machine_readable", context(pdf_only)).status == "fail"
    xls = good_dataset(distributions=[dist(1, format="xls", media_type=None)])
    assert run("conformity.machine_readable", context(xls)).status == "pass"
    docs_only = good_dataset(distributions=[dist(1, type="documentation")])
    assert run("conformity.machine_readable", context(docs_only)).status == "na"


def with_schema():
    return good_dataset(distributions=[dist(1, schema=schema_ref())])


def test_schema_valid_passes():
    ctx = context(with_schema(), validations={"cat:r1": report(valid=True, row_count=10)})
    assert run("conformity.schema", ctx).status == "pass"


def test_schema_invalid_fails_with_error_counts():
    bad = report(
        valid=False,
        schema_url="https://schema.data.gouv.fr/irve.json",
        error_counts={"type-error": 3, "constraint-error": 1},
        errors=[ValidationError("type-error", 2, "puissance", "not a number")],
    )
    result = run("conformity.schema", context(with_schema(), validations={"cat:r1": bad}))
    assert result.status == "fail"
    assert result.evidence["error_counts"] == {"type-error": 3, "constraint-error": 1}
    assert "type-error : 3" in result.fix_hint


def test_schema_fatal_counts_as_invalid():
    fatal = report(valid=True, fatal="schema unreadable")
    assert (
        run("conformity.schema", context(with_schema(), validations={"cat:r1": fatal})).status
        == "fail"
    )


def test_schema_not_applicable_without_schema_or_validation():
    result = run("conformity.schema", context(validations={"cat:r1": report()}))
    assert result.status == "na" and result.evidence["reason"] == "aucun schéma déclaré"
    pending = run("conformity.schema", context(with_schema()))
    assert pending.status == "na" and "pas encore validé" in pending.evidence["reason"]


@pytest.mark.parametrize(
    "value",
    [
        "lov2",
        "fr-lo",
        "odc-odbl",
        "cc-by",
        "cc-by-sa",
        "cc-zero",
        "odc-by",
        "odc-pddl",
        "etalab-2.0",
        "https://spdx.org/licenses/CC-BY-4.0.html",
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
        "https://www.etalab.gouv.fr/wp-content/uploads/2014/05/Licence_Ouverte.pdf",
        "http://opendatacommons.org/licenses/odbl/1.0/",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ],
)
def test_licence_known_open(value):
    assert run("conformity.license", context(good_dataset(license=value))).status == "pass"


def test_licence_missing_fails_and_other_is_partial():
    for value in ("notspecified", None, "other-closed"):
        result = run("conformity.license", context(good_dataset(license=value)))
        assert result.status == "fail", value
    other = run("conformity.license", context(good_dataset(license="other-at")))
    assert other.status == "partial" and other.score == 0.5


def test_classify_licence_names():
    assert classify_licence("lov2") == ("open", "Licence Ouverte 2.0")
    assert classify_licence("fr-lo") == ("open", "Licence Ouverte 1.0")
    assert classify_licence(
        "https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf"
    ) == ("open", "Licence Ouverte 2.0")
    assert classify_licence("notspecified") == ("missing", None)
