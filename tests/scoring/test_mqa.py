"""data.europa.eu MQA score: the corpus catalogues rank as expected, per-indicator points."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

import pytest
from rdflib import Graph
from scoring_helpers import NOW, dist, good_dataset, probe

from observatory.scoring.mqa import (
    INDICATORS,
    MAX_TOTAL,
    catalogue_mqa,
    mqa_dataset,
    mqa_from_graph,
    mqa_table,
    rating,
)
from observatory.scoring.mqa_vocab import eu_code, iana_media_type, licence_from_vocabulary
from tests.corpus import CORPUS as SHARED

DCAT_DIR = SHARED / "dcat"
POOR = "ckan-mqa-dcatap_catalog.ttl"
ZURICH = "ckan-mqa-dcatap-ch_catalog.ttl"
GERMAN = "ckan-mqa-dcatap-de_catalog.rdf"


@cache
def corpus_graph(name: str) -> Graph:
    graph = Graph()
    graph.parse(DCAT_DIR / name, format="xml" if name.endswith(".rdf") else "turtle")
    return graph


@cache
def corpus_score(name: str):
    return catalogue_mqa(mqa_from_graph(corpus_graph(name)), subject=name)


def test_grid_is_the_data_europa_grid():
    assert sum(i.points for i in INDICATORS) == MAX_TOTAL == 405
    by_dim: dict[str, int] = {}
    for ind in INDICATORS:
        by_dim[ind.dimension] = by_dim.get(ind.dimension, 0) + ind.points
    assert by_dim == {
        "findability": 100,
        "accessibility": 100,
        "interoperability": 110,
        "reusability": 75,
        "contextuality": 20,
    }
    assert [rating(x) for x in (405, 351, 350, 221, 220, 121, 120, 0)] == [
        "Excellent", "Excellent", "Good", "Good", "Sufficient", "Sufficient", "Bad", "Bad",
    ]  # fmt: skip


def test_corpus_catalogues_rank_poor_zurich_german(capsys):
    poor, zurich, german = (corpus_score(n) for n in (POOR, ZURICH, GERMAN))
    assert poor.total < zurich.total < german.total
    assert poor.possible < zurich.possible < german.possible
    assert (poor.datasets, zurich.datasets, german.datasets) == (2, 100, 1)
    # the points per indicator, shown as a table
    for result in (poor, zurich, german):
        print(f"\n{result.subject}: {result.total}/{MAX_TOTAL} ({result.rating})")
        for dimension, label, points, top in mqa_table(result):
            print(f"  {dimension:17} {label:50} {points:6.2f} / {top}")
    out = capsys.readouterr().out
    assert "Mots-clés" in out and "Conformité DCAT-AP (SHACL)" in out
    assert len(mqa_table(german)) == len(INDICATORS)


def test_poor_catalogue_indicators():
    poor = {i.id: i for i in corpus_score(POOR).indicators}
    # "no formats, no licences": nothing earned there
    assert poor["format"].points == 0 and poor["licence"].points == 0
    assert poor["contact_point"].points == 0 and poor["publisher"].points == 0
    # keywords and themes on both datasets; a temporal coverage on one of two
    assert poor["keyword"].points == 30 and poor["theme"].points == 30
    assert poor["temporal"].points == 10
    # no probes: reachability is not checked, never counted as failed in `possible`
    assert not poor["access_url_reachable"].checked
    assert poor["access_url_reachable"].points == 0
    assert poor["access_url_reachable"].possible == 50


def test_german_sample_uses_vocabularies():
    german = {i.id: i for i in corpus_score(GERMAN).indicators}
    assert german["licence_vocabulary"].points == 10  # dcat-ap.de licence IRIs
    assert german["spatial"].points == 20 and german["temporal"].points == 20
    assert german["contact_point"].points == 20 and german["publisher"].points == 10
    # SHACL ran (the sample breaks DCAT-AP 3 ranges): checked, and failed
    assert german["dcat_ap"].checked and german["dcat_ap"].points == 0
    dims = corpus_score(GERMAN).dimensions()
    assert dims["findability"] == (100.0, 100)


def test_zurich_literal_formats_are_not_from_the_vocabulary():
    zurich = {i.id: i for i in corpus_score(ZURICH).indicators}
    assert zurich["format"].points == 20  # every distribution has a dct:format
    assert zurich["format_vocabulary"].points < 1  # but as a literal "CSV", not an EU IRI
    assert zurich["non_proprietary"].points > 19  # CSV is non-proprietary all the same


def test_probes_decide_reachability():
    graph = corpus_graph(POOR)
    urls = [
        "https://example.com/vehicles-register/owners.pdf",
        "https://example.com/vehicles-register/owners.json",
        "https://example.com/vehicles-register/transactions.json",
    ]
    probes = {u: probe(u, "up", status=200) for u in urls}
    probes[urls[0]] = probe(urls[0], "down", status=404)
    results = mqa_from_graph(graph, probes=probes, shacl=False)
    by_title = {r.title: {i.id: i for i in r.indicators} for r in results}
    owners = by_title["Vehicle owners"]["access_url_reachable"]
    assert owners.checked and owners.share == 0.5 and owners.points == 25
    assert by_title["Vehicle transactions (Asturias)"]["access_url_reachable"].points == 50
    # SHACL not run: not checked, 30 points possible
    dcat_ap = by_title["Vehicle owners"]["dcat_ap"]
    assert not dcat_ap.checked and dcat_ap.possible == 30


def test_model_dataset_full_marks_when_everything_is_there():
    url = "https://files.example.org/r1.csv"
    ds = good_dataset(
        access_rights="http://publications.europa.eu/resource/authority/access-right/PUBLIC",
        distributions=[
            dist(
                1,
                download_url=url,
                byte_size=1000,
                issued=datetime(2024, 1, 1, tzinfo=UTC),
                license="https://www.etalab.gouv.fr/licence-ouverte-open-licence",
                extras={"rights": "Licence Ouverte"},
            )
        ],
    )
    result = mqa_dataset(ds, probes={url: probe(url, "up", checked_at=NOW)}, shacl_ok=True)
    assert result.total == MAX_TOTAL and result.rating == "Excellent"
    assert result.unchecked == []


def test_model_dataset_missing_metadata_loses_points():
    ds = good_dataset(keywords=[], themes=[], license=None, contact_point=None)
    result = mqa_dataset(ds)
    points = result.points()
    assert points["keyword"] == 0 and points["theme"] == 0 and points["contact_point"] == 0
    assert points["licence"] == 0  # neither the distributions nor the dataset has one
    assert "access_url_reachable" in result.unchecked and "dcat_ap" in result.unchecked
    assert result.possible > result.total


def test_model_dataset_without_distribution_earns_no_distribution_points():
    result = mqa_dataset(good_dataset(distributions=[]))
    points = result.points()
    assert points["format"] == 0 and points["download_url"] == 0
    assert result.total == pytest.approx(100 + 20 + 10)  # findability, contact, publisher


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("http://publications.europa.eu/resource/authority/file-type/CSV", "CSV"),
        ("csv", "CSV"),
        ("GeoJSON", "GEOJSON"),
        ("text/csv", "CSV"),
        ("https://www.iana.org/assignments/media-types/application/zip", "ZIP"),
        ("not-a-format", None),
        (None, None),
    ],
)
def test_eu_code(value, code):
    assert eu_code(value) == code


def test_vocabulary_checks():
    assert iana_media_type("https://www.iana.org/assignments/media-types/text/csv") == "text/csv"
    assert iana_media_type("application/x-zip-compressed") is None
    assert iana_media_type("CSV") is None
    assert licence_from_vocabulary(
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    )
    assert licence_from_vocabulary("lov2")
    assert not licence_from_vocabulary(
        "NonCommercialAllowed-CommercialAllowed-ReferenceNotRequired"
    )
