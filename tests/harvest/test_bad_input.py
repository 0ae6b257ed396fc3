"""Bad sources: each one is a SourceError naming the URL and the cause, never an exception."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from observatory.harvest.dcat import fetch_dcat_page
from observatory.harvest.paging import harvest_catalogue
from observatory.registry import CatalogueEntry
from tests.harvest.conftest import CORPUS, DATA, Reply, Site


def only_error(page):
    assert page.datasets == []
    (error,) = page.errors
    assert error.source == "cat"
    assert error.url is not None and error.url in error.message
    return error


@pytest.mark.parametrize(
    ("name", "content_type", "needle"),
    [
        ("malformed.rdf", "application/rdf+xml", "malformed xml"),
        ("malformed.ttl", "text/turtle", "malformed turtle"),
        ("malformed.jsonld", "application/ld+json", "malformed JSON-LD"),
        ("undeclared-prefix.ttl", "text/turtle", "prefix dcat: has not been declared"),
    ],
)
def test_malformed_documents(site: Site, http, name: str, content_type: str, needle: str) -> None:
    url = site.add(f"/bad/{name}", Reply((DATA / name).read_bytes(), content_type))
    error = only_error(fetch_dcat_page(url, "cat", http))
    assert error.kind == "parse"
    assert needle in error.message


def test_html_page_instead_of_rdf(site: Site, http) -> None:
    url = site.add("/bad/blocked", Reply((DATA / "not-rdf.html").read_bytes(), "text/html"))
    error = only_error(fetch_dcat_page(url, "cat", http))
    assert error.kind == "not-rdf"
    assert "HTML" in error.message


def test_html_page_even_when_it_claims_to_be_rdf(site: Site, http) -> None:
    body = (DATA / "not-rdf.html").read_bytes()
    url = site.add("/bad/blocked.rdf", Reply(body, "application/rdf+xml"))
    assert only_error(fetch_dcat_page(url, "cat", http)).kind == "not-rdf"


def test_remote_context_is_never_fetched(site: Site, http) -> None:
    context_url = site.add(
        "/contexts/secret.jsonld", Reply(b'{"@context": {}}', "application/ld+json")
    )
    document = {
        "@context": context_url,
        "@id": "https://example.test/ds/1",
        "@type": "http://www.w3.org/ns/dcat#Dataset",
    }
    url = site.add(
        "/bad/remote-context.jsonld", Reply(json.dumps(document).encode(), "application/ld+json")
    )
    error = only_error(fetch_dcat_page(url, "cat", http))
    assert error.kind == "remote-context"
    assert f"remote @context <{context_url}> not fetched" in error.message
    assert "/contexts/secret.jsonld" not in site.hits


def test_remote_scoped_context_is_never_fetched(site: Site, http) -> None:
    context_url = site.add(
        "/contexts/scoped.jsonld", Reply(b'{"@context": {}}', "application/ld+json")
    )
    document = {
        "@context": {
            "dist": {"@id": "http://www.w3.org/ns/dcat#distribution", "@context": [context_url]}
        },
        "@id": "https://example.test/ds/1",
        "dist": {"@id": "https://example.test/d/1"},
    }
    url = site.add(
        "/bad/scoped.jsonld", Reply(json.dumps(document).encode(), "application/ld+json")
    )
    assert only_error(fetch_dcat_page(url, "cat", http)).kind == "remote-context"
    assert "/contexts/scoped.jsonld" not in site.hits


def test_response_over_the_byte_cap(site: Site, http) -> None:
    body = (CORPUS / "dcat" / "udata-catalog.xml").read_bytes()
    url = site.add("/bad/huge.rdf", Reply(body, "application/rdf+xml"))
    error = only_error(fetch_dcat_page(url, "cat", replace(http, max_bytes=2_000)))
    assert error.kind == "too-large"


def test_redirect_loop(site: Site, http) -> None:
    site.add("/bad/loop-a", Reply(status=302, headers={"Location": "/bad/loop-b"}))
    url = site.add("/bad/loop-b", Reply(status=302, headers={"Location": "/bad/loop-a"}))
    assert only_error(fetch_dcat_page(url, "cat", http)).kind == "redirect-loop"


def test_timeout(site: Site, http) -> None:
    url = site.add("/bad/slow", Reply(b"", "text/turtle", delay=2.0))
    error = only_error(fetch_dcat_page(url, "cat", replace(http, read_timeout=0.5)))
    assert error.kind == "timeout"


def test_http_error_status(site: Site, http) -> None:
    error = only_error(fetch_dcat_page(site.url("/bad/nowhere"), "cat", http))
    assert error.kind == "http-404"


def test_guard_refuses_loopback_without_allow_list(site: Site, http) -> None:
    url = site.add("/ok.ttl", Reply((DATA / "odd-values.ttl").read_bytes(), "text/turtle"))
    error = only_error(fetch_dcat_page(url, "cat", replace(http, allowed=())))
    assert error.kind == "refused"


def test_catalogue_of_a_broken_source_is_failed_not_raised(site: Site, http) -> None:
    url = site.add("/bad/blocked-cat", Reply((DATA / "not-rdf.html").read_bytes(), "text/html"))
    entry = CatalogueEntry(id="cat", name="Cassé", kind="dcat", url=url)
    catalogue = harvest_catalogue(entry, http, max_pages=5)
    assert catalogue.failed
    assert [e.kind for e in catalogue.errors] == ["not-rdf"]


def test_unsupported_kind_is_an_error(http) -> None:
    entry = CatalogueEntry.model_construct(
        id="sp", name="SPARQL", kind="sparql", url="https://example.test/sparql", max_pages=None
    )
    catalogue = harvest_catalogue(entry, http, max_pages=5)
    assert catalogue.failed and catalogue.errors[0].kind == "unsupported"
