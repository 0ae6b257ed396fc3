"""pyoxigraph (the harvest's RDF engine) gives exactly the triples and records rdflib gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from bench.harvest.server import page_jsonld, page_ttl
from observatory.harvest.dcat import parse_dcat, read_triples
from observatory.harvest.paging import harvest_catalogue
from observatory.harvest.prefetch import predicted_urls
from observatory.harvest.rdf_parse import RdfError
from observatory.model import HarvestPage, to_jsonable
from observatory.net.fetch import HttpSettings
from observatory.registry import CatalogueEntry
from tests.corpus import CORPUS as SHARED
from tests.harvest.conftest import Reply, Site

CORPUS = SHARED / "dcat"
DATA = Path(__file__).parent / "data"
JSONLD_FILES = sorted(CORPUS.glob("*.jsonld")) + sorted(DATA.glob("*.jsonld"))
RDF_FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".ttl", ".rdf", ".xml", ".jsonld"))
TYPES = {".ttl": "text/turtle", ".jsonld": "application/ld+json"}


def records(page: HarvestPage) -> tuple[object, ...]:
    """Everything a page yields, timestamps of errors left out."""
    return (
        [to_jsonable(d) for d in page.datasets],
        [to_jsonable(s) for s in page.services],
        [to_jsonable(o) for o in page.organisations],
        page.next_url,
        page.total,
        [(e.kind, e.message) for e in page.errors],
    )


def graph(content: bytes, content_type: str | None, fast: bool) -> Graph | str:
    """The triples one engine reads, as a graph; the error kind when it refuses."""
    try:
        index = read_triples(content, content_type, "https://x.test/", fast=fast)
    except RdfError as exc:
        return exc.kind
    out = Graph()
    for s, p, o in index.triples():
        if isinstance(o, Literal) and o.language:  # language tags are case-insensitive
            o = Literal(str(o), lang=o.language.lower())
        out.add((s, p, o))
    return out


def same_graph(content: bytes, content_type: str | None) -> bool:
    ours, reference = graph(content, content_type, True), graph(content, content_type, False)
    if isinstance(ours, Graph) and isinstance(reference, Graph):
        return isomorphic(ours, reference)
    return ours == reference


@pytest.mark.parametrize("path", RDF_FILES, ids=lambda p: p.name)
def test_engine_reads_the_same_graph_as_rdflib_on_every_corpus_file(path: Path) -> None:
    content_type = TYPES.get(path.suffix, "application/rdf+xml")
    assert same_graph(path.read_bytes(), content_type)


@pytest.mark.parametrize("path", JSONLD_FILES, ids=lambda p: p.name)
def test_engine_gives_the_records_rdflib_gives_on_every_jsonld_file(path: Path) -> None:
    content = path.read_bytes()
    fast = parse_dcat(content, "application/ld+json", "https://x.test/", "c", fast=True)
    slow = parse_dcat(content, "application/ld+json", "https://x.test/", "c", fast=False)
    assert records(fast) == records(slow)


@pytest.mark.parametrize("page", [1, 2, 3])
def test_bench_pages_give_identical_records_in_jsonld_by_both_engines_and_turtle(
    page: int,
) -> None:
    url = "http://bench.test/catalog"
    jsonld = page_jsonld(page, 250, url).encode()
    fast = parse_dcat(jsonld, "application/ld+json", url, "b")
    slow = parse_dcat(jsonld, "application/ld+json", url, "b", fast=False)
    turtle = parse_dcat(page_ttl(page, 250, url).encode(), "text/turtle", url, "b")
    assert records(fast) == records(slow) == records(turtle)
    assert len(fast.datasets) == (50 if page == 3 else 100)


ODD = [
    {"@context": {"@language": "fr", "t": "http://purl.org/dc/terms/title"}, "@id": "http://a/"},
    {"@context": {"k": {"@id": "http://a/k", "@container": "@list"}}, "@id": "http://a/"},
    {"@id": "relative/path", "http://purl.org/dc/terms/title": "x"},
    {"@id": "http://a/", "http://purl.org/dc/terms/title": 1.5},
    {"@id": "http://a/", "http://purl.org/dc/terms/title": True},
    {"@id": "http://a/", "http://purl.org/dc/terms/title": {"@list": ["a"]}},
    {"@id": "http://a/", "unknownterm": "x"},
    {"@id": "http://a/", "@reverse": {"http://a/p": {"@id": "http://b/"}}},
    {"@id": "http://a/", "http://a/p": {"@value": "x", "@language": "FR"}},
]


@pytest.mark.parametrize("document", ODD)
def test_engine_agrees_with_rdflib_on_shapes_the_old_fast_reader_declined(
    document: object,
) -> None:
    assert same_graph(json.dumps(document).encode(), "application/ld+json")


def test_an_unknown_remote_context_is_a_clear_error_never_a_fetch() -> None:
    doc = json.dumps({"@context": "https://unknown.example/c.jsonld", "@graph": []}).encode()
    page = parse_dcat(doc, "application/ld+json", "https://x.test/", "c")
    assert [e.kind for e in page.errors] == ["remote-context"]


def test_read_triples_counts_match_rdflib() -> None:
    content = page_jsonld(1, 100, "http://bench.test/catalog").encode()
    fast = read_triples(content, "application/ld+json", "http://bench.test/catalog")
    slow = read_triples(content, "application/ld+json", "http://bench.test/catalog", fast=False)
    assert len(fast) == len(slow)


def test_prefetch_predicts_only_plainly_numbered_chains() -> None:
    page = HarvestPage(url="u", next_url="http://h/c?page=3", total=250)
    page.datasets = [None] * 100  # type: ignore[list-item]
    assert predicted_urls("http://h/c?page=2", page, 4) == ["http://h/c?page=3"]
    page.next_url = "http://h/c?cursor=abc"
    assert predicted_urls("http://h/c?page=2", page, 4) == []


def test_pages_read_ahead_are_harvested_once_over_loopback(site: Site, http: HttpSettings) -> None:
    base = site.url("/bench/catalog.jsonld")

    def reply(full: str) -> Reply:
        number = int(full.rsplit("=", 1)[1])
        return Reply(page_jsonld(number, 250, base).encode(), "application/ld+json")

    site.add("/bench/catalog.jsonld*", reply)
    entry = CatalogueEntry(id="b", name="b", kind="dcat", url=base + "?page=1")
    catalogue = harvest_catalogue(entry, http, 10, ahead=2)
    keys = [d.key for d in catalogue.datasets]
    assert catalogue.pages == 3 and len(keys) == len(set(keys)) == 250
    assert not catalogue.errors


@pytest.mark.parametrize(("value", "lang"), [("titre", None), ("titre", "fr"), ("", "en-gb")])
def test_fast_built_literals_are_the_literals_rdflib_builds(value: str, lang: str | None) -> None:
    from observatory.harvest.rdf_engine import _plain

    fast, reference = _plain(value, lang), Literal(value, lang=lang)
    assert fast == reference and hash(fast) == hash(reference)
    assert (fast.language, fast.datatype, fast.value, fast.ill_typed) == (
        reference.language,
        reference.datatype,
        reference.value,
        reference.ill_typed,
    )


@pytest.mark.parametrize(
    "url",
    ["https://schema.org/", "http://schema.org", "https://schema.org/docs/jsonldcontext.jsonld"],
)
def test_schema_org_documents_read_with_the_published_context(url: str) -> None:
    document = {
        "@context": url,
        "@type": "Dataset",
        "@id": "https://x.test/d",
        "name": "Nom",
        "temporalCoverage": "2020/2021",
        "distribution": {"@type": "DataDownload", "contentUrl": "https://x.test/f.csv"},
    }
    content = json.dumps(document).encode()
    assert same_graph(content, "application/ld+json")
    triples = {
        (str(p), str(o)) for _, p, o in read_triples(content, None, "https://x.test/").triples()
    }
    assert ("http://schema.org/name", "Nom") in triples
    assert ("http://schema.org/contentUrl", "https://x.test/f.csv") in triples
