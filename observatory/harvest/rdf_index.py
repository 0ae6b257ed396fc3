"""A read-only triple index built in one pass: the lookups DCAT normalisation makes.

rdflib's ``Graph.objects``/``subjects`` go through its generic store (pattern matching,
context bookkeeping) on every call; normalising one catalogue page makes thousands of
them. ``TripleIndex`` holds the same triples (the same rdflib terms, deduplicated the
way a Graph deduplicates them) in plain dicts keyed by strings, so a lookup is two dict
reads. It is filled from an rdflib Graph (``from_graph``) or directly by a fast parser
(``rdf_engine``, pyoxigraph); the normalisation code reads either without knowing which.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

_NONE: dict[str, Node] = {}
#: A term with its index key (``term_key``).
Keyed = tuple[Node, str]


class TripleSource(Protocol):
    """What normalisation needs from a graph (an rdflib Graph satisfies it too)."""

    def objects(self, subject: Node | None = ..., predicate: Node | None = ...) -> Iterable[Node]:
        """Objects of ``subject`` over ``predicate`` (any subject when None)."""
        ...

    def subjects(self, predicate: Node | None = ..., object: Node | None = ...) -> Iterable[Node]:
        """Subjects having ``predicate`` with ``object``."""
        ...

    def predicate_objects(self, subject: Node) -> Iterable[tuple[Node, Node]]:
        """Every (predicate, object) of ``subject``."""
        ...


def term_key(node: Node) -> str:
    """A plain string equal for two terms exactly when rdflib's term equality holds."""
    if type(node) is URIRef:
        return str(node)
    if isinstance(node, Literal):
        return f"\x02{node}\x00{node.language or ''}\x00{node.datatype or ''}"
    if isinstance(node, BNode):
        return f"\x01{node}"
    return f"\x03{type(node).__name__}\x00{node}"


class TripleIndex:
    """Triples by (subject, predicate) and by (predicate, object), in insertion order."""

    def __init__(self) -> None:
        self._sp: dict[str, dict[str, dict[str, Node]]] = {}
        self._po: dict[str, dict[str, dict[str, Node]]] = {}
        self._terms: dict[str, Node] = {}
        self._preds: dict[str, URIRef] = {}  # each predicate's term, built once
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, s: Node, p: URIRef, o: Node, s_key: str, o_key: str) -> None:
        """Add one triple whose subject and object keys the caller already computed."""
        self.add_many((((s, s_key), (p, str(p)), (o, o_key)),))

    def add_many(self, triples: Iterable[tuple[Keyed, Keyed, Keyed]]) -> None:
        """Add triples given as ((term, key) of the subject, of the predicate, of the
        object): one loop, as parsing hands them over (a call per triple costs more)."""
        sp, po, terms, preds = self._sp, self._po, self._terms, self._preds
        for (s, s_key), (p, p_key), (o, o_key) in triples:
            by_pred = sp.get(s_key)
            if by_pred is None:
                by_pred = sp[s_key] = {}
            objs = by_pred.get(p_key)
            if objs is None:
                objs = by_pred[p_key] = {}
            if o_key in objs:
                continue
            objs[o_key] = o
            self._size += 1
            by_obj = po.get(p_key)
            if by_obj is None:
                by_obj = po[p_key] = {}
                preds[p_key] = p  # type: ignore[assignment]
            subs = by_obj.get(o_key)
            if subs is None:
                subs = by_obj[o_key] = {}
                terms[o_key] = o
            subs[s_key] = s

    def triples(self) -> Iterator[tuple[Node, URIRef, Node]]:
        """Every triple once (for tests and for building a graph)."""
        for p_key, by_obj in self._po.items():
            pred = self._preds[p_key]
            for o_key, subs in by_obj.items():
                o = self._terms[o_key]
                for s in subs.values():
                    yield s, pred, o

    def predicate_objects(self, subject: Node) -> Iterator[tuple[URIRef, Node]]:
        """Every (predicate, object) of one subject."""
        preds = self._preds
        for p_key, objs in self._sp.get(term_key(subject), {}).items():
            pred = preds[p_key]
            for o in objs.values():
                yield pred, o

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> list[Node]:
        if predicate is None:
            raise NotImplementedError("TripleIndex.objects needs a predicate")
        if subject is None:
            terms = self._terms
            return [terms[o_key] for o_key in self._po.get(str(predicate), {})]
        return list(self._sp.get(term_key(subject), {}).get(str(predicate), _NONE).values())

    def subjects(self, predicate: Node | None = None, object: Node | None = None) -> list[Node]:
        if predicate is None or object is None:
            raise NotImplementedError("TripleIndex.subjects needs a predicate and an object")
        return list(self._po.get(str(predicate), {}).get(term_key(object), _NONE).values())


def from_graph(graph: Graph) -> TripleIndex:
    """Index every triple of an rdflib graph in one pass."""
    index = TripleIndex()
    index.add_many(((s, term_key(s)), (p, str(p)), (o, term_key(o))) for s, p, o in graph)
    return index
