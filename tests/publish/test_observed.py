"""The published site of two real runs: editions, audiences' pages, JSON mirrors, open data."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, RDF, XSD

from observatory.publish import paths

from .htmlcheck import load
from .observed import Observed

DQV = Namespace("http://www.w3.org/ns/dqv#")


def test_one_dated_edition_updated_by_a_second_run_the_same_day(observed: Observed) -> None:
    editions = observed.root / "editions"
    days = [p.name for p in editions.iterdir() if p.is_dir()]
    assert len(days) == 1  # both runs happened today: the day's edition was replaced
    record = json.loads((editions / days[0] / "edition.json").read_text("utf-8"))
    assert record["run_id"] == observed.results[1]["run_id"]
    assert len(record["datasets"]) == 9
    page = load(editions / days[0] / "index.html").text
    assert "État au" in page and "Synthèse" in page and "Tendances" in page
    assert "Obligations légales" in page or "obligations légales" in page
    assert (editions / days[0] / "methodologie.html").is_file()
    listing = load(editions / "index.html").text
    assert "État au" in listing


def test_organisation_pages_give_why_how_and_since_when(observed: Observed) -> None:
    found = False
    for path in (observed.root / "organisations").glob("*.html"):
        text = load(path).text
        if "Liste des corrections" in text:
            found = True
            assert "Pourquoi c'est important" in text and "Depuis quand" in text
            assert "depuis le" in text and "(exécution n° 1)" in text
    assert found


def test_every_page_has_its_json_mirror(observed: Observed) -> None:
    api = observed.root / "api"
    index = json.loads((api / "index.json").read_text("utf-8"))
    assert len(index["spdr"]) == 9
    for kind in ("datasets", "organisations", "catalogues"):
        pages = {p.stem for p in (observed.root / kind).glob("*.html")}
        mirrors = {p.stem for p in (api / kind).glob("*.json")}
        assert pages == mirrors, kind
    availability = json.loads((api / "availability.json").read_text("utf-8"))
    apis = [t for t in availability["targets"] if t["kind"] == "api"]
    assert apis and all(t["availability"]["windows"]["30d"] for t in apis)
    for name in ("editions.json", "thematiques.json", "reconnaissance.json"):
        assert (api / name).is_file()


def _listing(root: Path, first: str) -> list[dict]:
    """Every item of a paginated listing's JSON mirror, following its ``next_json``."""
    items, path = [], first
    while path:
        page = json.loads((root / path).read_text("utf-8"))
        items += page.get("datasets", page.get("fixes", []))
        path = page["next_json"]
    return items


def test_catalogue_and_organisation_mirrors_summarise_and_link_their_listings(
    observed: Observed,
) -> None:
    """Like their pages, the mirrors of a catalogue and of an organisation hold a summary
    and at most 20 datasets or fixes; every one is on their paginated listings."""
    root = observed.root
    exported = json.loads((root / "data" / "datasets.json").read_text("utf-8"))
    mirrors = [json.loads(p.read_text("utf-8")) for p in (root / "api" / "catalogues").glob("*")]
    catalogues = [m for m in mirrors if "catalogue" in m]  # not their listings' pages
    assert len(catalogues) >= 2
    for mirror in catalogues:
        keys = [d["key"] for d in _listing(root, mirror["datasets_listing"])]
        expected = {d["key"] for d in exported if d["catalogue"] == mirror["catalogue"]["id"]}
        assert len(keys) == len(set(keys)) == mirror["datasets_count"] and set(keys) == expected
        assert len(mirror["worst"]) <= 20 and {d["key"] for d in mirror["worst"]} <= expected
        assert len(mirror["to_fix"]) == min(20, mirror["to_fix_count"])
        assert sum(g["datasets"] for g in mirror["groups"].values()) >= len(keys)
    fixes_seen = 0
    for path in (root / "api" / "organisations").glob("*.json"):
        mirror = json.loads(path.read_text("utf-8"))
        if "datasets_listing" not in mirror:
            continue  # the organisations listing itself
        datasets = _listing(root, mirror["datasets_listing"])
        assert len(datasets) == mirror["datasets_count"] and len(mirror["worst"]) <= 20
        fixes = _listing(root, mirror["fixes_listing"])
        assert len(fixes) == mirror["fixes_count"] and mirror["fixes"] == fixes[:20]
        fixes_seen += len(fixes)
    assert fixes_seen > 0


