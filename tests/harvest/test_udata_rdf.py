"""SHACL verdicts of datasets read from the udata API, from the portal's per-dataset RDF,
served by the sandbox as data.gouv.fr serves it (``/api/1/datasets/<id>/rdf``)."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib import namespace as ns

from observatory.harvest.udata import fetch_udata_datasets
from observatory.harvest.udata_rdf import check_datasets_rdf, dataset_rdf_url
from observatory.net.fetch import FetchError, fetch
from observatory.scoring.shacl import validate_graph

SIRENE = "5b7ffc618b4c4169d30727e0"
COG = "58c984b088ee386cdb1261f3"


@pytest.fixture(scope="module")
def portal(sandbox) -> str:
    return sandbox.url("portal", "")


@pytest.mark.parametrize(
    ("accept", "suffix", "fmt"),
    [
        ("text/turtle", "rdf.ttl", "turtle"),
        ("application/rdf+xml", "rdf.xml", "xml"),
        ("application/ld+json", "rdf.jsonld", "json-ld"),
        (None, "rdf.jsonld", "json-ld"),  # udata's default
    ],
)
def test_rdf_route_negotiates_and_describes_the_dataset(portal, http, accept, suffix, fmt):
    headers = {"Accept": accept} if accept else {}
    response = fetch(dataset_rdf_url(portal, SIRENE), http, headers=headers)
    assert response.final_url.endswith(f"/api/1/datasets/{SIRENE}/{suffix}")
    graph = Graph().parse(data=response.content, format=fmt)
    (node,) = set(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))
    assert str(graph.value(node, ns.DCTERMS.identifier)) == SIRENE
    assert len(set(graph.objects(node, ns.DCAT.distribution))) >= 1


def test_site_route_and_unknown_ids(portal, http):
    site = fetch(f"{portal}/datasets/{COG}/rdf.xml", http)
    assert site.status == 200 and b"rdf:RDF" in site.content
    for path in ("no-such-dataset/rdf.ttl", f"{COG}/rdf.docx"):
        with pytest.raises(FetchError) as caught:
            fetch(f"{portal}/api/1/datasets/{path}", http)
        assert caught.value.status == 404


def test_spdr_datasets_get_the_verdict_pyshacl_gives_their_rdf(portal, http):
    page = fetch_udata_datasets(portal, [SIRENE, COG], "dgf", http)
    assert [d.extras.get("shacl") for d in page.datasets] == [None, None]
    errors = check_datasets_rdf(page.datasets, portal, "dgf", http, limit=1000)
    assert errors == []
    for dataset in page.datasets:
        found = dataset.extras["shacl"]
        assert found["version"] == "3.0.1" and isinstance(found["violations"], int)
        # the reference: the whole document through rdflib and validate_graph
        body = fetch(dataset_rdf_url(portal, dataset.source_id), http).content
        reference = validate_graph(Graph().parse(data=body, format="json-ld"))
        (report,) = reference.datasets.values()
        assert (found["conforms"], found["violations"], found["warnings"]) == (
            report.conforms,
            report.violations,
            report.warnings,
        )


def test_missing_rdf_is_a_named_error_and_no_verdict(portal, http):
    page = fetch_udata_datasets(portal, [SIRENE], "dgf", http)
    (dataset,) = page.datasets
    dataset.source_id = "no-such-dataset"
    errors = check_datasets_rdf(page.datasets, portal, "dgf", http, limit=1000)
    assert len(errors) == 1 and "RDF of dataset no-such-dataset" in errors[0].message
    assert errors[0].kind == "http-404"
    assert "shacl" not in dataset.extras


def test_shacl_off_fetches_nothing(portal, http):
    page = fetch_udata_datasets(portal, [SIRENE], "dgf", http)
    assert check_datasets_rdf(page.datasets, portal, "dgf", http, limit=0) == []
    assert "shacl" not in page.datasets[0].extras
