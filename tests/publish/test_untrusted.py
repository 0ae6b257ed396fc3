"""Hostile catalogue metadata, harvested for real, is inert on every page, in the feed,
the badges, the notices and the CSV exports."""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET

from .htmlcheck import load, pages
from .observed import Observed

BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


def test_hostile_dataset_was_harvested_and_shown_as_text(observed: Observed) -> None:
    index = load(observed.root / "index.html")
    assert "<script>alert(1)</script>" in index.text
    catalogue = [p for p in pages(observed.root / "catalogues") if "hostile" in p.name]
    assert catalogue, "the hostile catalogue has a page"
    text = load(catalogue[0]).text
    assert "<script>alert(1)</script>" in text and "=HYPERLINK" in text


def test_no_live_markup_on_any_page(observed: Observed) -> None:
    all_pages = pages(observed.root)
    assert len(all_pages) > 60
    for path in all_pages:
        html = path.read_text(encoding="utf-8")
        page = load(path)
        tags = {t for t, _ in page.tags}
        if path == observed.root / "recherche.html":  # our own search script, nothing else
            scripts = [a for t, a in page.tags if t == "script"]
            assert scripts == [{"type": "module", "src": "assets/recherche.js"}]
            tags.discard("script")
        assert not tags & {"script", "img", "iframe", "object", "embed"}, path
        assert (
            "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
        )
        for tag, attrs in page.tags:
            for name, value in attrs.items():
                assert not name.startswith("on"), f"{path}: <{tag} {name}>"
                if name in ("href", "src", "action", "formaction"):
                    assert not (value or "").strip().lower().startswith(BAD_SCHEMES), (path, value)


def _inert_xml(path) -> None:  # type: ignore[no-untyped-def]
    root = ET.parse(path).getroot()  # well-formed XML, so no markup slipped in raw
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        assert local not in ("script", "img", "foreignObject"), path
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), path
            assert not value.strip().lower().startswith(BAD_SCHEMES), path


def test_feed_and_badges_are_inert_xml(observed: Observed) -> None:
    _inert_xml(observed.root / "incidents.atom")
    badges = sorted((observed.root / "badges").glob("*.svg"))
    assert len(badges) >= 18  # quality badge of every dataset, availability of each SPDR
    for badge in badges:
        _inert_xml(badge)


def test_notices_escape_markdown_and_html(observed: Observed) -> None:
    notices = list((observed.root / "notices").glob("*.md"))
    assert notices
    hostile = [n.read_text("utf-8") for n in notices if "onerror" in n.read_text("utf-8")]
    assert hostile, "the hostile producer got its notice"
    for text in hostile:
        assert "\\<img" in text
        assert not re.search(r"(?<!\\)[<>]", text), "every < and > is escaped"


def test_csv_exports_neutralise_formulas(observed: Observed) -> None:
    with (observed.root / "data" / "datasets.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    titles = {r["title"] for r in rows}
    assert '\'=HYPERLINK("http://evil.example/","cliquez")' in titles
    organisations = {r["organisation"] for r in rows}
    assert "'-2+3 Organisation" in organisations
    for row in rows:
        for value in row.values():
            assert (
                not value.startswith(("=", "+", "@"))
                and not value.startswith("-")
                or _number(value)
            ), value
    org_csvs = list((observed.root / "data" / "organisations").glob("*.csv"))
    for path in org_csvs:
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for value in row.values():
                    assert not value.startswith(("=", "+", "@")), (path, value)


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
