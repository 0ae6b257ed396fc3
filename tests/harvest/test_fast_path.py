"""The fast JSON-LD reader gives exactly the records rdflib's path gives, or declines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.harvest.server import page_jsonld, page_ttl
from observatory.harvest.dcat import parse_dcat, read_triples
from observatory.harvest.fast_jsonld import index_jsonld
from observatory.harvest.paging import walk_pages
from observatory.harvest.prefetch import PagePrefetcher, predicted_urls
from observatory.harvest.rdf_parse import load_json
from observatory.model import HarvestPage, to_jsonable
from observatory.net.fetch import HttpSettings
from tests.corpus import CORPUS as SHARED
from tests.harvest.conftest import Reply, Site

CORPUS = SHARED / "dcat"
DATA = Path(__file__).parent / "data"
JSONLD_FILES = sorted(CORPUS.glob("*.jsonld")) + sorted(DATA.glob("*.jsonld"))


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


@pytest.mark.parametrize("path", JSONLD_FILES, ids=lambda p: p.name)
def test_fast_path_matches_rdflib_on_every_file_it_accepts(path: Path) -> None:
    content = path.read_bytes()
    fast = parse_dcat(content, "application/ld+json", "https://x.test/", "c", fast=True)
    slow = parse_dcat(content, "application/ld+json", "https://x.test/", "c", fast=False)
    assert records(fast) == records(slow)


def test_fast_path_accepts_the_udata_and_ckan_shapes_of_the_corpus() -> None:
    accepted = {p.name for p in JSONLD_FILES if _accepts(p.read_bytes())}
    assert {"udata-flat.jsonld", "udata-nested.jsonld", "udata-bnodes.jsonld"} <= accepted
    assert "ckanext-dcat-catalog_with_at_graph.jsonld" in accepted


def _accepts(content: bytes) -> bool:
    try:
        return index_jsonld(load_json(content)) is not None
    except Exception:
        return False


@pytest.mark.parametrize("page", [1, 2, 3])
def test_bench_pages_give_identical_records_in_jsonld_fast_jsonld_rdflib_and_turtle(
    page: int,
) -> None:
    url = "http://bench.test/catalog"
    jsonld = page_jsonld(page, 250, url).encode()
    assert _accepts(jsonld)
    fast = parse_dcat(jsonld, "application/ld+json", url, "b")
    slow = parse_dcat(jsonld, "application/ld+json", url, "b", fast=False)
    turtle = parse_dcat(page_ttl(page, 250, url).encode(), "text/turtle", url, "b")
    assert records(fast) == records(slow) == records(turtle)
    assert len(fast.datasets) == (50 if page == 3 else 100)


UNSURE = [
    {"@context": "https://unknown.example/context.jsonld", "@graph": []},
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


@pytest.mark.parametrize("document", UNSURE)
def test_fast_path_declines_what_it_is_not_sure_of(document: object) -> None:
    assert index_jsonld(document) is None


def test_a_remote_context_still_fails_with_rdflibs_clear_error() -> None:
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


def test_prefetcher_harvests_every_page_once_over_loopback(site: Site, http: HttpSettings) -> None:
    base = site.url("/bench/catalog.jsonld")

    def reply(full: str) -> Reply:
        number = int(full.rsplit("=", 1)[1])
        return Reply(page_jsonld(number, 250, base).encode(), "application/ld+json")

    site.add("/bench/catalog.jsonld*", reply)
    with PagePrefetcher("b", http, workers=1, ahead=2) as prefetcher:
        pages = list(walk_pages(base + "?page=1", prefetcher, 10, "b"))
    keys = [d.key for p in pages for d in p.datasets]
    assert len(pages) == 3 and len(keys) == len(set(keys)) == 250
    assert all(not p.errors for p in pages)
