"""Small readers over an rdflib Graph: pick a literal, a language, a date, a format.

Catalogues from strangers put IRIs where literals belong and the reverse, repeat values,
and write invalid typed literals. These helpers take what can be read, deterministically
(sorted), and report date problems to the caller instead of raising.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from observatory.harvest.dates import parse_date, parse_datetime
from observatory.harvest.rdf_index import TripleSource

PREFERRED_LANGS = ("fr", "", "en")

# Short names for MIME types that do not map well through ``mimetypes``.
MIME_FORMATS = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/json": "json",
    "application/geo+json": "geojson",
    "application/vnd.geo+json": "geojson",
    "application/ld+json": "jsonld",
    "application/zip": "zip",
    "application/x-zip-compressed": "zip",
    "application/pdf": "pdf",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/gml+xml": "gml",
    "application/vnd.google-earth.kml+xml": "kml",
    "application/vnd.google-earth.kmz": "kmz",
    "application/geopackage+sqlite3": "gpkg",
    "application/x-parquet": "parquet",
    "application/vnd.apache.parquet": "parquet",
    "application/rdf+xml": "rdf",
    "text/turtle": "ttl",
    "text/html": "html",
    "text/plain": "txt",
    "application/gzip": "gz",
}
IANA_PREFIXES = (
    "http://www.iana.org/assignments/media-types/",
    "https://www.iana.org/assignments/media-types/",
    "http://www.w3.org/ns/iana/media-types/",
    "https://www.w3.org/ns/iana/media-types/",
)
FILE_TYPE_PREFIX = "publications.europa.eu/resource/authority/file-type/"


def objects(graph: TripleSource, subject: Node, predicates: Sequence[URIRef]) -> list[Node]:
    """Every object of ``subject`` over ``predicates``, sorted for a stable choice."""
    if len(predicates) == 1:  # the common case, without building a set
        (predicate,) = predicates
        single = list(graph.objects(subject, predicate))
        if len(single) < 2:
            return single
    found: set[Node] = set()
    for predicate in predicates:
        found.update(graph.objects(subject, predicate))
    if len(found) < 2:
        return list(found)
    return sorted(found, key=_order)


def _order(node: Node) -> tuple[bool, str]:
    return isinstance(node, BNode), str(node)


def text(graph: TripleSource, subject: Node, *predicates: URIRef) -> str | None:
    """One literal value, preferring French, then no language, then any; IRIs as strings."""
    values = objects(graph, subject, predicates)
    literals = [v for v in values if isinstance(v, Literal) and str(v).strip()]
    for lang in PREFERRED_LANGS:
        for value in literals:
            if (value.language or "").split("-")[0].lower() == lang:
                return str(value).strip()
    if literals:
        return str(literals[0]).strip()
    iris = [v for v in values if isinstance(v, URIRef)]
    return str(iris[0]) if iris else None


def texts(graph: TripleSource, subject: Node, *predicates: URIRef) -> list[str]:
    """Every value as a string: literals, IRIs, and labels of blank nodes."""
    out: list[str] = []
    for value in objects(graph, subject, predicates):
        label = node_label(graph, value)
        if label and label not in out:
            out.append(label)
    return out


def node_label(graph: TripleSource, node: Node) -> str | None:
    """A literal's text, an IRI, or for a blank node its label/value."""
    if isinstance(node, BNode):
        return text(graph, node, SKOS.prefLabel, RDFS.label, RDF.value)
    value = str(node).strip()
    return value or None


def iri(graph: TripleSource, subject: Node, *predicates: URIRef) -> str | None:
    """The first IRI (or literal holding one) over ``predicates``."""
    for value in objects(graph, subject, predicates):
        if isinstance(value, URIRef | Literal) and str(value).strip():
            return str(value).strip()
    return None


def when(
    graph: TripleSource, subject: Node, predicate: URIRef, notes: list[str], *, day: bool = False
) -> Any:
    """A datetime (or a date when ``day``) from the first readable value; problems go to notes."""
    for value in objects(graph, subject, [predicate]):
        raw = str(value) if isinstance(value, Literal) else None
        if raw is None:
            continue
        parsed, problem = parse_date(raw) if day else parse_datetime(raw)
        if problem:
            notes.append(f"{predicate.n3()} of {subject_label(subject)}: {problem}")
        if parsed is not None:
            return parsed
    return None


def subject_label(node: Node) -> str:
    return f"<{node}>" if isinstance(node, URIRef) else "a blank node"


def integer(graph: TripleSource, subject: Node, predicate: URIRef) -> int | None:
    for value in objects(graph, subject, [predicate]):
        try:
            return int(float(str(value).strip()))
        except ValueError:
            continue
    return None


def media_type_of(value: str) -> str | None:
    """A MIME type from an IANA IRI or a literal that looks like one."""
    raw = value.strip()
    for prefix in IANA_PREFIXES:
        if raw.startswith(prefix):
            raw = raw[len(prefix) :].split("#")[0]
            break
    raw = raw.lower()
    if "/" in raw and " " not in raw and ":" not in raw:
        return raw
    return None


def short_format(value: str) -> str | None:
    """A short lower-case format ("csv") from an EU file-type IRI, a MIME type or a literal."""
    raw = value.strip()
    if not raw:
        return None
    if FILE_TYPE_PREFIX in raw:
        return raw.rsplit("/", 1)[-1].lower() or None
    mime = media_type_of(raw)
    if mime:
        if mime in MIME_FORMATS:
            return MIME_FORMATS[mime]
        guessed = mimetypes.guess_extension(mime)
        return guessed.lstrip(".") if guessed else mime.rsplit("/", 1)[-1].split("+")[0]
    if raw.startswith(("http://", "https://")):
        return raw.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower() or None
    return raw.lower().lstrip(".")


def stable_hash(*parts: str | None) -> str:
    """A short stable digest naming a blank node across runs."""
    raw = "\x1f".join(p or "" for p in parts)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def node_id(node: Node, *hints: str | None) -> str:
    """The IRI of a node, or a stable hash of ``hints`` for a blank node."""
    if isinstance(node, URIRef):
        return str(node)
    return "bnode-" + stable_hash(*hints)


def to_date(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value
