"""`observatory harvest SOURCE`: kinds detected, local files and URLs of every kind read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from observatory.harvest.source import (
    UnknownKind,
    dataset_json_line,
    detect_kind,
    harvest_source,
)
from observatory.net.fetch import HttpSettings
from tests.harvest.conftest import CORPUS, DATA, Reply, Site
from tests.harvest.test_ckan import package, serve_ckan

UDATA_ONE = CORPUS / "udata-api" / "dataset_metadata.json"
CSW_PAGE = DATA / "csw" / "page-1.xml"
EXPORTS = CORPUS / "udata-catalog-csv"


def head(path: Path) -> bytes:
    return path.read_bytes()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("https://ckan.example.fr/api/3/action/package_search?q=air", "ckan"),
        ("https://geo.example.fr/geonetwork/srv/fre/csw", "csw"),
        ("https://geo.example.fr/x?SERVICE=CSW&REQUEST=GetCapabilities", "csw"),
        ("https://www.data.gouv.fr/api/1/site/catalog.jsonld?page=2", "dcat"),
        ("https://www.data.gouv.fr/api/1/datasets/?badge=spd", "udata"),
        ("https://www.data.gouv.fr/api/1/datasets/5b7ffc618b4c4169d30727e0/", "udata"),
        ("https://example.fr/catalog.ttl", "dcat"),
    ],
)
def test_kind_from_the_address(source: str, expected: str) -> None:
    assert detect_kind(source, None, None) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (CORPUS / "dcat" / "udata-catalog.xml", "dcat"),
        (CORPUS / "dcat" / "ckan-mqa-dcatap-ch_catalog.ttl", "dcat"),
        (CORPUS / "dcat" / "udata-flat.jsonld", "dcat"),
        (CORPUS / "dcat" / "ckanext-dcat-catalog_with_at_graph.jsonld", "dcat"),
        (UDATA_ONE, "udata"),
        (CSW_PAGE, "csw"),
        (DATA / "csw" / "capabilities.xml", "csw"),
        (DATA / "csw" / "exception.xml", "csw"),
        (EXPORTS / "datasets_catalog.csv", "catalog-csv"),
        (EXPORTS / "resources_catalog.csv", "catalog-csv"),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_kind_from_the_bytes(path: Path, expected: str) -> None:
    assert detect_kind("upload", head(path), None) == expected  # no name to help


def test_a_saved_udata_page_larger_than_64_kb_is_udata_not_dcat() -> None:
    item = json.loads(UDATA_ONE.read_bytes())
    page = {"data": [item] * 40, "page": 1, "page_size": 40, "total": 80, "next_page": None}
    content = json.dumps(page).encode()
    assert len(content) > 65536
    assert detect_kind("upload", content, "application/json") == "udata"


def test_json_ld_whose_context_comes_after_64_kb_is_dcat() -> None:
    graph = [{"@id": f"https://x.test/d/{n}", "@type": "dcat:Dataset"} for n in range(3000)]
    document = {"@graph": graph, "@context": {"dcat": "http://www.w3.org/ns/dcat#"}}
    content = json.dumps(document).encode()
    assert content.index(b"@context") > 65536
    assert detect_kind("upload", content, None) == "dcat"


@pytest.mark.parametrize("name", ["geonetwork-iso19139-page-1.xml", "geoext-geonetwork-dc.xml"])
def test_real_geonetwork_iso_and_dublin_core_pages_are_csw(name: str) -> None:
    assert detect_kind("upload", (DATA / "csw" / name).read_bytes(), None) == "csw"


def test_every_kind_has_one_reader() -> None:
    from observatory.harvest import readers

    registry = readers.registry()
    assert list(registry) == list(readers.kinds())
    assert all(reader.kind == kind for kind, reader in registry.items())


def test_kind_of_json_pages() -> None:
    ckan = json.dumps({"success": True, "result": {"count": 1, "results": [package(1)]}})
    assert detect_kind("x", ckan.encode(), "application/json") == "ckan"
    udata = json.dumps({"data": [], "next_page": None, "page": 1, "total": 0})
    assert detect_kind("x", udata.encode(), "application/json") == "udata"


def test_html_or_unknown_is_refused() -> None:
    with pytest.raises(UnknownKind, match="give --kind"):
        detect_kind("page", (DATA / "not-rdf.html").read_bytes(), "text/html")
    with pytest.raises(UnknownKind):
        detect_kind("blob.bin", b"\x00\x01binary", None)


def test_local_dcat_file(tmp_path: Path) -> None:
    catalogue = harvest_source(str(CORPUS / "dcat" / "udata-catalog.xml"), None, HttpSettings(), 5)
    assert catalogue.kind == "dcat" and catalogue.id == "udata-catalog"
    assert len(catalogue.datasets) == 4 and not catalogue.failed


def test_local_udata_single_and_list_files(tmp_path: Path) -> None:
    one = harvest_source(str(UDATA_ONE), None, HttpSettings(), 5)
    assert one.kind == "udata" and [d.source_id for d in one.datasets] == [
        "5d13a8b6634f41070a43dff3"
    ]
    assert one.datasets[0].quality is not None
    listing = tmp_path / "page.json"
    listing.write_text(
        json.dumps({"data": [json.loads(UDATA_ONE.read_text())], "next_page": None, "total": 1})
    )
    assert len(harvest_source(str(listing), None, HttpSettings(), 5).datasets) == 1


def test_local_ckan_and_csw_files(tmp_path: Path) -> None:
    saved = tmp_path / "search.json"
    saved.write_text(json.dumps({"result": {"count": 2, "results": [package(1), package(2)]}}))
    ckan = harvest_source(str(saved), None, HttpSettings(), 5)
    assert ckan.kind == "ckan" and len(ckan.datasets) == 2
    csw = harvest_source(str(CSW_PAGE), None, HttpSettings(), 5)
    assert csw.kind == "csw" and len(csw.datasets) == 2


def test_local_catalog_csv_folder_file_and_sibling(tmp_path: Path) -> None:
    folder = harvest_source(str(EXPORTS), None, HttpSettings(), 5)
    assert folder.kind == "catalog-csv" and len(folder.datasets) == 4
    assert sum(len(d.distributions) for d in folder.datasets) == 6
    shutil.copy(EXPORTS / "datasets_catalog.csv", tmp_path / "datasets.csv")
    alone = harvest_source(str(tmp_path / "datasets.csv"), None, HttpSettings(), 5)
    assert len(alone.datasets) == 4 and not any(d.distributions for d in alone.datasets)
    shutil.copy(EXPORTS / "resources_catalog.csv", tmp_path / "resources.csv")
    paired = harvest_source(str(tmp_path / "datasets.csv"), "catalog-csv", HttpSettings(), 5)
    assert sum(len(d.distributions) for d in paired.datasets) == 6


def test_missing_file_and_unknown_content_fail(tmp_path: Path) -> None:
    missing = harvest_source(str(tmp_path / "nope.ttl"), None, HttpSettings(), 5)
    assert missing.failed and "no such file" in missing.errors[0].message
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01")
    unknown = harvest_source(str(junk), None, HttpSettings(), 5)
    assert unknown.failed and unknown.errors[0].kind == "unknown-kind"


def test_remote_sources_of_every_kind(site: Site, http: HttpSettings) -> None:
    site.add("/cat.rdf", Reply((CORPUS / "dcat" / "udata-catalog.xml").read_bytes(), None))
    assert len(harvest_source(site.url("/cat.rdf"), None, http, 5).datasets) == 4
    site.add(
        "/geo/csw",
        Reply(
            CSW_PAGE.read_bytes().replace(b'nextRecord="3"', b'nextRecord="0"'), "application/xml"
        ),
    )
    assert harvest_source(site.url("/geo/csw"), None, http, 5).kind == "csw"
    portal = serve_ckan(site, total=4, max_rows=100)
    site.add("/ckan/", Reply(b"<!doctype html><html>CKAN</html>", "text/html"))
    site.add("/ckan/api/3/action/status_show", Reply(b'{"success": true}', "application/json"))
    ckan = harvest_source(portal + "/", None, http, 5)  # a home page: the APIs are asked
    assert ckan.kind == "ckan" and len(ckan.datasets) == 4
    one = json.loads(UDATA_ONE.read_text())
    site.add("/api/1/datasets/abc/", Reply(json.dumps(one).encode(), "application/json"))
    udata = harvest_source(site.url("/api/1/datasets/abc/"), None, http, 5)
    assert udata.kind == "udata" and [d.title for d in udata.datasets] == [one["title"]]
    exports = site.add(
        "/exports/datasets.csv", Reply(head(EXPORTS / "datasets_catalog.csv"), "text/csv")
    )
    site.add("/exports/resources.csv", Reply(head(EXPORTS / "resources_catalog.csv"), "text/csv"))
    csv_cat = harvest_source(exports, None, http, 5)
    assert (
        csv_cat.kind == "catalog-csv" and sum(len(d.distributions) for d in csv_cat.datasets) == 6
    )


def test_unreachable_url_is_a_failed_catalogue(site: Site, http: HttpSettings) -> None:
    catalogue = harvest_source(site.url("/nothing-here.ttl"), None, http, 5)
    assert catalogue.failed and catalogue.errors[0].kind == "http-404"
    html = site.add("/home", Reply(b"<!doctype html><html>hi</html>", "text/html"))
    unknown = harvest_source(html, None, http, 5)
    assert unknown.failed and unknown.errors[0].kind == "unknown-kind"


def test_json_line_holds_the_distributions() -> None:
    catalogue = harvest_source(str(UDATA_ONE), None, HttpSettings(), 5)
    line = dataset_json_line(catalogue.datasets[0])
    assert "\n" not in line
    record = json.loads(line)
    assert record["key"] == "udata:5d13a8b6634f41070a43dff3".replace("udata", catalogue.id)
    assert len(record["distributions"]) == len(catalogue.datasets[0].distributions)
    assert record["distributions"][0]["url"].startswith("https://")


@pytest.mark.parametrize(
    "path",
    [
        CORPUS / "dcat" / "ckan-mqa-dcatap-de_catalog.rdf",
        CORPUS / "dcat" / "udata-bnodes.jsonld",
        UDATA_ONE,
        DATA / "csw" / "geoplateforme-iso19139-IGNF_RPG.xml",
    ],
    ids=lambda p: p.name,
)
def test_json_lines_hold_what_to_jsonable_gives(path: Path) -> None:
    from observatory.model import to_jsonable

    catalogue = harvest_source(str(path), None, HttpSettings(), 5)
    assert catalogue.datasets
    for dataset in catalogue.datasets:
        assert json.loads(dataset_json_line(dataset)) == to_jsonable(dataset)
