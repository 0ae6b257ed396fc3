"""Hypothesis strategies for RDF documents nobody here chose the shape of.

JSON-LD: one to three contexts (prefixes, prefixes defined as compact IRIs or redefined
later, terms using prefixes defined further on, absolute and compact ``@vocab``, default
``@language``, typed and list terms), node objects nested to any depth, ``@list``,
language-tagged and typed values, native numbers and booleans, blank nodes.
Turtle: prefixes (``@prefix`` and ``PREFIX``, redefined midway), ``@base``, nested blank
node property lists, collections, every literal form (quotes, long strings, escapes,
language tags, datatypes, numbers, booleans). RDF/XML: random graphs serialised flat and
nested by rdflib, and hand-built shapes (inherited ``xml:lang``, ``parseType``, property
attributes).
"""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

XSD = "http://www.w3.org/2001/XMLSchema#"
NAMESPACES = [
    "http://www.w3.org/ns/dcat#",
    "http://purl.org/dc/terms/",
    "https://ex.test/ns/",
    "http://ex.test/v#",
    "urn:x-test:",
]
NAMES = ["dcat", "dct", "ex", "a", "b2", "foaf", "v"]
LOCALS = ["Dataset", "title", "p", "q1", "keyword", "x-y", "_z", "distribution"]
LANGS = ["fr", "en", "fr-FR", "EN", "de-CH-1996"]
DATATYPES = [XSD + "date", XSD + "integer", XSD + "string", XSD + "boolean", "https://ex.test/dt"]
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12
) | st.sampled_from(["", " ", "é", 'quote"s', "line\nbreak", "back\\slash", "2024-01-31"])


# --- JSON-LD -------------------------------------------------------------------------------
@st.composite
def term_definition(draw: st.DrawFn, names: list[str]) -> Any:
    local = draw(st.sampled_from(LOCALS))
    if draw(st.booleans()):
        target = draw(st.sampled_from(NAMESPACES)) + local
    else:
        target = f"{draw(st.sampled_from(names))}:{local}"
    kind = draw(st.sampled_from(["plain", "id", "typed", "list", "lang", "set"]))
    if kind == "plain":
        return target
    definition: dict[str, Any] = {"@id": target}
    if kind == "id":
        definition["@type"] = "@id"
    elif kind == "typed":
        definition["@type"] = draw(st.sampled_from(DATATYPES))
    elif kind == "list":
        definition["@container"] = "@list"
    elif kind == "set":
        definition["@container"] = "@set"
    else:
        definition["@language"] = draw(st.sampled_from(LANGS))
    return definition


@st.composite
def context(draw: st.DrawFn, names: list[str]) -> dict[str, Any]:
    ctx: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=5, unique=True)):
        choice = draw(st.integers(0, 2))
        if choice == 0:  # a prefix
            ctx[name] = draw(st.sampled_from(NAMESPACES))
        elif choice == 1:  # a prefix defined as a compact IRI (maybe of a later prefix)
            other = draw(st.sampled_from([n for n in names if n != name] or ["ex"]))
            ctx[name] = f"{other}:{draw(st.sampled_from(['', 'sub/', 'ns#']))}"
        else:
            ctx[name] = draw(term_definition(names))
    for term in draw(st.lists(st.sampled_from(LOCALS), max_size=3, unique=True)):
        ctx[term] = draw(term_definition(names))
    if draw(st.booleans()):
        ctx["@vocab"] = draw(
            st.sampled_from(NAMESPACES) | st.sampled_from(names).map(lambda n: n + ":")
        )
    if draw(st.booleans()):
        ctx["@language"] = draw(st.sampled_from(LANGS))
    return ctx


def _key(draw: st.DrawFn, names: list[str]) -> str:
    return draw(
        st.sampled_from(LOCALS)
        | st.tuples(st.sampled_from(names), st.sampled_from(LOCALS)).map(":".join)
        | st.sampled_from(NAMESPACES).map(lambda ns: ns + "p")
    )


def _id(draw: st.DrawFn, names: list[str]) -> str:
    return draw(
        st.sampled_from(["_:b0", "_:b1", "https://ex.test/d/1", "https://ex.test/d/2", "rel/3"])
        | st.tuples(st.sampled_from(names), st.sampled_from(LOCALS)).map(":".join)
    )


