"""A fast reader for the plain JSON-LD shapes catalogues publish (udata's catalog.jsonld).

rdflib's JSON-LD parser is general and slow. Most catalogue pages use a small subset:
an ``@graph`` (or a top-level list) of node objects with ``@id``/``@type``, properties
named by terms, compact IRIs or absolute IRIs of a simple context, and values that are
strings, integers, ``{"@id"}`` references, ``{"@value", "@type"|"@language"}`` objects
or nested node objects. ``index_jsonld`` maps exactly that subset to the same triples
(the same rdflib terms) rdflib would produce, straight into a ``TripleIndex``. On
anything else — an unknown or remote context, ``@language`` defaults, containers,
lists, relative IRIs, floats, booleans, a key it does not know — it returns None and the
caller parses the document with rdflib instead: it never guesses.
"""

from __future__ import annotations

import re
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from observatory.harvest.rdf_index import TripleIndex
from observatory.harvest.rdf_parse import known_context

RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")
_LANG = re.compile(r"^[a-z]{1,8}(-[a-z0-9]{1,8})*$")
_TYPED_CACHE_MAX = 50_000


class Unsupported(Exception):
    """The document leaves the subset this reader is sure of."""


class _Context:
    """A simple active context: prefixes, term IRIs, type coercions, a vocabulary."""

    def __init__(self) -> None:
        self.vocab: str | None = None
        self.terms: dict[str, str] = {}
        self.coerce: dict[str, str] = {}  # term -> "@id" or a datatype IRI
        self.prefixes: dict[str, str] = {}

    def load(self, value: Any) -> None:
        for part in value if isinstance(value, list) else [value]:
            if isinstance(part, str):
                local = known_context(part)
                if local is None:
                    raise Unsupported("remote context")
                self.load(local)
            elif isinstance(part, dict):
                self._load_dict(part)
            else:
                raise Unsupported("context value")

    def _load_dict(self, ctx: dict[str, Any]) -> None:
        raw: dict[str, tuple[str, str | None]] = {}
        for key, value in ctx.items():
            if key == "@vocab" and isinstance(value, str):
                self.vocab = value
            elif key.startswith("@") or ":" in key:
                raise Unsupported(f"context key {key}")
            elif isinstance(value, str):
                raw[key] = (value, None)
                if value.endswith(("/", "#")) and _ABSOLUTE.match(value):
                    self.prefixes[key] = value
            elif isinstance(value, dict) and set(value) <= {"@id", "@type"}:
                if not isinstance(value.get("@id"), str):
                    raise Unsupported(f"term {key}")
                raw[key] = (value["@id"], value.get("@type"))
            else:
                raise Unsupported(f"term {key}")
        if self.vocab is not None and not _ABSOLUTE.match(self.vocab):
            raise Unsupported("@vocab")
        for key, (iri, coercion) in raw.items():
            self.terms[key] = self._absolute(iri)
            if coercion is not None:
                if not isinstance(coercion, str) or coercion in ("@vocab", "@json", "@none"):
                    raise Unsupported(f"coercion of {key}")
                self.coerce[key] = coercion if coercion == "@id" else self._absolute(coercion)

    def _absolute(self, value: str) -> str:
        """A context value as an absolute IRI: a compact IRI or an IRI, nothing relative."""
        if value.startswith("@"):
            raise Unsupported(f"keyword alias {value}")
        prefix, sep, local = value.partition(":")
        if sep and not local.startswith("//") and prefix in self.prefixes:
            return self.prefixes[prefix] + local
        if sep and _ABSOLUTE.match(value) and prefix not in self.terms:
            return value
        raise Unsupported(f"IRI {value}")

    def vocab_iri(self, key: str) -> str:
        """A property name or a type: term, compact IRI, absolute IRI or vocabulary term."""
        term = self.terms.get(key)
        if term is not None:
            return term
        prefix, sep, local = key.partition(":")
        if sep:
            if prefix == "_" or prefix in self.terms and prefix not in self.prefixes:
                raise Unsupported(f"name {key}")
            if not local.startswith("//") and prefix in self.prefixes:
                return self.prefixes[prefix] + local
            if _ABSOLUTE.match(key):
                return key
            raise Unsupported(f"name {key}")
        if self.vocab is not None and key and not key.startswith("@"):
            return self.vocab + key
        raise Unsupported(f"name {key}")

    def id_iri(self, value: str) -> str:
        """An ``@id`` or an ``@id``-coerced string: compact or absolute, never relative."""
        prefix, sep, local = value.partition(":")
        if sep and not local.startswith("//") and prefix in self.prefixes:
            return self.prefixes[prefix] + local
        if sep and prefix not in self.terms and _ABSOLUTE.match(value):
            return value
        raise Unsupported(f"IRI {value}")


