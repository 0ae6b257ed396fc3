"""validate_table on real schemas of schema.data.gouv.fr and on awkward French CSVs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from frictionless import Resource, Schema

from observatory.inspect.tabular import validate_table
from tests.inspect.support import CORPUS, DATA

SCHEMA = json.loads((DATA / "communes-schema.json").read_text())


def corpus_cases(pattern: str) -> list[tuple[str, str]]:
    cases = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        schema = next(folder.glob("*.json"))
        cases += [(str(csv), str(schema)) for csv in sorted(folder.glob(pattern))]
    return cases


@pytest.mark.parametrize(("csv_path", "schema_path"), corpus_cases("exemple-valide*.csv"))
def test_valid_examples_of_every_corpus_schema_pass(csv_path, schema_path):
    report = validate_table(csv_path, json.loads(Path(schema_path).read_text()))
    assert report.fatal is None
    assert report.errors == []
    assert report.valid
    assert report.row_count and report.row_count > 0
    assert report.detected_format == "csv"


def test_invalid_example_fails_with_exactly_frictionless_errors():
    folder = CORPUS / "stationnement"
    descriptor = json.loads((folder / "schema.json").read_text())
    direct = Resource(
        path="exemple-invalide.csv",
        basepath=str(folder),
        schema=Schema.from_descriptor(descriptor),
    ).validate()
    expected = [
        (e.type, e.row_number or None, e.field_name or None) for e in direct.tasks[0].errors
    ]
    assert expected  # the corpus file is invalid on purpose

    report = validate_table(str(folder / "exemple-invalide.csv"), descriptor)
    assert not report.valid
    assert [(e.type, e.row, e.field) for e in report.errors] == expected
    assert report.error_counts == {"constraint-error": len(expected)}
    assert all(e.message for e in report.errors)


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter", "city"),
    [
        # frictionless's detector (chardet) reads Latin-1 French as cp1252: same letters
        ("communes-latin1.csv", "cp1252", ";", "Ambérieu-en-Bugey"),
        ("communes-cp1252.csv", "cp1252", ";", "Rennes l’ancienne"),
        ("communes-bom.csv", "utf-8-sig", ",", "Nîmes"),
        ("communes-tab.csv", "utf-8", "\t", None),
        ("communes-valid.csv", "utf-8", ",", None),
    ],
)
def test_encodings_and_separators_are_detected(name, encoding, delimiter, city):
    report = validate_table(str(DATA / name), SCHEMA)
    assert report.valid, report.errors
    assert report.stats["encoding"] == encoding
    assert report.stats["delimiter"] == delimiter
    assert report.stats["empty_share"] == 0.0
    assert set(report.stats["empty_cells"]) == {"code_insee", "nom", "population"}


def test_cp1252_text_reaches_frictionless_intact():
    schema = {"fields": [dict(f) for f in SCHEMA["fields"]]}
    schema["fields"][1]["constraints"] = {"pattern": "^[^’Œ]*$"}  # refuses the cp1252 characters
    report = validate_table(str(DATA / "communes-cp1252.csv"), schema)
    assert [(e.type, e.row) for e in report.errors] == [
        ("constraint-error", 2),
        ("constraint-error", 3),
    ]


def test_ragged_rows_are_reported_like_frictionless():
    report = validate_table(str(DATA / "communes-ragged.csv"), SCHEMA)
    got = [(e.type, e.row, e.field) for e in report.errors]
    assert ("missing-cell", 3, "population") in got
    assert ("extra-cell", 4, None) in got
    assert ("blank-row", 5, None) in got
    assert ("constraint-error", 6, "nom") in got  # required
    assert ("constraint-error", 7, "population") in got  # minimum 0
    assert any(t in ("primary-key", "unique-error") and r == 8 for t, r, _ in got)
    assert report.error_counts["missing-cell"] == 1
    assert report.stats["empty_cells"]["nom"] > 0


def test_empty_file_is_frictionless_source_error():
    report = validate_table(str(DATA / "empty.csv"), SCHEMA)
    assert not report.valid
    assert [e.type for e in report.errors] == ["source-error"]
    assert "the source is empty" in report.fatal


def test_header_only_file_is_valid_with_no_rows():
    report = validate_table(str(DATA / "header-only.csv"), SCHEMA)
    assert report.valid
    assert report.row_count == 0
    assert report.fatal is None


def test_zip_holding_one_csv_is_validated():
    report = validate_table(str(DATA / "communes.zip"), SCHEMA)
    assert report.valid
    assert report.row_count == 8
    assert report.detected_format == "zip"
    assert report.stats["member"] == "communes.csv"


def test_zip_holding_two_csv_is_fatal():
    report = validate_table(str(DATA / "two-tables.zip"), SCHEMA)
    assert "exactly one CSV" in report.fatal


def test_html_instead_of_csv_is_fatal():
    report = validate_table(b"<!DOCTYPE html><html><body>Portail</body></html>", SCHEMA)
    assert report.fatal == "not a CSV file: the content looks like html"
    assert report.detected_format == "html"


def test_invalid_schema_is_fatal_not_raised():
    report = validate_table(
        str(DATA / "communes-valid.csv"), {"fields": [{"name": "a", "type": "x"}]}
    )
    assert not report.valid
    assert "invalid Table Schema" in report.fatal


def test_limit_errors_caps_the_list():
    rows = b"code_insee,nom,population\n" + b"bad,x,-1\n" * 50
    report = validate_table(rows, SCHEMA, limit_errors=10)
    assert len(report.errors) == 10
    assert report.stats["errors_capped"]