def test_availability_page_lists_windows_months_and_api_status(observed: Observed) -> None:
    text = load(observed.root / "disponibilite.html").text
    for words in ("24 h", "7 jours", "30 jours", "90 jours", "État des API", "face au seuil"):
        assert words in text, words
    assert "API Adresse" in text and "incidents.atom" in (
        observed.root / "disponibilite.html"
    ).read_text("utf-8")


def test_catalogue_self_diagnosis_and_theme_browsing(observed: Observed) -> None:
    pages = [
        p
        for p in (observed.root / "catalogues").glob("*.html")
        if "aura" in p.name and "-jeux" not in p.name
    ]
    text = load(pages[0]).text
    for words in ("Obsolescence", "Interopérabilité", "Découvrabilité", "À compléter"):
        assert words in text, words
    themes = load(observed.root / "thematiques.html")
    assert "Eau" in themes.text and paths.theme_page("eau") in themes.links()
    water = load(observed.root / paths.theme_page("eau")).text
    assert "Ce qui le freine" in water and "Toutes les thématiques" in water


def test_dataset_pages_show_reference_views(observed: Observed) -> None:
    page = next(p for p in (observed.root / "datasets").glob("sandbox-5530fbacc751*.html"))
    text = load(page).text
    assert "data.europa.eu (MQA)" in text and "Score de qualité data.gouv.fr" in text


def test_data_package_validates_with_frictionless(observed: Observed) -> None:
    frictionless = Path(sys.executable).parent / "frictionless"
    done = subprocess.run(
        [str(frictionless), "validate", "datapackage.json"],
        cwd=observed.root / "data",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_dqv_has_one_measurement_per_dataset_and_metric(observed: Observed) -> None:
    g = Graph().parse(observed.root / "data" / "quality.ttl", format="turtle")
    measurements = set(g.subjects(RDF.type, DQV.QualityMeasurement))
    snapshot = json.loads((observed.root / "data" / "criteria.json").read_text("utf-8"))
    datasets = json.loads((observed.root / "data" / "datasets.json").read_text("utf-8"))
    expected = sum(1 for c in snapshot if c["score"] is not None)
    expected += sum(
        1
        for d in datasets
        for k in ("overall", "completeness", "freshness", "conformity", "availability")
        if d[k] is not None
    )
    grid = json.loads((observed.root / "data" / "compliance.json").read_text("utf-8"))
    scores = {m for m in measurements if g.value(m, DCTERMS.temporal) is None}
    compliance = measurements - scores
    assert len(scores) == expected > 0
    assert len(compliance) == len(grid) == 12 * len({(r["spdr"], r["obligation"]) for r in grid})
    metrics = set(g.subjects(RDF.type, DQV.Metric))
    for m in measurements:
        assert g.value(m, DQV.isMeasurementOf) in metrics
        assert g.value(g.value(m, DQV.isMeasurementOf), DQV.inDimension) is not None
        assert g.value(m, DQV.computedOn) is not None
    for m in scores:
        assert g.value(m, DQV.value).datatype == XSD.decimal
    for m in compliance:  # one verdict per SPDR dataset, obligation and calendar month
        assert g.value(m, DCTERMS.temporal).datatype == XSD.gYearMonth
        assert str(g.value(m, DQV.value)) in ("met", "not_met", "insufficient", "in_progress")
    assert Graph().parse(observed.root / "data" / "quality.jsonld", format="json-ld")


def test_spdr_pages_and_edition_carry_the_legal_view(observed: Observed) -> None:
    index = json.loads((observed.root / "api" / "index.json").read_text("utf-8"))
    sirene = next(i for i in index["spdr"] if i["spdr"] == "sirene")
    page = load(observed.root / sirene["dataset"]["page"]).text
    for words in (
        "Obligations légales mois par mois",
        "Changements de structure",
        "Les 8 métadonnées obligatoires",
        "couverture géographique",
        "dct:accrualPeriodicity",
        "dcat:keyword",
        "tags",
    ):
        assert words in page, words
    day = next(p for p in (observed.root / "editions").iterdir() if p.is_dir())
    edition = load(day / "index.html").text
    assert "Grille de conformité sur douze mois" in edition
    assert "Changements de structure des fichiers de référence" in edition
    record = json.loads((day / "edition.json").read_text("utf-8"))
    assert len({(r["spdr"], r["obligation"]) for r in record["compliance_grid"]}) >= 9 * 4
    feed = ET.parse(observed.root / "changements-structure.atom").getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
