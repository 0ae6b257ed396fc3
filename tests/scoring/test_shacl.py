"""DCAT-AP SHACL compliance with the official shapes, per dataset, with focus nodes named."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from observatory.scoring.shacl import (
    SHAPES_DIR,
    VERSIONS,
    load_shapes,
    validate_graph,
    vocabulary_stubs,
)
from tests.corpus import CORPUS as SHARED

DCAT_DIR = SHARED / "dcat"
DATA = Path(__file__).parent / "data"


def parse(name: str) -> Graph:
    graph = Graph()
    graph.parse(DCAT_DIR / name, format="xml" if name.endswith((".rdf", ".xml")) else "turtle")
    return graph


def test_shapes_ship_with_the_package_and_load_once():
    for version in VERSIONS:
        folder = SHAPES_DIR / f"dcat-ap-{version}"
        assert (folder / "shapes.ttl").is_file() and (folder / "range.ttl").is_file()
        assert load_shapes(version) is load_shapes(version)  # cached
    assert "CC-BY-4.0" in (SHAPES_DIR / "README.md").read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        load_shapes("9.9")


def test_poor_catalogue_has_violations_naming_focus_nodes():
    graph = parse("ckan-mqa-dcatap_catalog.ttl")
    report = validate_graph(graph)
    assert not report.conforms
    assert len(report.datasets) == 2
    for ds in report.datasets.values():
        assert not ds.conforms and ds.violations > 0
        assert ds.issues and all(i.focus for i in ds.issues)
    focus = {i.focus for ds in report.datasets.values() for i in ds.issues}
    assert focus & set(report.datasets)  # results name the dataset nodes themselves
    # the IANA media type written with the w3.org namespace breaks the 3.0.1 shape
    values = {i.value for ds in report.datasets.values() for i in ds.issues}
    assert "https://www.w3.org/ns/iana/media-types/application/json#Resource" in values
    # EuroVoc themes are not in the EU data-theme table
    assert any(
        i.value == "http://eurovoc.europa.eu/100154" and i.path.endswith("theme")
        for ds in report.datasets.values()
        for i in ds.issues
    )
    messages = [m for ds in report.datasets.values() for m in ds.messages]
    assert any("mediaType" in m for m in messages)


def test_valid_dataset_conforms_and_bad_one_is_named():
    graph = Graph()
    graph.parse(DATA / "dcat_minimal.ttl", format="turtle")
    report = validate_graph(graph)
    good = report.datasets["https://example.org/dataset/good"]
    bad = report.datasets["https://example.org/dataset/bad"]
    assert good.conforms, good.messages
    assert not bad.conforms
    assert any(
        i.focus == "https://example.org/dataset/bad" and i.path.endswith("title")
        for i in bad.issues
    )


def test_authority_iris_get_their_table_membership():
    graph = Graph()
    graph.parse(DATA / "dcat_minimal.ttl", format="turtle")
    stubs = vocabulary_stubs(graph)
    csv = "http://publications.europa.eu/resource/authority/file-type/CSV"
    schemes = {str(o) for s, p, o in stubs if str(s) == csv and p.endswith("inScheme")}
    assert schemes == {"http://publications.europa.eu/resource/authority/file-type"}


def test_chunked_validation_gives_the_same_results():
    graph = parse("ckan-mqa-dcatap-ch_catalog.ttl")
    whole = validate_graph(graph)
    chunked = validate_graph(graph, chunk_size=30)
    assert whole.results == chunked.results
    assert {k: v.violations for k, v in whole.datasets.items()} == {
        k: v.violations for k, v in chunked.datasets.items()
    }
    assert whole.seconds < 30  # 100 datasets, about 4 s here


def test_version_2_1_1_also_runs():
    report = validate_graph(parse("ckan-mqa-dcatap-de_catalog.rdf"), version="2.1.1")
    assert report.version == "2.1.1" and len(report.datasets) == 1


def test_dcat_shacl_criterion_pass_fail_na():
    from scoring_helpers import context, good_dataset, run

    from observatory.scoring.shacl import attach_shacl

    graph = Graph()
    graph.parse(DATA / "dcat_minimal.ttl", format="turtle")
    good = good_dataset(key="t:good", uri="https://example.org/dataset/good")
    bad = good_dataset(key="t:bad", uri="https://example.org/dataset/bad")
    udata = good_dataset(key="t:udata", uri=None)
    assert attach_shacl([good, bad, udata], validate_graph(graph)) == 2
    assert run("conformity.dcat_shacl", context(good)).status == "pass"
    failed = run("conformity.dcat_shacl", context(bad))
    assert failed.status == "fail" and failed.evidence["violations"] > 0
    assert "https://example.org/dataset/bad" in failed.fix_hint  # its distribution, named
    assert "dct:title" in failed.evidence["missing"] and "dct:title" in failed.fix_hint
    assert run("conformity.dcat_shacl", context(udata)).status == "na"
