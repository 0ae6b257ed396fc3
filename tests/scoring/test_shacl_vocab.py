"""Controlled vocabularies: codes are checked against the bundled snapshot of the real EU
authority tables, so a made-up code fails as it does with the official validator."""

from __future__ import annotations

import pytest
from rdflib import Graph

from observatory.scoring.shacl import validate_graph
from observatory.scoring.shacl_vocab import VOCAB_DIR, bundled, missing_tables, tables

EU = "http://publications.europa.eu/resource/authority/"
DATASET = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://example.org/d> a dcat:Dataset ;
    dct:title "Jeu"@fr ; dct:description "Un jeu."@fr ;
    dct:accrualPeriodicity <{frequency}> ;
    dct:language <{language}> ;
    dcat:distribution <https://example.org/d/csv> .
<https://example.org/d/csv> a dcat:Distribution ;
    dcat:accessURL <https://example.org/d.csv> ;
    dct:format <{format}> .
"""
GOOD = {
    "frequency": EU + "frequency/DAILY",
    "language": EU + "language/FRA",
    "format": EU + "file-type/CSV",
}


def verdict(**values: str) -> tuple[bool, set[tuple[str | None, str | None]]]:
    text = DATASET.format(**(GOOD | values))
    report = validate_graph(Graph().parse(data=text, format="turtle"))
    found = report.datasets["https://example.org/d"]
    faults = {(i.path, i.value) for i in found.issues if i.severity == "Violation"}
    return found.conforms, faults


def test_snapshot_files_name_their_source_and_version():
    readme = (VOCAB_DIR / "README.md").read_text(encoding="utf-8")
    for table in tables().values():
        assert table.version and table.codes
        assert f"{table.name}.txt" in readme
    for name in ("frequency", "language", "file-type", "data-theme", "access-right", "country"):
        assert bundled(name)
    assert not bundled("corporate-body")
    assert missing_tables([EU + "corporate-body/PUBL", EU + "frequency/DAILY"]) == [
        "corporate-body"
    ]


def test_real_codes_conform():
    conforms, faults = verdict()
    assert conforms, faults


@pytest.mark.parametrize(
    ("prop", "made_up"),
    [
        ("frequency", EU + "frequency/EVERY_FULL_MOON"),
        ("language", EU + "language/KLINGON"),
        ("format", EU + "file-type/CSVX"),
        ("frequency", "https://publications.europa.eu/resource/authority/frequency/DAILY"),
        ("format", EU + "frequency/DAILY"),  # a real code of the wrong table
    ],
)
def test_made_up_or_misplaced_codes_are_violations(prop: str, made_up: str):
    conforms, faults = verdict(**{prop: made_up})
    assert not conforms
    assert made_up in {value for _path, value in faults}


def test_table_not_bundled_keeps_namespace_membership():
    text = DATASET.format(**GOOD).replace(
        'dct:title "Jeu"@fr ;',
        f'dct:title "Jeu"@fr ; dct:publisher <{EU}corporate-body/PUBL> ;',
    )
    report = validate_graph(Graph().parse(data=text, format="turtle"))
    issues = report.datasets["https://example.org/d"].issues
    assert not [i for i in issues if i.value and "corporate-body" in i.value]