@st.composite
def value(draw: st.DrawFn, names: list[str], depth: int) -> Any:
    choices = ["str", "int", "bool", "lang", "typed", "ref", "float"]
    if depth > 0:
        choices += ["node", "list", "array"]
    kind = draw(st.sampled_from(choices))
    if kind == "str":
        return draw(TEXT)
    if kind == "int":
        return draw(st.integers(-(10**6), 10**6))
    if kind == "float":
        return draw(st.sampled_from([0.5, -1.25, 1e21, 3.0e-7, 123.456]))
    if kind == "bool":
        return draw(st.booleans())
    if kind == "lang":
        return {"@value": draw(TEXT), "@language": draw(st.sampled_from(LANGS))}
    if kind == "typed":
        return {"@value": draw(TEXT), "@type": draw(st.sampled_from(DATATYPES))}
    if kind == "ref":
        return {"@id": _id(draw, names)}
    if kind == "node":
        return draw(node(names, depth - 1))
    items = draw(st.lists(value(names, depth - 1), max_size=3))
    return {"@list": items} if kind == "list" else items


@st.composite
def node(draw: st.DrawFn, names: list[str], depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["@id"] = _id(draw, names)
    if draw(st.booleans()):
        out["@type"] = draw(
            st.sampled_from(["Dataset", "dcat:Dataset", "http://www.w3.org/ns/dcat#Dataset"])
        )
    for _ in range(draw(st.integers(1, 3))):
        out[_key(draw, names)] = draw(value(names, depth))
    return out


@st.composite
def jsonld_documents(draw: st.DrawFn) -> bytes:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    contexts = draw(st.lists(context(names), min_size=1, max_size=3))
    body: dict[str, Any]
    if draw(st.booleans()):
        body = {"@graph": draw(st.lists(node(names, 2), min_size=1, max_size=3))}
    else:
        body = draw(node(names, 3))
    document = {"@context": contexts[0] if len(contexts) == 1 else contexts, **body}
    return json.dumps(document, ensure_ascii=draw(st.booleans())).encode()


# --- Turtle --------------------------------------------------------------------------------
def _turtle_string(text: str, draw: st.DrawFn) -> str:
    body = text.replace("\\", "\\\\")
    form = draw(st.sampled_from(['"', "'", '"""', "'''"]))
    if len(form) == 1:
        body = body.replace(form, "\\" + form).replace("\n", "\\n").replace("\r", "\\r")
    else:
        body = body.replace(form[0], "\\" + form[0])
    return f"{form}{body}{form}"


@st.composite
def turtle_object(draw: st.DrawFn, prefixes: list[str], depth: int) -> str:
    choices = ["iri", "pname", "bnode", "string", "lang", "typed", "number", "bool"]
    if depth > 0:
        choices += ["nested", "collection"]
    kind = draw(st.sampled_from(choices))
    if kind == "iri":
        return f"<{draw(st.sampled_from(NAMESPACES))}{draw(st.sampled_from(LOCALS))}>"
    if kind == "pname":
        return f"{draw(st.sampled_from(prefixes))}:{draw(st.sampled_from(LOCALS))}"
    if kind == "bnode":
        return draw(st.sampled_from(["_:b0", "_:b1", "[]"]))
    if kind == "string":
        return _turtle_string(draw(TEXT), draw)
    if kind == "lang":
        return _turtle_string(draw(TEXT), draw) + "@" + draw(st.sampled_from(LANGS))
    if kind == "typed":
        datatype = draw(st.sampled_from(DATATYPES))
        return f"{_turtle_string(draw(TEXT), draw)}^^<{datatype}>"
    if kind == "number":
        return draw(st.sampled_from(["0", "-12", "+7", "3.14", "-.5", "1e3", "2.5E-2", "007"]))
    if kind == "bool":
        return draw(st.sampled_from(["true", "false"]))
    if kind == "collection":
        items = draw(st.lists(turtle_object(prefixes, depth - 1), max_size=3))
        return "(" + " ".join(items) + ")"
    return "[ " + draw(predicate_objects(prefixes, depth - 1)) + " ]"


@st.composite
def predicate_objects(draw: st.DrawFn, prefixes: list[str], depth: int) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        predicate = draw(
            st.sampled_from(["a", f"<{NAMESPACES[1]}title>"])
            | st.tuples(st.sampled_from(prefixes), st.sampled_from(LOCALS)).map(":".join)
        )
        objects = draw(st.lists(turtle_object(prefixes, depth), min_size=1, max_size=2))
        parts.append(f"{predicate} {' , '.join(objects)}")
    return " ;\n  ".join(parts) + draw(st.sampled_from(["", " ;"]))


@st.composite
def turtle_documents(draw: st.DrawFn) -> bytes:
    prefixes = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    lines = []
    if draw(st.booleans()):
        lines.append("@base <https://ex.test/base/> .")
    for name in prefixes:
        ns = draw(st.sampled_from(NAMESPACES))
        lines.append(draw(st.sampled_from([f"@prefix {name}: <{ns}> .", f"PREFIX {name}: <{ns}>"])))
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.integers(0, 4)) == 0:  # a prefix redefined midway
            name, ns = draw(st.sampled_from(prefixes)), draw(st.sampled_from(NAMESPACES))
            lines.append(f"@prefix {name}: <{ns}> .")
        subject = draw(
            st.sampled_from(["<d/1>", "<https://ex.test/d/2>", "_:b0"])
            | st.sampled_from(prefixes).map(lambda p: f"{p}:s")
        )
        if draw(st.integers(0, 5)) == 0:
            lines.append(f"[ {draw(predicate_objects(prefixes, 1))} ] .")
        else:
            lines.append(f"{subject} {draw(predicate_objects(prefixes, 2))} .")
    return "\n".join(lines).encode()


