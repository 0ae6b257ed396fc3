"""DCAT-AP catalogues: every corpus file read in full, values normalised as criteria need them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from observatory.harvest.dcat import fetch_dcat_page, parse_dcat
from tests.harvest.conftest import CORPUS, DATA, Reply, Site

DCAT = Namespace("http://www.w3.org/ns/dcat#")
CORPUS_FILES = sorted((CORPUS / "dcat").iterdir())
RDFLIB_FORMATS = {".ttl": "turtle", ".rdf": "xml", ".xml": "xml", ".jsonld": "json-ld"}
SERVED_TYPES = {
    ".ttl": "text/turtle",
    ".rdf": "application/rdf+xml",
    ".xml": "application/rdf+xml",
    ".jsonld": "application/ld+json",
}


def rdflib_counts(path) -> tuple[int, int]:
    """Datasets and distribution links as rdflib itself sees them."""
    graph = Graph().parse(path, format=RDFLIB_FORMATS[path.suffix])
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    links = sum(1 for s in datasets for _ in graph.objects(s, DCAT.distribution))
    return len(datasets), links


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_every_corpus_catalogue_gives_every_dataset_and_distribution(path) -> None:
    expected_datasets, expected_links = rdflib_counts(path)
    page = parse_dcat(path.read_bytes(), None, "https://catalogue.test/", "cat")  # sniffed
    assert len(page.datasets) == expected_datasets
    assert sum(len(d.distributions) for d in page.datasets) == expected_links
    assert len({d.key for d in page.datasets}) == len(page.datasets)
    assert not [e for e in page.errors if e.kind != "invalid-value"]


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_catalogue_served_over_http_with_its_content_type(site: Site, http, path) -> None:
    url = site.add(f"/corpus/{path.name}", Reply(path.read_bytes(), SERVED_TYPES[path.suffix]))
    page = fetch_dcat_page(url, "cat", http)
    assert len(page.datasets) == rdflib_counts(path)[0]
    assert page.url == url


def test_n_triples_are_sniffed(site: Site, http) -> None:
    source = CORPUS / "dcat" / "udata-catalog.xml"
    nt = Graph().parse(source, format="xml").serialize(format="nt").encode()
    url = site.add("/catalog.nt", Reply(nt, "text/plain"))
    page = fetch_dcat_page(url, "cat", http)
    assert not page.errors
    assert len(page.datasets) == 4
    assert sum(len(d.distributions) for d in page.datasets) == 8


def test_udata_catalogue_values() -> None:
    # The file holds relative IRIs: an absolute base is needed (production passes the URL).
    url = "https://data.test.org/catalog.xml"
    page = parse_dcat((CORPUS / "dcat" / "udata-catalog.xml").read_bytes(), None, url, "dgf")
    ds = next(d for d in page.datasets if d.uri == "http://data.test.org/datasets/1")
    assert ds.key == "dgf:http://data.test.org/datasets/1"
    assert ds.title == "Dataset 1"
    assert ds.keywords == ["Tag 1", "Tag 2", "Tag 3", "Tag 4"]
    assert ds.publisher == "An Organization"
    assert ds.contact_point == "Organization contact <hello@its.me>"
    assert ds.temporal_start == date(2016, 1, 1)
    assert ds.issued == datetime(2016, 12, 14, 18, 59, 2, 737480, tzinfo=UTC)
    assert ds.license  # given on the distributions only
    first = next(d for d in ds.distributions if d.title == "Resource 1-1")
    assert (first.format, first.media_type, first.byte_size) == ("json", "application/json", 12323)
    assert [s.title for s in page.services] == ["Geo Service"]


def test_eu_vocabularies_and_checksums() -> None:
    path = CORPUS / "dcat" / "ckanext-dcat-dataset_gov_de.rdf"
    (ds,) = parse_dcat(path.read_bytes(), None, "x", "de").datasets
    assert (
        ds.access_rights == "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
    )
    assert ds.themes == ["http://publications.europa.eu/resource/authority/data-theme/ECON"]
    formats = {d.format for d in ds.distributions}
    assert {"geojson", "wms"} <= formats
    assert any(d.checksum and d.checksum.startswith("sha256:") for d in ds.distributions)


def test_plain_literal_formats_and_literal_next_page() -> None:
    path = CORPUS / "dcat" / "ckan-mqa-dcatap-ch_catalog.ttl"
    page = parse_dcat(path.read_bytes(), "text/turtle", "https://data.stadt-zuerich.ch/", "zh")
    assert page.next_url == "https://data.stadt-zuerich.ch/catalog.ttl?page=2"
    assert page.total == 350
    formats = {d.format for ds in page.datasets for d in ds.distributions}
    assert "csv" in formats and all(f is None or f == f.lower() for f in formats)
    # invalid dates such as '29.05..2017' are noted, not fatal
    assert any(e.kind == "invalid-value" and "29.05..2017" in e.message for e in page.errors)


def test_blank_node_datasets_have_stable_distinct_keys() -> None:
    content = (CORPUS / "dcat" / "udata-bnodes.xml").read_bytes()
    first = parse_dcat(content, None, "x", "b")
    second = parse_dcat(content, None, "x", "b")
    assert [d.key for d in first.datasets] == [d.key for d in second.datasets]
    assert all(d.key.startswith("b:bnode-") for d in first.datasets if d.uri is None)
    dist_keys = [x.key for d in first.datasets for x in d.distributions]
    assert len(set(dist_keys)) == len(dist_keys)
    assert dist_keys == [x.key for d in second.datasets for x in d.distributions]


def test_odd_values_are_read_as_far_as_possible() -> None:
    page = parse_dcat((DATA / "odd-values.ttl").read_bytes(), None, "https://example.test/", "t")
    velo = next(d for d in page.datasets if d.uri == "https://example.test/ds/velo")
    assert velo.title == "Compteurs vélo"  # French preferred
    assert velo.issued == datetime(2017, 1, 1, tzinfo=UTC)  # a year where xsd:date declared
    assert velo.modified is None  # 'pas une date'
    assert (velo.temporal_start, velo.temporal_end) == (date(2015, 1, 1), date(2016, 12, 31))
    assert velo.frequency == "http://publications.europa.eu/resource/authority/frequency/DAILY"
    assert velo.contact_point == "Service mobilité <mobilite@example.test>"
    csv = next(d for d in velo.distributions if d.title == "Comptages CSV")
    assert (csv.format, csv.media_type, csv.byte_size) == ("csv", "text/csv", 12345)
    assert csv.download_url == "https://example.test/files/velo.csv"
    assert csv.schema and csv.schema.url and csv.schema.url.endswith("schema.json")
    assert csv.modified == datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    geo = next(d for d in velo.distributions if d.title == "Export GeoJSON")
    assert geo.format == "geojson"
    anon = next(d for d in page.datasets if d.uri is None)
    assert anon.distributions == [] and anon.key.startswith("t:bnode-")
    notes = [e.message for e in page.errors if e.kind == "invalid-value"]
    assert any("'2017' is a year" in n for n in notes)
    assert any("pas une date" in n for n in notes)
    (service,) = page.services
    assert service.endpoint_url == "https://example.test/api/velo/v1"
    assert service.dataset_keys == [velo.key]


def test_known_remote_context_is_replaced_by_the_local_copy(site: Site, http) -> None:
    url = site.add(
        "/udata-context.jsonld",
        Reply((DATA / "udata-context.jsonld").read_bytes(), "application/ld+json"),
    )
    page = fetch_dcat_page(url, "cat", http)
    assert not page.errors
    (ds,) = page.datasets
    assert ds.title == "Jeu décrit avec le contexte udata"
    assert ds.distributions[0].url == "https://static.data.gouv.fr/1.csv"
    assert ds.distributions[0].format == "csv"
    assert ds.modified == datetime(2024, 5, 2, 10, 0, tzinfo=UTC)
    assert ds.contact_point == "Équipe <equipe@example.test>"
    assert page.next_url == "https://www.data.gouv.fr/catalog.jsonld?page=2"
