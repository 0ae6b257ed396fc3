"""Untrusted RDF bytes to a ``TripleIndex`` through pyoxigraph, for every serialisation.

pyoxigraph (Oxigraph's parsers, run against the W3C test suites) reads RDF/XML, Turtle,
N-Triples, N-Quads, TriG and JSON-LD. Its terms are mapped once to rdflib terms, the way
rdflib itself would build them (a plain literal has no datatype, a language-tagged one no
``rdf:langString``), so normalisation reads the index without knowing the engine. rdflib
stays the reference: ``rdf_parse.parse_graph`` reads the same bytes for the differential
tests and for ``parse_dcat(..., fast=False)``.

JSON-LD contexts: a ``@context`` given as a URL is replaced by the bundled copy of the
published document (``rdf_parse.localise_contexts``) or refused with ``remote @context
<url> not fetched``; pyoxigraph itself has no document loader, so nothing is ever fetched.
Documents nested too deeply are refused with an error, never a ``RecursionError``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from observatory.harvest.rdf_index import TripleIndex
from observatory.harvest.rdf_parse import RdfError, detect_format, load_json, localise_contexts

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
    """pyoxigraph terms to (rdflib term, index key), each distinct term converted once."""

    def __init__(self) -> None:
        self.iris: dict[str, tuple[URIRef, str]] = {}
        self.blanks: dict[str, tuple[BNode, str]] = {}
        self.literals: dict[tuple[str, str | None, str], tuple[Literal, str]] = {}

    def iri(self, value: str) -> tuple[URIRef, str]:
        found = self.iris.get(value)
        if found is None:
            found = self.iris[value] = (URIRef(value), value)
        return found

    def term(self, term: Any) -> tuple[Node, str]:
        kind = type(term)
        if kind is ox.NamedNode:
            return self.iri(term.value)
        if kind is ox.BlankNode:
            value = term.value
            blank = self.blanks.get(value)
            if blank is None:
                blank = self.blanks[value] = (BNode(value), f"\x01{value}")
            return blank
        if kind is ox.Literal:
            return self.literal(term)
        raise RdfError("parse", f"unsupported RDF term {kind.__name__} (RDF-star)")

    def literal(self, term: Any) -> tuple[Literal, str]:
        lang = term.language
        datatype = term.datatype.value
        key = (term.value, lang, datatype)
        found = self.literals.get(key)
        if found is None:
            dt = None if lang or datatype in (XSD_STRING, LANG_STRING) else datatype
            literal = Literal(term.value, lang=lang, datatype=dt)
            found = (literal, f"\x02{term.value}\x00{lang or ''}\x00{dt or ''}")
            self.literals[key] = found
        return found


def _jsonld_input(content: bytes) -> bytes:
    """The JSON-LD bytes with every remote context made local (RdfError if unknown)."""
    if b"http" not in content or b"@context" not in content:
        return content  # no context can be remote
    try:
        document = load_json(content)
    except RecursionError:
        raise RdfError("parse", "malformed JSON-LD: nested too deeply") from None
    try:
        return json.dumps(localise_contexts(document)).encode()
    except RecursionError:
        raise RdfError("parse", "malformed JSON-LD: nested too deeply") from None


def _base(url: str) -> str | None:
    """The base IRI when it is an absolute one (a bare file name is none)."""
    return url if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", url or "") else None


def read_index(content: bytes, content_type: str | None, base_url: str) -> TripleIndex:
    """Parse untrusted RDF bytes into a triple index; raise RdfError on any failure."""
    fmt = detect_format(content, content_type)
    data = _jsonld_input(content) if fmt == "json-ld" else content
    index = TripleIndex()
    add = index.add
    terms = _Terms()
    term = terms.term
    iri = terms.iri
    try:
        for quad in ox.parse(data, FORMATS[fmt], base_iri=_base(base_url)):
            s, s_key = term(quad.subject)
            o, o_key = term(quad.object)
            add(s, iri(quad.predicate.value)[0], o, s_key, o_key)
    except RdfError:
        raise
    except (SyntaxError, ValueError, OSError) as exc:
        text = " ".join(str(exc).split())[:300]
        if _REMOTE in text:  # a context inside @import or a scoped context left remote
            message = f"a remote JSON-LD context is not fetched: {text}"
            raise RdfError("remote-context", message) from None
        label = "JSON-LD" if fmt == "json-ld" else fmt
        raise RdfError("parse", f"malformed {label}: {text}") from None
    return index
