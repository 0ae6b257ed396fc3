"""A compiled SHACL evaluator for the official DCAT-AP shapes, giving pyshacl's results faster.

pyshacl walks the shapes graph and the data through rdflib for every focus node and writes
every result as RDF: about 20 ms per catalogue dataset here. The DCAT-AP shapes use a small
core of SHACL (class targets; sh:property with IRI or inverse paths; minCount, maxCount,
class, datatype, nodeKind, pattern, hasValue, node, or; severities and messages), so they
are compiled once into plain Python objects and evaluated over dictionaries of the data.

Each result carries what pyshacl's carries: focus node, path, value, source shape,
constraint component, severity and message (the same text: pyshacl's own ``stringify_node``
formats the nodes). The semantics follow pyshacl's where SHACL leaves room (a value of an
unknown datatype passes; a nested shape conforms only when it yields no result at all).

It declines (``compile_shapes`` returns None, the caller runs pyshacl) on shapes using
anything else: other targets or constraint components, complex paths, implicit class
targets, sh:flags, sh:deactivated, several values of a single-valued parameter. The tests
compare its results with pyshacl's on real catalogues and on mutations of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

from pyshacl.rdfutil.stringify import stringify_blank_node, stringify_node
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

SH = Namespace("http://www.w3.org/ns/shacl#")
#: sh: predicates that carry no constraint (documentation, grouping).
_IGNORED = {SH.description, SH.name, SH.order, SH.group, SH.shape, SH.defaultValue}
_SINGLE = {
    SH.minCount: "MinCount",
    SH.maxCount: "MaxCount",
    SH.datatype: "Datatype",
    SH.nodeKind: "NodeKind",
    SH.pattern: "Pattern",
    SH.hasValue: "HasValue",
}
_STRUCTURE = {SH.path, SH.property, SH.targetClass, SH.severity, SH.message, SH["class"]}
_SUPPORTED = _IGNORED | set(_SINGLE) | _STRUCTURE | {SH.node, SH["or"]}
_NODE_KINDS = {
    SH.IRI: (URIRef,),
    SH.Literal: (Literal,),
    SH.BlankNode: (BNode,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.IRIOrLiteral: (URIRef, Literal),
    SH.BlankNodeOrLiteral: (BNode, Literal),
}
_PY_TYPES: dict[Node, tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: (int,),
    XSD.float: (float,),
    XSD.decimal: (Decimal,),
    XSD.boolean: (bool,),
    XSD.date: (date,),
    XSD.time: (time,),
    XSD.dateTime: (datetime,),
}


class Declined(Exception):
    """The shapes use something this evaluator does not implement."""


@dataclass
class Shape:
    node: Node
    path: Node | None = None  # the property followed (backwards when ``inverse``)
    inverse: bool = False
    severity: Node = SH.Violation
    messages: list[Literal] = field(default_factory=list)
    targets: list[Node] = field(default_factory=list)
    constraints: list[tuple[str, Any]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    result_path: Node | None = None  # the sh:path node, as pyshacl reports it


@dataclass
class Result:
    """One validation result, as pyshacl reports it (``sh:focusNode``, ``sh:resultPath``…)."""

    focus: Node | None
    path: Node | None
    value: Node | None
    shape: Node | None
    component: str | None  # e.g. "MinCount"
    severity: Node | None
    message: str


@dataclass
class Compiled:
    shapes_graph: Graph
    targeted: list[Shape]
    labels: dict[Node, str]  # stringify_node of shapes-graph nodes used in messages


class _Compiler:
    def __init__(self, sg: Graph) -> None:
        self.sg = sg
        self.shapes: dict[Node, Shape] = {}
        self.labels: dict[Node, str] = {}

    def label(self, node: Node) -> str:
        if node not in self.labels:
            self.labels[node] = stringify_node(self.sg, node)
        return self.labels[node]

    def one(self, node: Node, pred: URIRef) -> Node | None:
        values = list(self.sg.objects(node, pred))
        if len(values) > 1:
            raise Declined(f"{node}: several {pred}")
        return values[0] if values else None

    def shape(self, node: Node) -> Shape:
        if node in self.shapes:
            return self.shapes[node]
        shape = Shape(node)
        self.shapes[node] = shape  # before recursing: cycles end here
        preds = set(self.sg.predicates(node, None))
        unknown = {p for p in preds if str(p).startswith(str(SH)) and p not in _SUPPORTED}
        unknown |= {p for p in preds if p in (SH.deactivated, SH.flags)}
        if unknown:
            raise Declined(f"{node}: unsupported {sorted(map(str, unknown))}")
        if (node, RDF.type, RDFS.Class) in self.sg:
            raise Declined(f"{node}: implicit class target")
        self._path(shape)
        shape.severity = self.one(node, SH.severity) or SH.Violation
        shape.messages = sorted((m for m in self.sg.objects(node, SH.message)), key=str)  # type: ignore[misc]
        shape.targets = list(self.sg.objects(node, SH.targetClass))
        self._constraints(shape)
        for prop in self.sg.objects(node, SH.property):
            shape.properties.append(self.shape(prop))
        return shape

    def _path(self, shape: Shape) -> None:
        path = self.one(shape.node, SH.path)
        if path is None:
            return
        shape.result_path = path
        if isinstance(path, URIRef):
            shape.path = path
            return
        inverse = self.one(path, SH.inversePath)
        others = set(self.sg.predicate_objects(path)) - {(SH.inversePath, inverse)}
        if not isinstance(inverse, URIRef) or others:
            raise Declined(f"{shape.node}: complex path")
        shape.path, shape.inverse = inverse, True

    def _constraints(self, shape: Shape) -> None:
        node = shape.node
        for pred, name in _SINGLE.items():
            found = self.one(node, pred)
            if found is None:
                continue
            value: Any = found
            if name in ("MinCount", "MaxCount"):
                value = int(str(found))
            elif name == "Pattern":
                value = (re.compile(str(found)), str(found))
            elif name == "NodeKind" and found not in _NODE_KINDS:
                raise Declined(f"{node}: node kind {found}")
            shape.constraints.append((name, value))
        classes = list(self.sg.objects(node, SH["class"]))
        if len(classes) > 1:
            raise Declined(f"{node}: several sh:class")
        for cls in classes:
            shape.constraints.append(("Class", cls))
        nodes = sorted(self.sg.objects(node, SH.node), key=str)
        if nodes:
            shape.constraints.append(("Node", [self.shape(n) for n in nodes]))
        ors = list(self.sg.objects(node, SH["or"]))
        if len(ors) > 1:
            raise Declined(f"{node}: several sh:or")
        for alternatives in ors:
            members = list(self.sg.items(alternatives))
            shape.constraints.append(("Or", (alternatives, [self.shape(m) for m in members])))
        for kind, value in shape.constraints:  # message parts, computed once
            if kind in ("Class", "Datatype", "NodeKind", "HasValue"):
                self.label(value)
            elif kind == "Node":
                for nested in value:
                    self.label(nested.node)
            elif kind == "Or":
                for member in value[1]:
                    self.label(member.node)
        if shape.result_path is not None:
            self.label(shape.result_path)


def compile_shapes(sg: Graph) -> Compiled | None:
    """The shapes compiled, or None when they use something not implemented here."""
    compiler = _Compiler(sg)
    try:
        roots = {s for s in sg.subjects(SH.targetClass, None)}
        for other in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
            if any(True for _ in sg.subjects(other, None)):
                raise Declined(f"target kind {other}")
        targeted = [compiler.shape(n) for n in sorted(roots, key=str)]
    except (Declined, ValueError, re.error):
        return None
    return Compiled(sg, targeted, compiler.labels)


_TYPE = RDF.type
_SUBCLASS = RDFS.subClassOf


Triple = tuple[Node, Node, Node]


@cache
def _namespaces() -> Graph:
    """An empty graph: the default prefixes a data graph built here would have."""
    return Graph()


class Data:
    """The data triples as dictionaries: outgoing and incoming links, and types (each triple
    once, as in a graph). ``graph``, when the triples come from one, gives the prefixes and
    blank-node descriptions of messages, as pyshacl reads them from its data graph."""

    def __init__(self, triples: Iterable[Triple], graph: Graph | None = None) -> None:
        self.graph = graph
        self.out: dict[Node, dict[Node, dict[Node, None]]] = {}
        self.inc: dict[Node, dict[Node, dict[Node, None]]] = {}
        self.typed: dict[Node, dict[Node, None]] = {}  # class -> its direct instances
        out, inc = self.out, self.inc
        for s, p, o in triples:
            objs = out.setdefault(s, {}).setdefault(p, {})
            if o in objs:
                continue
            objs[o] = None
            inc.setdefault(o, {}).setdefault(p, {})[s] = None
            if p == _TYPE:
                self.typed.setdefault(o, {})[s] = None
        self._supers: dict[Node, set[Node]] = {}

    def stringify(self, node: Node) -> str:
        """pyshacl's ``stringify_node`` of a data node (a blank node shows its description)."""
        if self.graph is not None:
            return stringify_node(self.graph, node)
        if not isinstance(node, BNode):
            return stringify_node(_namespaces(), node)
        described = Graph()  # what stringify_node reads: the blank nodes reachable from it
        todo, seen = [node], {node}
        while todo:
            subject = todo.pop()
            for pred, objs in self.out.get(subject, {}).items():
                for obj in objs:
                    described.add((subject, pred, obj))
                    if isinstance(obj, BNode) and obj not in seen:
                        seen.add(obj)
                        todo.append(obj)
        text = stringify_node(described, node)
        # pyshacl caches descriptions by (id(graph), label) for the whole process: once this
        # graph is freed its id comes back, and another page's _:b0 would get these words
        cached = getattr(stringify_blank_node, "dict_cache", {})
        for blank in seen:
            cached.pop((id(described), str(blank)), None)
        return text

    def values(self, focus: Node, path: Node, inverse: bool) -> list[Node]:
        links = (self.inc if inverse else self.out).get(focus)
        if not links:
            return []
        found = links.get(path)
        return list(found) if found else []

    def supers(self, cls: Node) -> set[Node]:
        """``cls`` and its super-classes (rdfs:subClassOf*) in the data graph."""
        found = self._supers.get(cls)
        if found is None:
            found, todo = {cls}, [cls]
            while todo:
                for sup in self.out.get(todo.pop(), {}).get(_SUBCLASS, ()):
                    if sup not in found:
                        found.add(sup)
                        todo.append(sup)
            self._supers[cls] = found
        return found

    def instances(self, cls: Node) -> list[Node]:
        """Nodes typed ``cls`` or a sub-class of it (pyshacl's class targets)."""
        out: dict[Node, None] = {}
        for typ, subjects in self.typed.items():
            if cls in self.supers(typ):
                out.update(dict.fromkeys(subjects))
        return list(out)

    def has_class(self, node: Node, cls: Node) -> bool:
        if isinstance(node, Literal):
            return False
        types = self.out.get(node, {}).get(_TYPE, ())
        return any(cls in self.supers(t) for t in types)


