"""CSW answers in ISO 19139 and Dublin Core from real GeoNetwork catalogues are read, or
refused loudly: a page holding records that yields no dataset is an error, never a
complete empty harvest."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from observatory.harvest.csw import parse_csw_page
from observatory.harvest.incremental import harvest_complete
from observatory.harvest.paging import absorb
from observatory.model import Catalogue

DATA = Path(__file__).parent / "data" / "csw"
GMD = "http://www.isotc211.org/2005/gmd"
GCO = "http://www.isotc211.org/2005/gco"
ISO_PAGES = [
    "geonetwork-iso19139-page-1.xml",
    "geonetwork-iso19139-page-3.xml",
    "geonetwork-iso19139-page-5.xml",
    "geoide-iso19139-single-dataset.xml",
    "geoplateforme-iso19139-IGNF_RPG.xml",
]
URL = "https://geo.test/csw?service=CSW&request=GetRecords&startPosition=1"


def iso_titles(content: bytes) -> list[str]:
    """The resource titles of every gmd:MD_Metadata record, read straight from the XML."""
    root = etree.fromstring(content)
    path = "gmd:identificationInfo/*/gmd:citation/*/gmd:title/gco:CharacterString"
    ns = {"gmd": GMD, "gco": GCO}
    return sorted(
        " ".join((record.findtext(path, namespaces=ns) or "").split())
        for record in root.iter(f"{{{GMD}}}MD_Metadata")
    )


@pytest.mark.parametrize("name", ISO_PAGES)
def test_iso_19139_pages_give_one_dataset_per_record(name: str) -> None:
    content = (DATA / name).read_bytes()
    page = parse_csw_page(content, URL, "geo")
    assert not page.errors
    titles = iso_titles(content)
    assert titles and sorted(" ".join(d.title.split()) for d in page.datasets) == titles


def test_iso_19139_records_keep_their_distributions_and_licence() -> None:
    page = parse_csw_page((DATA / "geoplateforme-iso19139-IGNF_RPG.xml").read_bytes(), URL, "g")
    (dataset,) = page.datasets
    assert dataset.title == "RPG"
    assert dataset.distributions and dataset.license
    assert page.total == 1


def test_dublin_core_page_gives_its_record() -> None:
    page = parse_csw_page((DATA / "geoext-geonetwork-dc.xml").read_bytes(), URL, "geo")
    assert not page.errors
    (dataset,) = page.datasets
    assert dataset.title == "Wetlands Study regions"
    assert dataset.description and dataset.description.startswith("This layer is a test")
    assert [d.url for d in dataset.distributions] == [
        "http://demo.geonode.org/data/geonode:QLD_DEEDI_Coastal_wetlands_Study_regions"
    ]
    assert page.total == 155 and page.next_url and "startPosition=2" in page.next_url


def test_records_in_an_unknown_schema_make_the_harvest_incomplete() -> None:
    content = (DATA / "geonetwork-iso19139-page-1.xml").read_bytes()
    root = etree.fromstring(content)
    for record in list(root.iter(f"{{{GMD}}}MD_Metadata")):
        record.tag = "{http://example.test/other-schema}Metadata"
    content = etree.tostring(root)
    page = parse_csw_page(content, URL, "geo")
    assert page.datasets == []
    kinds = [e.kind for e in page.errors]
    assert "no-dataset" in kinds and "unsupported" in kinds
    catalogue = Catalogue(id="geo", name="geo", kind="csw", url=URL)
    absorb(catalogue, [page])
    assert not harvest_complete(catalogue)  # so nothing is marked deleted