# --- RDF/XML -------------------------------------------------------------------------------
@st.composite
def rdf_terms(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["iri", "bnode", "plain", "lang", "typed"]))
    if kind == "iri":
        return URIRef(draw(st.sampled_from(NAMESPACES)) + draw(st.sampled_from(LOCALS)))
    if kind == "bnode":
        return BNode(draw(st.sampled_from(["n0", "n1", "n2"])))
    text = draw(TEXT.filter(lambda t: "\r" not in t))
    if kind == "lang":
        return Literal(text, lang=draw(st.sampled_from(LANGS)).lower())
    if kind == "typed":
        return Literal(text, datatype=URIRef(draw(st.sampled_from(DATATYPES))))
    return Literal(text)


@st.composite
def rdfxml_documents(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 3)) == 0:
        return draw(hand_rdfxml())
    graph = Graph()
    subjects = st.sampled_from(
        [URIRef("https://ex.test/d/1"), URIRef("https://ex.test/d/2"), BNode("n0"), BNode("n1")]
    )
    predicates = st.sampled_from(
        [URIRef(ns + local) for ns in NAMESPACES[:4] for local in ("title", "p", "keyword")]
    )
    for _ in range(draw(st.integers(1, 8))):
        graph.add((draw(subjects), draw(predicates), draw(rdf_terms())))
    if draw(st.booleans()):
        head = BNode("list")
        # rdflib's RDF/XML writer can only put resources in a parseType="Collection"
        items = draw(st.lists(rdf_terms().filter(lambda t: not isinstance(t, Literal)), max_size=3))
        Collection(graph, head, items)
        graph.add((URIRef("https://ex.test/d/1"), URIRef(NAMESPACES[2] + "list"), head))
    fmt = draw(st.sampled_from(["xml", "pretty-xml"]))
    return graph.serialize(format=fmt).encode()


@st.composite
def hand_rdfxml(draw: st.DrawFn) -> bytes:
    lang = draw(st.sampled_from(LANGS))
    title = escape(draw(TEXT.filter(lambda t: "\r" not in t)))
    attr = quoteattr(draw(TEXT.filter(lambda t: "\r" not in t)))
    shape = draw(st.sampled_from(["inherit-lang", "parse-resource", "collection", "attrs"]))
    inner = {
        "inherit-lang": f'<dct:title>{title}</dct:title><dct:x xml:lang="">{title}</dct:x>',
        "parse-resource": f'<dcat:distribution rdf:parseType="Resource"><dct:title>{title}'
        "</dct:title></dcat:distribution>",
        "collection": '<ex:l rdf:parseType="Collection"><rdf:Description rdf:about="a"/>'
        '<rdf:Description rdf:about="b"/></ex:l>',
        "attrs": f'<dcat:distribution><dcat:Distribution dct:title={attr} rdf:ID="d1"/>'
        "</dcat:distribution>",
    }[shape]
    return (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/" '
        f'xmlns:ex="https://ex.test/ns/" xml:base="https://ex.test/base/">'
        f'<dcat:Dataset rdf:about="d/1" xml:lang="{lang}">{inner}</dcat:Dataset></rdf:RDF>'
    ).encode()
