"""Untrusted RDF bytes to a ``TripleIndex`` through pyoxigraph, for every serialisation.

pyoxigraph (Oxigraph's parsers, run against the W3C test suites) reads RDF/XML, Turtle,
N-Triples, N-Quads, TriG and JSON-LD. Its terms are mapped once to rdflib terms, the way
rdflib itself would build them (a plain literal has no datatype, a language-tagged one no
``rdf:langString``), so normalisation reads the index without knowing the engine. rdflib
stays the reference: ``rdf_parse.parse_graph`` reads the same bytes for the differential
tests and for ``parse_dcat(..., fast=False)``.

JSON-LD contexts: a ``@context`` given as a URL is replaced by the bundled copy of the
published document (``rdf_parse.resolve_context``) or refused with ``remote @context
<url> not fetched``; pyoxigraph itself has no document loader, so nothing is ever fetched.
IRIs are read leniently (``lenient=True``), as rdflib reads them: a catalogue with a
download URL holding a space keeps its page. Documents nested too deeply are refused
with an error, never a ``RecursionError``. The shapes pyoxigraph 0.5 reads against
JSON-LD 1.1 are declined (``Declined``: the caller reads them with rdflib), all found by
the differential tests: a list of lists (an empty inner list is dropped), a ``@vocab`` written as
a compact IRI (``"@vocab": "dcat:"``, left unexpanded), and a key expanding to no IRI
(a term no context defines, without ``@vocab``: the spec drops its value, pyoxigraph
still emits the ``@type`` of a node object under it). In RDF/XML, ``xml:lang=""`` (which
resets the language) is refused by pyoxigraph 0.5: declined too.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from observatory.harvest.rdf_index import TripleIndex
from observatory.harvest.rdf_parse import RdfError, detect_format, load_json, resolve_context

FORMATS = {
    "xml": ox.RdfFormat.RDF_XML,
    "turtle": ox.RdfFormat.TURTLE,
    "n3": ox.RdfFormat.N3,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "json-ld": ox.RdfFormat.JSON_LD,
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_REMOTE = "LoadDocumentCallback"


class _Terms:
    """pyoxigraph terms to (rdflib term, index key), each distinct term converted once
    (``known``: keyed by the pyoxigraph term itself, whose hash is computed in Rust)."""

    def __init__(self) -> None:
        self.known: dict[Any, tuple[Node, str]] = {}

    def convert(self, term: Any) -> tuple[Node, str]:
        kind = type(term)
        if kind is ox.NamedNode:
            value = term.value
            # pyoxigraph has checked the IRI: rdflib's check would only log a warning
            found: tuple[Node, str] = (str.__new__(URIRef, value), value)
        elif kind is ox.BlankNode:
            value = term.value
            found = (BNode(value), f"\x01{value}")
        elif kind is ox.Literal:
            found = _literal(term)
        else:
            raise RdfError("parse", f"unsupported RDF term {kind.__name__} (RDF-star)")
        self.known[term] = found
        return found


def _literal(term: Any) -> tuple[Literal, str]:
    lang = term.language
    dt: str | None = term.datatype.value
    if lang or dt in (XSD_STRING, LANG_STRING):
        dt = None
    literal = _plain(term.value, lang) if dt is None else Literal(term.value, datatype=dt)
    return literal, f"\x02{term.value}\x00{lang or ''}\x00{dt or ''}"


class Declined(Exception):
    """pyoxigraph is known to read this document differently from the JSON-LD spec."""


_HEAD_CONTEXT = re.compile(rb'\A\s*\{\s*"@context"\s*:\s*("(?:[^"\\]|\\.)*")')
_ABSOLUTE = re.compile(r"(https?|urn|ftp|file|tag|mailto|data):", re.IGNORECASE)


class _Walk:
    """One pass over a parsed JSON-LD document: remote contexts made local in place, and
    what ``_unsure`` looks at (contexts, keys, arrays holding arrays)."""

    def __init__(self, document: Any) -> None:
        self.contexts: list[dict[str, Any]] = []
        self.keys: set[str] = set()
        self.nested_arrays = False
        self.localised = False
        self.urls = 0  # context values naming a remote document
        stack = [document]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                self.nested_arrays = self.nested_arrays or any(isinstance(v, list) for v in item)
                stack.extend(item)
            elif isinstance(item, dict):
                for key, value in item.items():
                    if key == "@context":
                        self._context(item, value)
                    elif key != "@value":
                        self.keys.add(key)
                        stack.append(value)
                    else:
                        self.keys.add(key)

    def _context(self, node: dict[str, Any], value: Any) -> None:
        if _has_url(value):
            self.urls += 1 if isinstance(value, str) else 2  # 2: not a plain URL
            value = node["@context"] = resolve_context(value)  # RdfError when unknown
            self.localised = True
        found = value if isinstance(value, list) else [value]
        self.contexts.extend(c for c in found if isinstance(c, dict))


def _has_url(value: Any) -> bool:
    """Whether a context value names a remote document (itself, in a list, or @import)."""
    if isinstance(value, str):
        return True
    if isinstance(value, list):
        return any(_has_url(v) for v in value)
    if not isinstance(value, dict):
        return False
    scoped = any(isinstance(v, dict) and "@context" in v for v in value.values())
    return "@import" in value or scoped


def _unsure(document: Any) -> str | None:  # a parsed document, or its _Walk
    """Why pyoxigraph cannot be trusted with this document, or None.

    Shapes it reads against JSON-LD 1.1: a list of lists, a ``@vocab`` given as a compact
    IRI (left unexpanded), and a key that expands to no IRI (where the spec drops the key and its
    value, pyoxigraph still emits the ``@type`` of a node object under it).
    """
    walk = document if isinstance(document, _Walk) else _Walk(document)
    contexts, keys = walk.contexts, walk.keys
    if walk.nested_arrays:  # JSON-LD 1.1 lists of lists: pyoxigraph drops an empty inner list
        return "an array holds an array (a list of lists)"
    terms: set[str] = set()
    vocab = False
    for context in contexts:
        for name, definition in context.items():
            if name == "@vocab":
                if definition is None:
                    return "@vocab is reset to null"
                if isinstance(definition, str) and definition and not _ABSOLUTE.match(definition):
                    return f"@vocab {definition!r} is not an absolute IRI"
                vocab = True
            elif definition is not None and not (
                isinstance(definition, dict) and definition.get("@id", "") is None
            ):
                terms.add(name)
    if vocab:
        return None
    for key in keys:
        if not key.startswith("@") and ":" not in key and key not in terms:
            return f"the key {key!r} expands to no IRI"
    return None


def _plain(value: str, lang: str | None) -> Literal:
    """A plain or language-tagged rdflib Literal, built as ``Literal(value, lang=lang)``
    builds it (its value is the string itself) without re-validating what pyoxigraph
    already checked: ten times faster, and literals are most of a catalogue's terms."""
    literal = str.__new__(Literal, value)
    literal._language = lang
    literal._datatype = None
    literal._value = value
    literal._ill_typed = None
    return literal