class Evaluator:
    def __init__(self, compiled: Compiled, data: Data) -> None:
        self.c = compiled
        self.data = data
        self._conforms: dict[tuple[Node, Node], bool] = {}

    def run(self) -> list[Result]:
        results: list[Result] = []
        for shape in self.c.targeted:
            for cls in shape.targets:
                for focus in self.data.instances(cls):
                    results.extend(self.shape(shape, focus))
        return results

    def shape(self, shape: Shape, focus: Node) -> list[Result]:
        """Every result of ``focus`` against ``shape`` (its own constraints, then its
        property shapes)."""
        out: list[Result] = []
        if shape.path is not None:
            values = self.data.values(focus, shape.path, shape.inverse)
        else:
            values = [focus]
        for kind, param in shape.constraints:
            out.extend(self.constraint(shape, focus, values, kind, param))
        for prop in shape.properties:
            out.extend(self.shape(prop, focus))
        return out

    def conforms(self, shape: Shape, node: Node) -> bool:
        key = (shape.node, node)
        if key not in self._conforms:
            self._conforms[key] = True  # a cycle conforms while it is being checked
            self._conforms[key] = not self.shape(shape, node)
        return self._conforms[key]

    def constraint(
        self, shape: Shape, focus: Node, values: list[Node], kind: str, param: Any
    ) -> Iterable[Result]:
        if kind == "MinCount":
            if len(values) < param:
                yield self.result(shape, focus, None, kind, param)
        elif kind == "MaxCount":
            if len(values) > param:
                yield self.result(shape, focus, None, kind, param)
        elif kind == "HasValue":
            if param not in values:
                yield self.result(shape, focus, None, kind, param)
        elif kind == "Node":
            for v in values:
                for nested in param:
                    if not self.conforms(nested, v):
                        yield self.result(shape, focus, v, kind, param)
        else:
            for v in values:
                if not self.value_ok(kind, param, v):
                    yield self.result(shape, focus, v, kind, param)

    def value_ok(self, kind: str, param: Any, v: Node) -> bool:
        if kind == "Class":
            return self.data.has_class(v, param)
        if kind == "NodeKind":
            return isinstance(v, _NODE_KINDS[param])
        if kind == "Datatype":
            return _datatype_ok(v, param)
        if kind == "Pattern":
            return not isinstance(v, BNode) and param[0].search(str(v)) is not None
        if kind == "Or":
            return any(self.conforms(member, v) for member in param[1])
        raise AssertionError(kind)

    def result(
        self, shape: Shape, focus: Node, value: Node | None, kind: str, param: Any
    ) -> Result:
        if shape.messages:
            message = str(shape.messages[0])
        else:
            message = self.message(shape, focus, value, kind, param)
        return Result(focus, shape.result_path, value, shape.node, kind, shape.severity, message)

    def message(self, shape: Shape, focus: Node, value: Node | None, kind: str, param: Any) -> str:
        """pyshacl's generic message for this component."""
        labels = self.c.labels
        if kind in ("MinCount", "MaxCount"):
            word = "Less" if kind == "MinCount" else "More"
            where = self.data.stringify(focus)
            if shape.result_path is not None:
                where += "->" + labels[shape.result_path]
            return f"{word} than {param} values on {where}"
        if kind == "Class":
            return f"Value does not have class {labels[param]}"
        if kind == "Datatype":
            return f"Value is not Literal with datatype {labels[param]}"
        if kind == "NodeKind":
            return f"Value is not of Node Kind {labels[param]}"
        if kind == "Pattern":
            return f"Value does not match pattern '{param[1]}'"
        if kind == "HasValue":
            where = self.data.stringify(focus)
            wanted = [labels[param]]
            if shape.result_path is not None:
                path = labels[shape.result_path]
                return f"Node {where}->{path} does not contain a value in the set: {wanted}"
            return f"Node {where} value is not a in the set of values: {wanted}"
        if kind == "Node":
            if len(param) < 2:
                text = f"Value does not conform to Shape {labels[param[0].node]}."
            else:
                rules = "', '".join(labels[n.node] for n in param)
                text = f"Value must conform to every Shape in ('{rules}')."
            return text + " See details for more information."
        if kind == "Or":
            shapes = " , ".join(labels[m.node] for m in param[1])
            try:
                shown = self.data.stringify(value) if value is not None else "None"
            except (LookupError, ValueError):
                shown = str(value)
            return f"Node {shown} must conform to one or more shapes in {shapes}"
        raise AssertionError(kind)


def _datatype_ok(v: Node, rule: Node) -> bool:
    if not isinstance(v, Literal):
        return False
    if v.datatype == rule:
        if getattr(v, "ill_typed", None) is True:
            return False
        return _python_type_ok(v, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == XSD.string:
        return _python_type_ok(v, rule)
    if rule == RDF.langString and v.language:
        return _python_type_ok(v, rule)
    return False


def _python_type_ok(v: Literal, rule: Node) -> bool:
    kinds = _PY_TYPES.get(rule)
    return True if kinds is None else isinstance(v.value, kinds)


def evaluate(
    compiled: Compiled, triples: Iterable[Triple], graph: Graph | None = None
) -> list[Result]:
    """Every top-level result of the data ``triples`` against the compiled shapes
    (``graph``: the graph they come from, if any, for the prefixes of messages)."""
    return Evaluator(compiled, Data(triples, graph)).run()
