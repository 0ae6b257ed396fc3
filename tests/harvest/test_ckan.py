"""CKAN portals: package_search walked to its count over loopback, packages normalised."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from observatory.harvest.ckan import dataset_from_ckan, first_ckan_url, parse_ckan_search
from observatory.harvest.paging import harvest_catalogue
from observatory.net.fetch import HttpSettings
from observatory.registry import CatalogueEntry
from tests.harvest.conftest import Reply, Site


def package(n: int) -> dict[str, Any]:
    """A package as CKAN 2.10 returns it (ckanext-dcat extras, one group, two resources)."""
    return {
        "id": f"0a1b2c3d-000{n}",
        "name": f"qualite-air-{n}",
        "title": f"Qualité de l'air {n}",
        "notes": "Mesures horaires des stations de la métropole.",
        "license_id": "etalab-2.0",
        "license_title": "Licence Ouverte 2.0",
        "metadata_created": "2021-03-01T08:00:00.000000",
        "metadata_modified": "2025-02-03T12:30:15.123456",
        "maintainer": "Service données",
        "maintainer_email": "donnees@metropole.example.fr",
        "state": "active",
        "private": False,
        "type": "dataset",
        "num_resources": 2,
        "organization": {"id": "org-42", "name": "metropole", "title": "Métropole Exemple"},
        "tags": [{"name": "air", "display_name": "air"}, {"name": "pollution"}],
        "groups": [{"name": "environnement", "title": "Environnement"}],
        "extras": [
            {"key": "frequency", "value": "http://purl.org/cld/freq/daily"},
            {"key": "spatial", "value": '{"type": "Point", "coordinates": [4.83, 45.76]}'},
            {"key": "temporal_start", "value": "2020-01-01"},
            {"key": "temporal_end", "value": "2024-12-31"},
            {"key": "issued", "value": "2021-03-01"},
            {"key": "modified", "value": "2025-02-01T00:00:00Z"},
        ],
        "resources": [
            {
                "id": f"res-{n}-csv",
                "name": "Mesures CSV",
                "description": "Une ligne par mesure",
                "url": f"https://data.metropole.example.fr/air-{n}.csv",
                "format": "CSV",
                "mimetype": "text/csv",
                "size": 123456,
                "created": "2021-03-01T08:00:00",
                "last_modified": "2025-02-01T06:00:00",
                "position": 0,
            },
            {
                "id": f"res-{n}-api",
                "name": "API",
                "url": "https://data.metropole.example.fr/api/air",
                "format": "",
                "mimetype": None,
                "size": None,
                "last_modified": None,
            },
        ],
    }


def serve_ckan(site: Site, total: int, max_rows: int) -> str:
    """A CKAN search endpoint over ``total`` packages that caps ``rows`` like real servers."""

    def answer(full: str) -> Reply:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(full).query).items()}
        start, rows = int(query.get("start", 0)), min(int(query.get("rows", 10)), max_rows)
        results = [package(n) for n in range(start, min(start + rows, total))]
        body = {"success": True, "result": {"count": total, "results": results}}
        return Reply(json.dumps(body).encode(), "application/json")

    site.add("/ckan/api/3/action/package_search", answer)
    return site.url("/ckan")


def test_package_is_normalised() -> None:
    notes: list[str] = []
    ds = dataset_from_ckan(package(1), "ck", "https://data.example.fr/api/3/action/x", notes)
    assert ds.key == "ck:0a1b2c3d-0001" and ds.slug == "qualite-air-1"
    assert ds.title == "Qualité de l'air 1"
    assert ds.description.startswith("Mesures horaires")
    assert ds.license == "etalab-2.0"
    assert (ds.organization_key, ds.organization_name) == ("ck:org-42", "Métropole Exemple")
    assert ds.keywords == ["air", "pollution"] and ds.themes == ["Environnement"]
    assert ds.frequency == "http://purl.org/cld/freq/daily"
    assert ds.spatial == '{"coordinates": [4.83, 45.76], "type": "Point"}'
    assert (ds.temporal_start, ds.temporal_end) == (date(2020, 1, 1), date(2024, 12, 31))
    assert ds.modified == datetime(2025, 2, 1, tzinfo=UTC)
    assert ds.metadata_modified == datetime(2025, 2, 3, 12, 30, 15, 123456, tzinfo=UTC)
    assert ds.landing_page == "https://data.example.fr/dataset/qualite-air-1"
    assert ds.contact_point == "Service données <donnees@metropole.example.fr>"
    assert ds.extras["spatial"] == {"type": "Point", "coordinates": [4.83, 45.76]}
    csv, api = ds.distributions
    assert (csv.format, csv.media_type, csv.byte_size) == ("csv", "text/csv", 123456)
    assert csv.description == "Une ligne par mesure" and csv.title == "Mesures CSV"
    assert csv.modified == datetime(2025, 2, 1, 6, tzinfo=UTC)
    assert (api.format, api.byte_size, api.modified) == (None, None, None)
    assert notes == []


def test_search_pages_walked_to_count_with_server_capped_rows(site: Site, http: HttpSettings):
    portal = serve_ckan(site, total=7, max_rows=3)  # asks 100 rows, gets 3 per page
    entry = CatalogueEntry(id="ck", name="CKAN", kind="ckan", url=portal)
    before = len(site.hits)
    catalogue = harvest_catalogue(entry, http, max_pages=10)
    assert not catalogue.errors
    assert sorted(d.source_id for d in catalogue.datasets) == [f"0a1b2c3d-000{n}" for n in range(7)]
    assert catalogue.pages == 3 and len(site.hits) - before == 3
    assert [o.key for o in catalogue.organisations] == ["ck:org-42"]


def test_page_cap_keeps_what_was_read(site: Site, http: HttpSettings) -> None:
    portal = serve_ckan(site, total=7, max_rows=3)
    entry = CatalogueEntry(id="ck", name="CKAN", kind="ckan", url=portal)
    catalogue = harvest_catalogue(entry, http, max_pages=2)
    assert len(catalogue.datasets) == 6
    assert [e.kind for e in catalogue.errors] == ["page-cap"]


def test_not_ckan_answer_and_http_error_are_recorded(site: Site, http: HttpSettings) -> None:
    site.add("/broken/api/3/action/package_search", Reply(b'{"help": "x"}', "application/json"))
    entry = CatalogueEntry(id="ck", name="CKAN", kind="ckan", url=site.url("/broken"))
    catalogue = harvest_catalogue(entry, http, max_pages=5)
    assert catalogue.failed and "not a CKAN package_search answer" in catalogue.errors[0].message
    gone = CatalogueEntry(id="ck", name="CKAN", kind="ckan", url=site.url("/gone"))
    assert harvest_catalogue(gone, http, max_pages=5).errors[0].kind == "http-404"


def test_odd_packages_do_not_lose_the_page() -> None:
    payload = {"result": {"count": 10, "results": [package(1), "junk", {"id": "x", "tags": None}]}}
    page = parse_ckan_search(payload, first_ckan_url("https://d.example.fr"), "ck")
    assert [d.source_id for d in page.datasets] == ["0a1b2c3d-0001", "x"]
    assert any("package 1 is not an object" in e.message for e in page.errors)
    assert page.next_url and "start=3" in page.next_url  # 3 returned: next starts at 3
