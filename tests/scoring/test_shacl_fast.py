"""The compiled SHACL evaluator gives pyshacl's results, on real catalogues from other
projects and on random mutations of them (hypothesis), and declines shapes it does not
implement."""

from __future__ import annotations

import gc
import os
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as ns

from observatory.scoring.shacl import compiled_shapes, shape_issues
from observatory.scoring.shacl_fast import Triple, compile_shapes
from tests.corpus import CORPUS

DCAT_DIR = CORPUS / "dcat"
FORMATS = {".rdf": "xml", ".xml": "xml", ".jsonld": "json-ld", ".json": "json-ld"}
FILES = sorted(p.name for p in DCAT_DIR.iterdir())
#: Examples per property in CI; ``make fuzz`` raises it (HYPOTHESIS_SHACL_EXAMPLES).
EXAMPLES = int(os.environ.get("HYPOTHESIS_SHACL_EXAMPLES", "25"))


@cache
def corpus_graph(name: str) -> Graph:
    path = DCAT_DIR / name
    return Graph().parse(path, format=FORMATS.get(path.suffix, "turtle"))


def results(data: Graph | list[Triple], engine: str) -> set[tuple[object, ...]]:
    """Everything a result says: focus, path, severity, component, value, source shape,
    pyshacl's message and the French sentence made from it."""
    return {
        (i.focus, i.path, i.severity, i.component, i.value, i.shape, i.message, i.french)
        for _focus, i in shape_issues(data, engine=engine)
    }


def test_official_shapes_compile():
    assert compiled_shapes("3.0.1") is not None
    # 2.1.1 puts two sh:or on one shape: not implemented, so pyshacl runs it
    assert compiled_shapes("2.1.1") is None


@pytest.mark.parametrize("name", FILES)
def test_same_results_as_pyshacl_on_real_catalogues(name: str):
    graph = corpus_graph(name)
    reference = results(graph, "pyshacl")
    assert results(graph, "auto") == reference
    assert reference  # every corpus file has findings: the comparison is not empty


@pytest.mark.parametrize("name", FILES)
def test_plain_triples_give_pyshacls_results_on_a_graph_of_them(name: str):
    """What harvest does: the compiled evaluator reads the page's triples with no graph
    built; pyshacl reads a graph of the same triples (blank nodes described in messages)."""
    triples = list(corpus_graph(name))
    reference = results(triples, "pyshacl")
    assert results(triples, "auto") == reference and reference


SMALL = [n for n in FILES if (DCAT_DIR / n).stat().st_size < 60_000]
EU = "http://publications.europa.eu/resource/authority/"
REPLACEMENTS = [
    Literal("texte libre"),
    Literal("2024-13-45", datatype=ns.XSD.date),  # ill-typed
    Literal("12", datatype=ns.XSD.integer),
    URIRef(EU + "file-type/CSV"),
    URIRef(EU + "file-type/NOT_A_CODE"),
    URIRef(EU + "frequency/DAILY"),
    URIRef("https://www.iana.org/assignments/media-types/text/csv"),
    URIRef("https://example.org/elsewhere"),
    BNode("fresh"),
]


@st.composite
def mutated(draw: st.DrawFn) -> Graph:
    """A real catalogue with triples dropped and objects replaced."""
    base = corpus_graph(draw(st.sampled_from(SMALL)))
    triples = sorted(base, key=str)
    graph = Graph()
    for s, p, o in triples:
        action = draw(st.sampled_from(["keep"] * 8 + ["drop", "replace"]))
        if action == "keep":
            graph.add((s, p, o))
        elif action == "replace":
            graph.add((s, p, draw(st.sampled_from(REPLACEMENTS))))
    return graph


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated())
def test_same_results_as_pyshacl_on_mutated_catalogues(graph: Graph):
    assert results(graph, "auto") == results(graph, "pyshacl")
    triples = list(graph)
    assert results(triples, "auto") == results(triples, "pyshacl")


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ; {target} ;
    sh:property [ sh:path ex:p ; sh:minCount 1 {extra} ] .
"""


@pytest.mark.parametrize(
    ("target", "extra"),
    [
        ("sh:targetNode ex:a", ""),  # another kind of target
        ("sh:targetClass ex:C", "; sh:qualifiedMinCount 1"),  # another component
        ("sh:targetClass ex:C", "; sh:pattern 'a' ; sh:flags 'i'"),
        ("sh:targetClass ex:C", "; sh:minCount 2"),  # two values of a single parameter
    ],
)
def test_declines_what_it_does_not_implement(target: str, extra: str):
    text = SHAPES.format(target=target, extra=extra)
    assert compile_shapes(Graph().parse(data=text, format="turtle")) is None


def test_implemented_shapes_compile():
    text = SHAPES.format(target="sh:targetClass ex:C", extra="; sh:pattern 'a'")
    assert compile_shapes(Graph().parse(data=text, format="turtle")) is not None


def _distribution_without_access_url(title: str) -> list[Triple]:
    dataset, dist = URIRef("https://example.org/d"), BNode("b0")  # a label pages reuse
    return [
        (dataset, ns.RDF.type, ns.DCAT.Dataset),
        (dataset, ns.DCAT.distribution, dist),
        (dist, ns.RDF.type, ns.DCAT.Distribution),
        (dist, ns.DCTERMS.title, Literal(title)),
    ]


def test_blank_nodes_with_the_same_label_on_two_pages_are_described_each_by_its_own():
    """pyshacl caches a blank node's description by (graph id, label), and a freed graph's
    id comes back: pages whose blank nodes share a label (``_:b0``, kept by the parser)
    must still be described each by its own triples."""
    for n in range(12):
        gc.collect()  # frees the previous page's graphs, as a long harvest does
        title = f"Fichier {n}"
        fast = results(_distribution_without_access_url(title), "auto")
        assert any(f'Literal("{title}")' in str(r[6]) for r in fast)
