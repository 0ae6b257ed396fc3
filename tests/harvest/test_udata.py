"""udata API: real payloads normalised, list pages walked, datasets by id, dataservices."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from observatory.harvest.paging import harvest_catalogue, walk_pages
from observatory.harvest.udata import (
    fetch_udata_dataservices,
    fetch_udata_datasets,
    fetch_udata_page,
    udata_datasets_url,
)
from observatory.harvest.udata_model import dataset_from_udata, distribution_from_udata
from observatory.registry import CatalogueEntry
from tests.harvest.conftest import CORPUS, Reply, Site

REAL = json.loads((CORPUS / "udata-api" / "dataset_metadata.json").read_text())


def payload(n: int, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(REAL)
    data.update(id=f"id{n}", slug=f"jeu-{n}", title=f"Jeu {n}", **changes)
    return data


def as_json(data: Any, status: int = 200) -> Reply:
    return Reply(json.dumps(data).encode(), "application/json", status)


def test_real_dataset_payload_is_normalised() -> None:
    ds = dataset_from_udata(REAL, "dgf")
    assert ds.key == "dgf:5d13a8b6634f41070a43dff3"
    assert (ds.source_id, ds.slug) == (
        "5d13a8b6634f41070a43dff3",
        "catalogue-des-donnees-de-data-gouv-fr",
    )
    assert ds.quality == REAL["quality"]
    assert ds.organization_key == "dgf:646b7187b50b2a93b1ae3d45"
    assert ds.organization_name == "data.gouv.fr"
    assert (ds.license, ds.frequency) == ("lov2", "weekly")
    assert ds.modified == datetime(2025, 4, 7, 8, 15, 30, 581000, tzinfo=UTC)  # last_update
    assert ds.metadata_modified == datetime(2025, 4, 7, 6, 15, 30, 658000, tzinfo=UTC)
    assert ds.issued and ds.issued.tzinfo is not None
    assert (
        ds.metrics["reuses"] == 4
        and ds.metrics["followers"] == 22
        and ds.metrics["views"] == 196022
    )
    assert ds.landing_page == REAL["page"]
    assert len(ds.distributions) == len(REAL["resources"])
    first = ds.distributions[0]
    assert first.key == "dgf:5d13a8b6634f41070a43dff3:f868cca6-8da1-4369-a78d-47463f19a9a3"
    assert (first.format, first.media_type, first.byte_size) == ("csv", "text/csv", 176653507)
    assert first.checksum == "sha1:ac6f302f0f3fe34604fc65c6e24259f6a1874cb7"
    assert first.extras["check:available"] is True
    assert first.extras["analysis:content-length"] == 176617140
    assert first.extras["filetype"] == "file"
    assert first.schema is None  # the platform sends an empty schema object
    assert [d.type for d in ds.distributions].count("documentation") == 1


def test_declared_schema_is_kept() -> None:
    data = copy.deepcopy(REAL)
    data["resources"][0]["schema"] = {
        "name": "etalab/schema-irve-statique",
        "version": "2.3.1",
        "url": None,
    }
    ds = dataset_from_udata(data, "dgf")
    schema = ds.distributions[0].schema
    assert schema is not None and (schema.name, schema.version) == (
        "etalab/schema-irve-statique",
        "2.3.1",
    )


def test_spatial_temporal_tags_badges() -> None:
    data = payload(
        1,
        spatial={"zones": ["fr:pays:FR"], "granularity": "fr:commune", "geom": None},
        temporal_coverage={"start": "2020-01-01", "end": "2024-12-31T00:00:00+02:00"},
        tags=["adresse", "ban"],
        badges=[{"kind": "spd"}, {"kind": "hvd"}],
        contact_points=[{"name": "Équipe BAN", "email": "adresse@data.gouv.fr"}],
    )
    ds = dataset_from_udata(data, "dgf")
    assert ds.spatial == "fr:pays:FR, granularity: fr:commune"
    assert (ds.temporal_start, ds.temporal_end) == (date(2020, 1, 1), date(2024, 12, 31))
    assert ds.keywords == ["adresse", "ban"]
    assert ds.badges == ["spd", "hvd"]
    assert ds.contact_point == "Équipe BAN <adresse@data.gouv.fr>"


def test_missing_and_bad_fields_do_not_crash() -> None:
    notes: list[str] = []
    ds = dataset_from_udata(
        {
            "id": "x",
            "title": None,
            "organization": None,
            "last_update": "hier",
            "created_at": "2019-06-26T19:17:42",  # no time zone: UTC
            "resources": [{"id": None, "url": None, "filesize": "big", "checksum": None}, "junk"],
            "temporal_coverage": None,
            "spatial": {"zones": [], "granularity": None},
            "badges": None,
            "tags": None,
            "metrics": None,
        },
        "dgf",
        notes,
    )
    assert ds.title == "" and ds.modified is None and ds.spatial is None
    assert ds.issued == datetime(2019, 6, 26, 19, 17, 42, tzinfo=UTC)
    assert len(ds.distributions) == 1 and ds.distributions[0].byte_size is None
    assert any("hier" in note for note in notes)
    assert dataset_from_udata({}, "dgf").key == "dgf:unknown"


def test_api_v2_resource_payload() -> None:
    res = json.loads((CORPUS / "udata-api" / "resource_metadata_api2.json").read_text())["resource"]
    dist = distribution_from_udata(res, "dgf:ds")
    assert dist.key == "dgf:ds:aaaaaaaa-1111-bbbb-2222-cccccccccccc"
    assert dist.extras["check:status"] == 200
    assert dist.modified == datetime(2025, 4, 7, 8, 15, 26, 421000, tzinfo=UTC)


@pytest.fixture(scope="module")
def portal(site: Site) -> str:
    """A small udata API on the loopback site: 3 datasets over 2 pages, 2 dataservices."""
    base = site.url("/portal")
    first = udata_datasets_url(base, page_size=2).removeprefix(site.base)
    second = "/portal/api/1/datasets/?page=2&page_size=2"
    site.add(
        first,
        as_json(
            {
                "data": [payload(1), payload(2)],
                "page": 1,
                "page_size": 2,
                "total": 3,
                "next_page": site.url(second),
                "previous_page": None,
            }
        ),
    )
    site.add(
        "/portal/api/1/datasets/?page_size=100",
        as_json({"data": [payload(1), payload(2)], "total": 3, "next_page": site.url(second)}),
    )
    site.add(
        second,
        as_json(
            {"data": [payload(3), "junk"], "page": 2, "page_size": 2, "total": 3, "next_page": None}
        ),
    )
    for n in (1, 2, 3):
        site.add(f"/portal/api/1/datasets/id{n}/", as_json(payload(n)))
        site.add(f"/portal/api/1/datasets/jeu-{n}/", as_json(payload(n)))
    api_a = {
        "id": "api-a",
        "title": "API A",
        "base_api_url": "https://api.example.test/a/",
        "availability": "99.5",
        "datasets": [{"id": "id1"}],
        "organization": REAL["organization"],
    }
    api_b = {
        "id": "api-b",
        "title": "API B",
        "base_api_url": "https://api.example.test/b/",
        "datasets": {"href": "https://x/api/2/datasets/search/?dataservice=api-b", "total": 1},
    }
    site.add(
        "/portal/api/1/dataservices/?page_size=100",
        as_json({"data": [api_a, api_b], "next_page": None, "total": 2}),
    )
    site.add(
        "/portal/api/1/dataservices/?dataset=id1&page_size=100",
        as_json({"data": [api_a, api_b], "next_page": None}),
    )
    site.add(
        "/portal/api/1/dataservices/?dataset=id2&page_size=100",
        as_json({"data": [api_a], "next_page": None}),
    )
    site.add("/portal/api/1/html", Reply(b"<!DOCTYPE html><html></html>", "text/html"))
    return base


def test_list_pages_are_walked(portal: str, http) -> None:
    first = udata_datasets_url(portal, page_size=2)
    pages = list(walk_pages(first, lambda url: fetch_udata_page(url, "dgf", http), 10, "dgf"))
    assert [d.source_id for p in pages for d in p.datasets] == ["id1", "id2", "id3"]
    assert pages[0].total == 3 and pages[-1].next_url is None
    assert [e.kind for p in pages for e in p.errors] == ["parse"]  # the junk item, others kept
    assert pages[0].organisations[0].name == "data.gouv.fr"


def test_list_page_that_is_not_json(portal: str, http) -> None:
    page = fetch_udata_page(portal + "/api/1/html", "dgf", http)
    assert page.datasets == [] and page.errors[0].kind == "parse"


def test_datasets_by_id_or_slug_with_spdr_keys(portal: str, http) -> None:
    page = fetch_udata_datasets(
        portal, ["id1", "jeu-2", "absent"], "dgf", http, spdr_keys={"id1": "ban", "jeu-2": "rna"}
    )
    assert [(d.source_id, d.spdr) for d in page.datasets] == [("id1", "ban"), ("id2", "rna")]
    (error,) = page.errors
    assert error.kind == "http-404" and "absent" in error.message


def test_dataservices_all_and_by_dataset(portal: str, http) -> None:
    services, errors = fetch_udata_dataservices(portal, "dgf", http)
    assert not errors
    a = next(s for s in services if s.source_id == "api-a")
    assert a.endpoint_url == "https://api.example.test/a/"
    assert a.declared_availability == 99.5
    assert a.dataset_keys == ["dgf:id1"] and a.organization_key == "dgf:646b7187b50b2a93b1ae3d45"
    services, errors = fetch_udata_dataservices(portal, "dgf", http, dataset_ids=["id1", "id2"])
    by_id = {s.source_id: s for s in services}
    # api-a lists only id1: the server's answer for id2 is not trusted against that list
    assert by_id["api-a"].dataset_keys == ["dgf:id1"]
    assert by_id["api-b"].dataset_keys == ["dgf:id1"]  # link-only datasets: filter trusted


def test_whole_portal_catalogue(portal: str, http) -> None:
    entry = CatalogueEntry(id="dgf", name="Portail", kind="udata", url=portal)
    catalogue = harvest_catalogue(entry, http, 10)
    assert [d.source_id for d in catalogue.datasets] == ["id1", "id2", "id3"]
    assert catalogue.pages == 2
    assert {s.source_id for s in catalogue.services} == {"api-a", "api-b"}
    assert [o.name for o in catalogue.organisations] == ["data.gouv.fr"]
    assert [e.kind for e in catalogue.errors] == ["parse"]  # the junk item
    assert not catalogue.failed


def test_api_list_url_is_walked_as_given(portal: str, http) -> None:
    url = udata_datasets_url(portal, page_size=2)
    entry = CatalogueEntry(id="dgf", name="Portail", kind="udata", url=url)
    catalogue = harvest_catalogue(entry, http, 1)
    assert len(catalogue.datasets) == 2 and catalogue.services == []
    assert [e.kind for e in catalogue.errors] == ["page-cap"]


def test_filtered_list_urls_by_badge_tag_and_organisation() -> None:
    url = udata_datasets_url("https://www.data.gouv.fr", badge="spd", tag="adresse", page_size=20)
    assert url == "https://www.data.gouv.fr/api/1/datasets/?badge=spd&tag=adresse&page_size=20"
    org = udata_datasets_url("https://www.data.gouv.fr/", organization="534fff75a3a7292c64a77de4")
    assert org.endswith("/api/1/datasets/?organization=534fff75a3a7292c64a77de4&page_size=100")


def test_list_pages_send_an_x_fields_mask(portal: str, site: Site, http) -> None:
    before = len(site.hits)
    fetch_udata_page(udata_datasets_url(portal, page_size=2), "dgf", http)
    mask = site.headers[before]["X-Fields"]
    assert mask.startswith("data{id,slug,title,") and "next_page" in mask
    assert "resources{id,url," in mask and "extras" in mask and "quality" in mask
    fetch_udata_page(udata_datasets_url(portal, page_size=2), "dgf", http, x_fields=None)
    assert "X-Fields" not in site.headers[before + 1]


def test_api_v2_resources_link_is_paged(site: Site, http) -> None:
    v2 = payload(7)
    resources = copy.deepcopy(REAL["resources"])[:3]
    href = site.url("/v2/api/2/datasets/id7/resources/?page=1&page_size=50")
    v2["resources"] = {"rel": "subsection", "href": href, "type": "GET", "total": 3}
    site.add("/v2/api/1/datasets/id7/", as_json(v2))
    second = site.url("/v2/api/2/datasets/id7/resources/?page=2&page_size=100")
    site.add(
        "/v2/api/2/datasets/id7/resources/?page=1&page_size=100",
        as_json({"data": resources[:2], "page": 1, "total": 3, "next_page": second}),
    )
    site.add(
        "/v2/api/2/datasets/id7/resources/?page=2&page_size=100",
        as_json({"data": resources[2:], "page": 2, "total": 3, "next_page": None}),
    )
    page = fetch_udata_datasets(site.url("/v2"), ["id7"], "dgf", http)
    assert not page.errors
    (ds,) = page.datasets
    assert [d.source_id for d in ds.distributions] == [r["id"] for r in resources]
    assert ds.distributions[0].extras["check:available"] is True


def test_api_v2_resources_short_of_total_are_reported(site: Site, http) -> None:
    v2 = payload(8)
    href = site.url("/v2/api/2/datasets/id8/resources/")
    v2["resources"] = {"href": href, "total": 5}
    site.add("/v2/api/1/datasets/id8/", as_json(v2))
    site.add(
        "/v2/api/2/datasets/id8/resources/?page=1&page_size=100",
        as_json({"data": [REAL["resources"][0]], "next_page": site.url("/v2/broken")}),
    )
    page = fetch_udata_datasets(site.url("/v2"), ["id8"], "dgf", http)
    assert len(page.datasets[0].distributions) == 1  # what was read is kept
    assert sorted(e.kind for e in page.errors) == ["http-404", "incomplete"]


def test_texts_repeated_across_payloads_are_held_once() -> None:
    """Formats, licences, MIME types and tags recur over a portal's 250,000 files: two
    datasets read from the real payload hold one copy of each, not one per record (the
    JSON decoder gives every occurrence its own string)."""
    tags = ["transport", "mobilité"]
    first, second = (
        dataset_from_udata(json.loads(json.dumps(payload(n, tags=tags))), "dgf") for n in (1, 2)
    )
    assert first.license == second.license and first.license is second.license
    assert first.keywords and all(a is b for a, b in zip(first.keywords, second.keywords))
    for a, b in zip(first.distributions, second.distributions, strict=True):
        assert (a.format, a.media_type, a.type) == (b.format, b.media_type, b.type)
        assert a.format is b.format and a.media_type is b.media_type and a.type is b.type


def test_a_long_text_is_not_kept_for_sharing() -> None:
    """A hostile source's megabyte-long "format" is not held past the record holding it."""
    import sys

    from observatory.model import shared

    long = "x" * 100_000 + "y"
    count = sys.getrefcount(long)
    assert shared(long) is long
    assert sys.getrefcount(long) == count
    first, second = ("".join(["text/x-", "short"]) for _ in range(2))
    assert first is not second
    assert shared(first) is first and shared(second) is first
