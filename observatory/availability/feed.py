"""Atom feed (RFC 4287) of incidents opened and closed, plus the badge/feed writer.

Each incident gives one entry when it opens and one more when it closes. Entry ids are tag:
URIs (RFC 4151) built from the URL's digest and the incident's start, so the same incident
keeps the same ids from one publication to the next and feed readers never repeat it.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from observatory.availability.badges import score_badge, uptime_badge, xml_safe
from observatory.availability.incidents import Incident

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
DEFAULT_AUTHORITY = "observatoire.data.gouv.fr,2025"
FEED_FILE = "incidents.atom"
_SLUG = re.compile(r"[^a-z0-9._-]+")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _compact(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def french_duration(span: timedelta) -> str:
    """3h20m -> "3 h 20 min"; under a minute -> "moins d'une minute"."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} j"] if days else []
    parts += [f"{hours} h"] if hours else []
    parts += [f"{mins} min"] if mins else []
    return " ".join(parts) or "moins d'une minute"


def incident_id(incident: Incident, event: str, authority: str = DEFAULT_AUTHORITY) -> str:
    """A stable tag: URI for the opening or closing of one incident."""
    digest = hashlib.sha256(incident.url.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"tag:{authority}:incident/{digest}/{_compact(incident.start)}/{event}"


def _what(incident: Incident) -> str:
    return "répond mal" if incident.outcome == "degraded" else "ne répond plus"


Event = tuple[str, datetime, str, str, str]  # id, updated, title, summary, url


def _entries(incident: Incident, name: str, authority: str) -> list[Event]:
    """(id, updated, title, summary, url) for each event of one incident."""
    cause = incident.cause
    opened = (
        incident_id(incident, "ouvert", authority),
        incident.start,
        f"Incident ouvert : {name} {_what(incident)} ({cause})",
        f"Depuis le {_stamp(incident.start)}, {incident.url} {_what(incident)} : {cause}.",
        incident.url,
    )
    if incident.end is None:
        return [opened]
    span = french_duration(incident.end - incident.start)
    closed = (
        incident_id(incident, "clos", authority),
        incident.end,
        f"Incident clos : {name} répond de nouveau (après {span})",
        f"{incident.url} répond de nouveau depuis le {_stamp(incident.end)} ; "
        f"incident ouvert le {_stamp(incident.start)} ({cause}), durée {span}.",
        incident.url,
    )
    return [opened, closed]


def incidents_feed(
    incidents: Sequence[Incident],
    *,
    now: datetime,
    feed_url: str,
    site_url: str,
    names: Mapping[str, str] | None = None,
    title: str = "Observatoire des données publiques : incidents de disponibilité",
    authority: str = DEFAULT_AUTHORITY,
    limit: int = 200,
) -> str:
    """The Atom document, newest event first (at most ``limit`` entries).

    ``names`` maps a URL to the name shown in titles (the URL itself otherwise).
    """
    names = names or {}
    events = [e for i in incidents for e in _entries(i, names.get(i.url, i.url), authority)]
    return atom_document(
        events,
        feed_id=f"tag:{authority}:incidents",
        title=title,
        now=now,
        feed_url=feed_url,
        site_url=site_url,
        limit=limit,
    )


def atom_document(
    events: Sequence[Event],
    *,
    feed_id: str,
    title: str,
    now: datetime,
    feed_url: str,
    site_url: str,
    limit: int = 200,
) -> str:
    """An Atom document of (id, updated, title, summary, url) events, newest first."""
    events = sorted(events, key=lambda e: (e[1], e[0]), reverse=True)[:limit]
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {f"{{{XML_NS}}}lang": "fr"})
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    _text(feed, "updated", _stamp(events[0][1] if events else now))
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", {"rel": "self", "href": xml_safe(feed_url)})
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", {"rel": "alternate", "href": xml_safe(site_url)})
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    _text(author, "name", "Observatoire du service public de la donnée")
    for entry_id, updated, entry_title, summary, url in events:
        entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        _text(entry, "id", entry_id)
        _text(entry, "title", entry_title)
        _text(entry, "updated", _stamp(updated))
        _text(entry, "summary", summary)
        ET.SubElement(entry, f"{{{ATOM_NS}}}link", {"href": xml_safe(url)})
    body = ET.tostring(feed, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


STRUCTURE_FEED_FILE = "changements-structure.atom"


def structure_feed(
    changes: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    names: Mapping[str, str],
    now: datetime,
    feed_url: str,
    site_url: str,
    authority: str = DEFAULT_AUTHORITY,
) -> str:
    """Atom feed of the structural changes of SPDR files (``Store.structure_changes``):
    one entry per file and date first seen; ``names`` maps an SPDR key to its name."""
    events: list[Event] = []
    for spdr, items in changes.items():
        for change in items:
            url, seen = str(change["url"]), change["first_seen"]
            digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            what = " ; ".join(c["text"] for c in change["changes"]) or "structure modifiée"
            events.append(
                (
                    f"tag:{authority}:structure/{digest}/{_compact(seen)}",
                    seen,
                    f"Changement de structure : {names.get(spdr, spdr)}",
                    f"{url} : {what} (vu pour la première fois le {_stamp(seen)}).",
                    url,
                )
            )
    return atom_document(
        events,
        feed_id=f"tag:{authority}:changements-structure",
        title="Observatoire des données publiques : changements de structure des données "
        "de référence",
        now=now,
        feed_url=feed_url,
        site_url=site_url,
    )


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}")
    element.text = xml_safe(text)
    return element


def safe_slug(key: str) -> str:
    """A file-name-safe slug of a dataset or API key (hostile keys cannot escape out_dir)."""
    slug = _SLUG.sub("-", key.lower()).strip(".-") or "x"
    return slug[:80] + "-" + hashlib.sha256(key.encode()).hexdigest()[:8] if slug != key else slug


def write_badges_and_feed(
    out_dir: Path,
    uptimes: Mapping[str, float | None],
    scores: Mapping[str, float | None],
    incidents: Sequence[Incident],
    *,
    now: datetime,
    feed_url: str,
    site_url: str,
    names: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Write ``badges/<slug>-disponibilite.svg``, ``badges/<slug>-qualite.svg`` and
    ``incidents.atom`` under ``out_dir``; return every written path by a short name.

    ``uptimes``: key (dataset or API) -> 30-day uptime share 0..1 or None;
    ``scores``: dataset key -> overall score 0..100 or None; ``names``: URL -> shown name.
    """
    badges = out_dir / "badges"
    badges.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for key, share in uptimes.items():
        path = badges / f"{safe_slug(key)}-disponibilite.svg"
        path.write_text(uptime_badge(share), encoding="utf-8")
        written[f"uptime:{key}"] = path
    for key, score in scores.items():
        path = badges / f"{safe_slug(key)}-qualite.svg"
        path.write_text(score_badge(score), encoding="utf-8")
        written[f"score:{key}"] = path
    feed = out_dir / FEED_FILE
    text = incidents_feed(incidents, now=now, feed_url=feed_url, site_url=site_url, names=names)
    feed.write_text(text, encoding="utf-8")
    written["feed"] = feed
    return written
