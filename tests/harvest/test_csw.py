"""GeoNetwork CSW returning DCAT: records read like DCAT, paging by nextRecord, safe stops."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from observatory.harvest.csw import getrecords_url, parse_csw_page
from observatory.harvest.paging import harvest_catalogue
from observatory.net.fetch import HttpSettings
from observatory.registry import CatalogueEntry
from tests.harvest.conftest import DATA, Reply, Site

CSW_DATA = DATA / "csw"
PAGE_1 = (CSW_DATA / "page-1.xml").read_bytes()
PAGE_2 = (CSW_DATA / "page-2.xml").read_bytes()


def _xml(body: bytes) -> Reply:
    return Reply(body, "application/xml")


def serve_csw(site: Site, path: str, pages: dict[int, bytes]) -> str:
    """A GeoNetwork-like endpoint answering GetRecords by startPosition; checks DCAT is asked."""

    def answer(full: str) -> Reply:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(full).query).items()}
        assert query["outputSchema"] == "http://www.w3.org/ns/dcat#"
        assert query["request"] == "GetRecords"
        return _xml(pages[int(query.get("startPosition", "1"))])

    site.add(path, answer)
    return site.url(path)


def entry(url: str) -> CatalogueEntry:
    return CatalogueEntry(id="geo", name="GeoNetwork", kind="csw", url=url)


def test_two_pages_give_every_record_once(site: Site, http: HttpSettings) -> None:
    url = serve_csw(site, "/geonetwork/srv/fre/csw", {1: PAGE_1, 3: PAGE_2})
    catalogue = harvest_catalogue(entry(url), http, max_pages=10)
    assert [e for e in catalogue.errors if e.kind != "invalid-value"] == []
    ids = sorted(d.extras["identifier"] for d in catalogue.datasets)
    assert ids == ["fr-120066022-jdd-1a2b", "fr-120066022-jdd-3c4d", "fr-120066022-jdd-5e6f"]
    assert catalogue.pages == 2


def test_records_are_normalised_by_the_dcat_reader() -> None:
    page = parse_csw_page(PAGE_1, getrecords_url("https://geo.example/csw"), "geo")
    znieff = next(d for d in page.datasets if d.extras["identifier"].endswith("1a2b"))
    assert (
        znieff.uri == "https://geo.example.gouv.fr/geonetwork/srv/api/records/fr-120066022-jdd-1a2b"
    )
    assert znieff.title.startswith("Zones naturelles")
    assert znieff.frequency == "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
    assert znieff.publisher == "DREAL Occitanie"
    assert znieff.keywords == ["ZNIEFF", "biodiversité"]
    assert znieff.spatial and znieff.spatial.startswith("POLYGON")
    assert znieff.temporal_start and znieff.temporal_start.year == 2010
    assert znieff.contact_point and "biodiv.dreal-occitanie" in znieff.contact_point
    assert znieff.access_rights == "Pas de restriction d'accès public"
    assert znieff.metadata_modified and znieff.metadata_modified.year == 2025
    assert len(znieff.distributions) == 2
    zip_ = next(d for d in znieff.distributions if d.media_type == "application/zip")
    assert zip_.byte_size == 10485760 and zip_.format == "zip"
    assert page.total == 3 and page.next_url and "startPosition=3" in page.next_url


def _results(matched: int, returned: int, next_record: int) -> bytes:
    return PAGE_2.replace(
        b'numberOfRecordsMatched="3" numberOfRecordsReturned="1" elementSet="full" nextRecord="0"',
        f'numberOfRecordsMatched="{matched}" numberOfRecordsReturned="{returned}" '
        f'elementSet="full" nextRecord="{next_record}"'.encode(),
    )


def test_paging_stops_beyond_matched_or_backwards() -> None:
    url = getrecords_url("https://geo.example/csw", start=5)
    assert parse_csw_page(_results(5, 1, 6), url, "geo").next_url is None  # beyond matched
    backwards = parse_csw_page(_results(50, 1, 2), url, "geo")
    assert backwards.next_url is None
    assert backwards.errors[-1].kind == "page-loop"
    assert "does not move past startPosition 5" in backwards.errors[-1].message
    assert len(backwards.datasets) == 1  # what was read stays
    onwards = parse_csw_page(_results(50, 1, 6), url, "geo").next_url
    assert onwards and "startPosition=6" in onwards


def test_server_going_backwards_does_not_loop(site: Site, http: HttpSettings) -> None:
    url = serve_csw(site, "/back/csw", {1: PAGE_1, 3: _results(10, 1, 1)})
    catalogue = harvest_catalogue(entry(url), http, max_pages=50)
    assert len(catalogue.datasets) == 3
    assert any(e.kind == "page-loop" for e in catalogue.errors)


def test_exception_report_and_non_csw_answers(site: Site, http: HttpSettings) -> None:
    report = (CSW_DATA / "exception.xml").read_bytes()
    catalogue = harvest_catalogue(entry(site.add("/exc/csw", _xml(report))), http, 5)
    assert catalogue.failed and catalogue.errors[0].kind == "csw-exception"
    assert "not supported" in catalogue.errors[0].message
    html = Reply(b"<html><body>Maintenance</body></html>", "text/html")
    assert harvest_catalogue(entry(site.add("/html/csw", html)), http, 5).errors[0].kind in (
        "not-csw",
        "parse",
    )
    bad = harvest_catalogue(entry(site.add("/bad/csw", _xml(b"<csw:GetRecordsResponse"))), http, 5)
    assert bad.errors[0].kind == "parse"


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><r>&b;</r>'
    page = parse_csw_page(bomb, "https://geo.example/csw", "geo")
    assert page.errors[0].kind == "parse" and "entity" in page.errors[0].message


def test_getrecords_url_keeps_given_parameters() -> None:
    url = getrecords_url("https://geo.example/csw?service=CSW&constraintLanguage=CQL_TEXT", 11, 20)
    query = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["constraintLanguage"] == "CQL_TEXT" and query["service"] == "CSW"
    assert (query["startPosition"], query["maxRecords"]) == ("11", "20")
    assert query["outputSchema"] == "http://www.w3.org/ns/dcat#"


def test_csw_records_get_their_shacl_verdict_when_asked(site: Site, http: HttpSettings) -> None:
    url = serve_csw(site, "/geonetwork/srv/fre/csw-shacl", {1: PAGE_1, 3: PAGE_2})
    plain = harvest_catalogue(entry(url), http, max_pages=10)
    assert all("shacl" not in d.extras for d in plain.datasets)
    checked = harvest_catalogue(entry(url), http, max_pages=10, shacl=100)
    verdicts = [d.extras["shacl"] for d in checked.datasets]
    assert len(verdicts) == 3
    assert all(isinstance(v["conforms"], bool) and "violations" in v for v in verdicts)
