"""Paged catalogues: every page read once, loops and endless catalogues stopped, nothing lost."""

from __future__ import annotations

import pytest

from observatory.harvest.dcat import fetch_dcat_page
from observatory.harvest.paging import harvest_catalogue, walk_pages
from observatory.model import Dataset, HarvestPage
from observatory.registry import CatalogueEntry
from tests.harvest.conftest import CORPUS, Reply, Site

ORIGINAL_PAGES = b"http://data.test.org/catalog.jsonld"


def serve_two_pages(site: Site, kind: str) -> str:
    """Serve the corpus two-page catalogue with its page IRIs pointing at the loopback site."""
    local = site.url(f"/{kind}/catalog.jsonld").encode()
    for n in (1, 2):
        body = (CORPUS / "dcat" / f"udata-{kind}-{n}.jsonld").read_bytes()
        site.add(
            f"/{kind}/catalog.jsonld?page={n}",
            Reply(body.replace(ORIGINAL_PAGES, local), "application/ld+json"),
        )
    return site.url(f"/{kind}/catalog.jsonld?page=1")


def dcat_pages(first: str, http, max_pages: int = 10) -> list[HarvestPage]:
    return list(walk_pages(first, lambda url: fetch_dcat_page(url, "cat", http), max_pages, "cat"))


@pytest.mark.parametrize("kind", ["partial-collection", "paged-collection"])
def test_two_page_catalogue_yields_every_dataset_once(site: Site, http, kind: str) -> None:
    first = serve_two_pages(site, kind)
    pages = dcat_pages(first, http)
    assert len(pages) == 2
    assert all(not p.errors for p in pages)
    keys = [d.key for p in pages for d in p.datasets]
    assert sorted(keys) == [f"cat:http://data.test.org/datasets/{i}" for i in (1, 2, 3, 4)]
    assert pages[0].total == 4
    assert pages[1].next_url is None


def test_harvest_catalogue_gathers_the_pages(site: Site, http) -> None:
    first = serve_two_pages(site, "partial-collection")
    entry = CatalogueEntry(id="cat", name="Test", kind="dcat", url=first)
    catalogue = harvest_catalogue(entry, http, max_pages=10)
    assert catalogue.pages == 2
    assert len(catalogue.datasets) == 4
    assert not catalogue.errors and not catalogue.failed
    assert {o.name for o in catalogue.organisations} == {"An Organization"}


def turtle_page(dataset: str, next_url: str | None, literal: bool = False) -> Reply:
    """A one-dataset Turtle page with a hydra:next link (IRI or literal)."""
    link = ""
    if next_url:
        target = f'"{next_url}"' if literal else f"<{next_url}>"
        link = f"<#view> a hydra:PartialCollectionView ; hydra:next {target} ."
    body = f"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<https://example.test/ds/{dataset}> a dcat:Dataset ; dct:title "{dataset}" .
{link}
"""
    return Reply(body.encode(), "text/turtle")


def test_loop_a_b_a_is_stopped(site: Site, http) -> None:
    a, b = site.url("/loop/a.ttl"), site.url("/loop/b.ttl")
    site.add("/loop/a.ttl", turtle_page("a", b))
    site.add("/loop/b.ttl", turtle_page("b", a, literal=True))
    before = len(site.hits)
    pages = dcat_pages(a, http)
    assert len(site.hits) - before == 2
    assert [d.title for p in pages for d in p.datasets] == ["a", "b"]  # what was read stays
    (error,) = pages[-1].errors
    assert error.kind == "page-loop" and a in error.message


def test_page_pointing_to_itself_is_stopped(site: Site, http) -> None:
    url = site.add("/loop/self.ttl", turtle_page("self", site.url("/loop/self.ttl#again")))
    pages = dcat_pages(url, http)
    assert len(pages) == 1 and len(pages[0].datasets) == 1
    assert pages[0].errors[0].kind == "page-loop"
    assert "itself" in pages[0].errors[0].message


def test_page_cap_on_a_never_ending_catalogue(site: Site, http) -> None:
    def endless(full: str) -> Reply:
        n = int(full.rsplit("=", 1)[1])
        return turtle_page(f"p{n}", site.url(f"/endless?page={n + 1}"))

    site.add("/endless*", endless)
    pages = dcat_pages(site.url("/endless?page=1"), http, max_pages=5)
    assert len(pages) == 5
    assert [d.title for p in pages for d in p.datasets] == ["p1", "p2", "p3", "p4", "p5"]
    (error,) = pages[-1].errors
    assert error.kind == "page-cap" and "page=6" in (error.url or "")


def test_page_cap_through_harvest_catalogue_keeps_what_was_read(site: Site, http) -> None:
    site.add("/forever*", lambda full: turtle_page(full[-6:], full + "x"))
    entry = CatalogueEntry(id="cat", name="Sans fin", kind="dcat", url=site.url("/forever?p=x"))
    catalogue = harvest_catalogue(entry, http, max_pages=3)
    assert catalogue.pages == 3 and len(catalogue.datasets) == 3
    assert [e.kind for e in catalogue.errors] == ["page-cap"]
    assert not catalogue.failed


def test_walk_pages_survives_a_crashing_reader() -> None:
    def reader(url: str) -> HarvestPage:
        if url == "p2":
            raise RuntimeError("boom")
        return HarvestPage(
            url=url,
            datasets=[Dataset(key="c:1", catalogue_id="c", source_id="1", title="un")],
            next_url="p2",
        )

    pages = list(walk_pages("p1", reader, 10, "c"))
    assert len(pages[0].datasets) == 1
    assert pages[-1].errors[0].kind == "crash"


def test_zero_page_cap_gives_a_final_empty_page() -> None:
    pages = list(walk_pages("p1", lambda url: HarvestPage(url=url), 0, "c"))
    assert len(pages) == 1 and pages[0].errors[0].kind == "page-cap"