def _jsonld_input(content: bytes) -> bytes:
    """The JSON-LD bytes with every remote context made local (RdfError if unknown).

    Raise Declined for a shape pyoxigraph reads wrongly (the caller uses rdflib)."""
    try:
        document = load_json(content)
    except RecursionError:
        raise RdfError("parse", "malformed JSON-LD: nested too deeply") from None
    head = _HEAD_CONTEXT.match(content)
    walk = _Walk(document)
    reason = _unsure(walk)
    if reason is not None:
        raise Declined(reason)
    if not walk.localised:
        return content
    if head and walk.urls == 1 and isinstance(document, dict):
        # Only the leading "@context": "<url>" was remote (data.gouv.fr's pages): splice
        # the local copy in, rather than writing the whole document again.
        local = json.dumps(document["@context"]).encode()
        return content[: head.start(1)] + local + content[head.end(1) :]
    return json.dumps(document).encode()


def _base(url: str) -> str | None:
    """The base IRI when it is an absolute one (a bare file name is none)."""
    return url if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", url or "") else None


def read_index(content: bytes, content_type: str | None, base_url: str) -> TripleIndex:
    """Parse untrusted RDF bytes into a triple index; raise RdfError on any failure."""
    fmt = detect_format(content, content_type)
    data = _jsonld_input(content) if fmt == "json-ld" else content
    index = TripleIndex()
    terms = _Terms()
    known, convert = terms.known.get, terms.convert
    try:
        quads = ox.parse(data, FORMATS[fmt], base_iri=_base(base_url), lenient=True)
        index.add_many(
            (
                known(quad.subject) or convert(quad.subject),
                known(quad.predicate) or convert(quad.predicate),
                known(quad.object) or convert(quad.object),
            )
            for quad in quads
        )
    except RdfError:
        raise
    except (SyntaxError, ValueError, OSError) as exc:
        text = " ".join(str(exc).split())[:300]
        if _REMOTE in text:  # a context inside @import or a scoped context left remote
            message = f"a remote JSON-LD context is not fetched: {text}"
            raise RdfError("remote-context", message) from None
        if fmt == "xml" and "language tag ''" in text:  # xml:lang="" resets the language
            raise Declined('xml:lang="" (no language), refused by pyoxigraph 0.5') from None
        label = "JSON-LD" if fmt == "json-ld" else fmt
        raise RdfError("parse", f"malformed {label}: {text}") from None
    return index