class _Builder:
    """Walks node objects, adding their triples to the index."""

    def __init__(self, ctx: _Context, typed: dict[tuple[str, str], Literal]) -> None:
        self.ctx = ctx
        self.index = TripleIndex()
        self.typed = typed
        self.blanks: dict[str, BNode] = {}

    def subject(self, node: dict[str, Any]) -> tuple[Node, str]:
        ident = node.get("@id")
        if ident is None:
            blank = BNode()
            return blank, f"\x01{blank}"
        if not isinstance(ident, str):
            raise Unsupported("@id")
        return self.reference(ident)

    def reference(self, ident: str) -> tuple[Node, str]:
        if ident.startswith("_:"):
            label = ident[2:]
            if not label:
                raise Unsupported("empty blank node label")
            blank = self.blanks.get(label)
            if blank is None:
                blank = self.blanks[label] = BNode(label)
            return blank, f"\x01{label}"
        iri = self.ctx.id_iri(ident)
        return str.__new__(URIRef, iri), iri

    def node(self, node: dict[str, Any]) -> tuple[Node, str]:
        s, s_key = self.subject(node)
        add = self.index.add
        for key, value in node.items():
            if key == "@id":
                continue
            if key == "@type":
                for t in value if isinstance(value, list) else [value]:
                    if not isinstance(t, str):
                        raise Unsupported("@type")
                    iri = self.ctx.vocab_iri(t)
                    add(s, RDF_TYPE, str.__new__(URIRef, iri), s_key, iri)
                continue
            if key.startswith("@"):
                raise Unsupported(f"keyword {key}")
            predicate = str.__new__(URIRef, self.ctx.vocab_iri(key))
            coercion = self.ctx.coerce.get(key)
            for item in value if isinstance(value, list) else [value]:
                if item is None:
                    continue
                o, o_key = self.value(item, coercion)
                add(s, predicate, o, s_key, o_key)
        return s, s_key

    def value(self, item: Any, coercion: str | None) -> tuple[Node, str]:
        if isinstance(item, str):
            if coercion == "@id":
                return self.reference(item)
            if coercion is not None:
                return self.literal(item, None, coercion)
            return self.literal(item, None, None)
        if isinstance(item, dict):
            if "@value" in item:
                return self.value_object(item)
            if len(item) == 1 and isinstance(item.get("@id"), str):
                return self.reference(item["@id"])
            return self.node(item)  # a nested node object; odd keywords raise there
        if type(item) is int and coercion is None:
            lit = Literal(item)
            return lit, f"\x02{lit}\x00\x00{lit.datatype}"
        raise Unsupported(f"value {type(item).__name__}")

    def value_object(self, item: dict[str, Any]) -> tuple[Node, str]:
        raw = item["@value"]
        if not isinstance(raw, str) or not set(item) <= {"@value", "@type", "@language"}:
            raise Unsupported("value object")
        lang, dtype = item.get("@language"), item.get("@type")
        if lang is not None and dtype is not None:
            raise Unsupported("value object with a type and a language")
        if lang is not None:
            if not isinstance(lang, str) or not _LANG.match(lang):
                raise Unsupported("language tag")
            return self.literal(raw, lang, None)
        if dtype is not None:
            if not isinstance(dtype, str):
                raise Unsupported("datatype")
            return self.literal(raw, None, self.ctx.vocab_iri(dtype))
        return self.literal(raw, None, None)

    def literal(self, raw: str, lang: str | None, dtype: str | None) -> tuple[Node, str]:
        if dtype is None:
            lit = Literal(raw, lang=lang)
            return lit, f"\x02{raw}\x00{lang or ''}\x00"
        # rdflib normalises well-typed lexical forms ("…Z" -> "…+00:00"): ask it, once.
        cached = self.typed.get((raw, dtype))
        if cached is None:
            if len(self.typed) > _TYPED_CACHE_MAX:
                self.typed.clear()
            cached = self.typed[(raw, dtype)] = Literal(raw, datatype=URIRef(dtype))
        return cached, f"\x02{cached}\x00\x00{dtype}"


_TYPED: dict[tuple[str, str], Literal] = {}


def index_jsonld(document: Any) -> TripleIndex | None:
    """The triples of a simple JSON-LD document, or None when rdflib must read it."""
    try:
        ctx = _Context()
        if isinstance(document, list):
            nodes: Any = document
        elif isinstance(document, dict):
            if "@context" in document:
                ctx.load(document["@context"])
            if set(document) <= {"@context", "@graph"} and "@graph" in document:
                nodes = document["@graph"]
            elif "@graph" in document:
                raise Unsupported("@graph beside properties")
            else:
                nodes = [{k: v for k, v in document.items() if k != "@context"}]
        else:
            raise Unsupported("document")
        if not isinstance(nodes, list):
            nodes = [nodes]
        builder = _Builder(ctx, _TYPED)
        for node in nodes:
            if not isinstance(node, dict) or "@context" in node or "@value" in node:
                raise Unsupported("top-level item")
            builder.node(node)
        return builder.index
    except (Unsupported, ValueError, TypeError, AttributeError):
        return None
