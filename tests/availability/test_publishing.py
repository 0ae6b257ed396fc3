"""Badges are valid SVG that escape hostile text; the incident feed parses as Atom."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from observatory.availability.badges import score_badge, uptime_badge
from observatory.availability.feed import incidents_feed, write_badges_and_feed
from observatory.availability.incidents import Incident, find_incidents

from .history import API_URL, NOW, api_history, at

SVG = "{http://www.w3.org/2000/svg}"
ATOM = "{http://www.w3.org/2005/Atom}"


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_uptime_badge_french_value_and_colour() -> None:
    svg = uptime_badge(0.99876)
    assert _texts(svg) == ["disponibilité 30 j", "99,8\u00a0%"]
    assert 'fill="#4c1"' in svg  # ≥ 99.5 %: bright green
    assert _texts(uptime_badge(0.98999))[1] == "98,9\u00a0%"  # truncated, never rounded up
    assert 'fill="#dfb317"' in uptime_badge(0.98)
    assert 'fill="#e05d44"' in uptime_badge(0.5)
    assert _texts(uptime_badge(None))[1] == "pas de données"


def test_score_badge_and_deterministic_width() -> None:
    svg = score_badge(72.4)
    assert _texts(svg) == ["qualité", "72/100"]
    assert 'fill="#a4a61d"' in svg
    assert score_badge(72.4) == svg  # same text, same bytes
    narrow, wide = ET.fromstring(score_badge(1)), ET.fromstring(score_badge(100))
    assert int(narrow.get("width")) < int(wide.get("width"))


def test_hostile_text_is_escaped_in_badges() -> None:
    from observatory.availability.badges import badge_svg

    hostile = '<script>alert("x")</script> & \x00\x1b]'
    svg = badge_svg(hostile, "</svg><svg onload=alert(1)>", "#4c1")
    assert "<script" not in svg and "<svg onload" not in svg
    root = ET.fromstring(svg)
    assert {e.tag for e in root} == {f"{SVG}title", f"{SVG}rect", f"{SVG}g"}
    assert _texts(svg) == ['<script>alert("x")</script> & ]', "</svg><svg onload=alert(1)>"]
    assert root.findall(f".//{SVG}script") == []


def test_feed_is_atom_with_stable_ids_and_french_titles() -> None:
    incidents = find_incidents(api_history())
    text = incidents_feed(
        incidents,
        now=NOW,
        feed_url="https://obs.example.test/incidents.atom",
        site_url="https://obs.example.test/",
        names={API_URL: "API Sirene"},
    )
    root = ET.fromstring(text.encode())
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id").startswith("tag:")
    entries = root.findall(f"{ATOM}entry")
    # Newest first: 09:00 opened, 07:15 closed, 06:15 opened.
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == [
        "Incident ouvert : API Sirene ne répond plus (HTTP 502)",
        "Incident clos : API Sirene répond de nouveau (après 1 h)",
        "Incident ouvert : API Sirene répond mal "
        "(assertion failed: features[0].properties.label is missing)",
    ]
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == ["2025-03-10T09:00:00Z", "2025-03-10T07:15:00Z", "2025-03-10T06:15:00Z"]
    assert root.findtext(f"{ATOM}updated") == "2025-03-10T09:00:00Z"
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 3 and all(i.startswith("tag:") for i in ids)
    again = incidents_feed(incidents, now=at(4, 1), feed_url="f", site_url="s")
    assert ids == [e.findtext(f"{ATOM}id") for e in ET.fromstring(again).findall(f"{ATOM}entry")]
    for entry in entries:  # RFC 4287: id, title, updated required; a link to the URL
        assert entry.find(f"{ATOM}link").get("href") == API_URL


def test_feed_escapes_hostile_causes_and_urls() -> None:
    bad = Incident(
        url='https://x.test/a?b=<c>&d="e"',
        start=at(3, 1),
        end=None,
        cause="HTTP 404 <b>&amp; \x07",
    )
    root = ET.fromstring(incidents_feed([bad], now=NOW, feed_url="f", site_url="s"))
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == (
        'Incident ouvert : https://x.test/a?b=<c>&d="e" ne répond plus (HTTP 404 <b>&amp; )'
    )
    assert entry.find(f"{ATOM}link").get("href") == 'https://x.test/a?b=<c>&d="e"'


def test_write_badges_and_feed(tmp_path) -> None:
    written = write_badges_and_feed(
        tmp_path,
        uptimes={"sirene": 0.9991, "../../etc/passwd": None},
        scores={"sirene": 72.0},
        incidents=find_incidents(api_history()),
        now=NOW,
        feed_url="https://obs.example.test/incidents.atom",
        site_url="https://obs.example.test/",
    )
    assert written["uptime:sirene"] == tmp_path / "badges" / "sirene-disponibilite.svg"
    assert written["score:sirene"] == tmp_path / "badges" / "sirene-qualite.svg"
    hostile = written["uptime:../../etc/passwd"]
    assert hostile.parent == tmp_path / "badges"
    for path in written.values():
        ET.parse(path)  # every file is well-formed XML
    assert written["feed"] == tmp_path / "incidents.atom"


def test_structure_feed_one_entry_per_change_stable_and_escaped() -> None:
    from observatory.availability.feed import structure_feed

    hostile_url = 'https://files.example.test/a.csv?x=<script>&y="\x01'
    changes = {
        "sirene": [
            {
                "url": hostile_url,
                "first_seen": at(3, 2, 6),
                "changes": [
                    {"kind": "renamed", "text": "colonne « nom » renommée en « <b>x</b> »"}
                ],
            }
        ],
        "ban": [],
    }
    names = {"sirene": "Base Sirene"}
    text = structure_feed(changes, names=names, now=NOW, feed_url="f.atom", site_url="i.html")
    again = structure_feed(changes, names=names, now=NOW, feed_url="f.atom", site_url="i.html")
    assert text == again  # same ids and content from one publication to the next
    root = ET.fromstring(text)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert len(entries) == 1
    assert entries[0].findtext("a:title", namespaces=ns) == "Changement de structure : Base Sirene"
    summary = entries[0].findtext("a:summary", namespaces=ns)
    assert "renommée en « <b>x</b> »" in summary and "2025-03-02T06:00:00Z" in summary
    assert entries[0].findtext("a:updated", namespaces=ns) == "2025-03-02T06:00:00Z"
