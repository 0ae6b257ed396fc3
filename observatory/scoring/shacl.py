"""DCAT-AP compliance: validate RDF against the official DCAT-AP shapes.

``shape_issues`` runs the compiled evaluator (``shacl_fast``: the same results as pyshacl,
checked by differential tests, several times faster) when it implements everything the
shapes use (DCAT-AP 3.0.1), and pyshacl itself otherwise (2.1.1).

The shapes (``shapes/dcat-ap-<version>/``: mandatory properties and cardinalities, ranges,
controlled vocabularies, deprecated URIs) ship with the package and are parsed once.
Validation runs without inference (RDFS adds minutes and nothing the shapes need) over
the whole catalogue at once, or over chunks of dataset subgraphs for large catalogues;
each result is then attributed to the dataset(s) whose description holds its focus node.

The controlled-vocabulary shapes check that a theme, format, frequency… is a concept of an
EU authority table (``skos:inScheme``), which only holds when the table itself is loaded.
The observatory validates offline against a bundled snapshot of the real tables
(``shacl_vocab``, ``vocabularies/README.md``): a code found there is given the membership
and class the table asserts (``vocabulary_stubs``); a made-up code, an IRI of the wrong
table, or a literal where a concept is expected fails, as with the official validator.
Only ``sh:Violation`` results make a dataset non-compliant; warnings are reported beside.

In an observe run the validation happens per catalogue page at harvest time
(``shacl_page.check_page``); ``validate_graph`` serves whole graphs (MQA, tests).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pyshacl import validate
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, FOAF
from rdflib.term import Node

from observatory.model import Dataset
from observatory.scoring.shacl_fast import Compiled, Triple, compile_shapes, evaluate
from observatory.scoring.shacl_fast import Result as RawResult
from observatory.scoring.shacl_text import Described, curie, french_message, verdict
from observatory.scoring.shacl_vocab import vocabulary_stubs, vocabulary_triples

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES_DIR = Path(__file__).resolve().parent / "shapes"
SHAPE_FILES = ("shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl", "deprecateduris.ttl")
VERSIONS = ("3.0.1", "2.1.1")
DEFAULT_VERSION = "3.0.1"

#: Predicates not followed when collecting a dataset's description (they lead elsewhere).
_STOP_PREDICATES = frozenset({DCAT.dataset, DCAT.catalog, DCAT.record, FOAF.primaryTopic})
MAX_DEPTH = 4


@dataclass
class ShaclIssue:
    """One SHACL validation result, readable by a person."""

    focus: str  # the focus node (IRI, or ``_:id`` for a blank node)
    path: str | None  # the property at fault
    severity: str  # Violation | Warning | Info
    message: str
    value: str | None = None
    shape: str | None = None
    component: str | None = None  # the SHACL constraint, e.g. MinCount, Class, NodeKind
    french: str = ""  # one sentence naming the property (``shacl_text.french_message``)

    @property
    def identity(self) -> tuple[str | None, ...]:
        """Equal for two reports of the same result."""
        fields = (self.focus, self.path, self.severity, self.component, self.message)
        return (*fields, self.value, self.shape)

    def as_dict(self, focus_label: str | None = None) -> dict[str, str | None]:
        """What is stored and shown: severity, node, property, French message (which quotes
        the value at fault) and the SHACL constraint."""
        return {
            "severity": self.severity,
            "focus": focus_label or self.focus,
            "path": curie(self.path),
            "message": self.french or self.message,
            "constraint": self.component,
        }

    def text(self) -> str:
        where = f" {_short(self.path)}" if self.path else ""
        value = f" (valeur : {_clip(self.value, 120)})" if self.value else ""
        return f"{self.focus}{where} : {_clip(self.message, 240)}{value}"


@dataclass
class ShaclReport:
    """DCAT-AP compliance of one dataset: compliant when no violation names its nodes."""

    subject: str
    conforms: bool
    violations: int = 0
    warnings: int = 0
    issues: list[ShaclIssue] = field(default_factory=list)  # the first ones, violations first

    @property
    def messages(self) -> list[str]:
        return [i.text() for i in self.issues]


@dataclass
class CatalogueShacl:
    """SHACL results of a whole graph: per dataset, plus what belongs to no dataset."""

    version: str
    datasets: dict[str, ShaclReport]  # by subject id (IRI or ``_:id``)
    other: list[ShaclIssue] = field(default_factory=list)  # catalogue-level, first ones
    other_violations: int = 0
    results: int = 0
    seconds: float = 0.0

    @property
    def conforms(self) -> bool:
        return self.other_violations == 0 and all(r.conforms for r in self.datasets.values())


def subject_id(node: Node) -> str:
    """A stable string for a node: the IRI, or ``_:id`` for a blank node."""
    return node.n3() if isinstance(node, BNode) else str(node)


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _short(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if "://" in iri else iri


@cache
def load_shapes(version: str = DEFAULT_VERSION) -> Graph:
    """The official shapes of a DCAT-AP release, parsed once per process."""
    if version not in VERSIONS:
        raise ValueError(f"unknown DCAT-AP version {version!r}; known: {', '.join(VERSIONS)}")
    graph = Graph()
    for name in SHAPE_FILES:
        graph.parse(SHAPES_DIR / f"dcat-ap-{version}" / name, format="turtle")
    return graph


def dataset_nodes(graph: Graph) -> list[Node]:
    """Every dcat:Dataset subject, IRIs first, in a stable order."""
    nodes = set(graph.subjects(RDF.type, DCAT.Dataset))
    return sorted(nodes, key=lambda n: (isinstance(n, BNode), str(n)))


def closure(graph: Described, start: Node, stop: set[Node]) -> set[Node]:
    """Nodes describing ``start``: reachable through outgoing links, up to ``MAX_DEPTH``,
    without entering another dataset or the catalogue (``stop``)."""
    seen = {start}
    queue: deque[tuple[Node, int]] = deque([(start, 0)])
    while queue:
        node, depth = queue.popleft()
        if depth >= MAX_DEPTH:
            continue
        for pred, obj in graph.predicate_objects(node):
            if pred in _STOP_PREDICATES or isinstance(obj, Literal) or obj in seen:
                continue
            if obj in stop:
                continue
            seen.add(obj)
            queue.append((obj, depth + 1))
    return seen


def _subgraph(graph: Graph, nodes: Iterable[Node]) -> Graph:
    sub = Graph()
    for node in nodes:
        for pred, obj in graph.predicate_objects(node):
            sub.add((node, pred, obj))
    return sub


def _rest(graph: Graph, described: set[Node]) -> Graph:
    """Triples about nodes no dataset describes, plus the types of the nodes they cite."""
    rest = _subgraph(graph, (s for s in set(graph.subjects()) if s not in described))
    for obj in set(rest.objects()):
        if not isinstance(obj, Literal):
            for cls in graph.objects(obj, RDF.type):
                rest.add((obj, RDF.type, cls))
    return rest


def _chunks(items: list[Node], size: int) -> Iterator[list[Node]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def run_shapes(data: Graph, version: str, *, inplace: bool = False) -> Graph:
    """pyshacl over ``data`` plus the vocabulary stubs (added to ``data`` itself when
    ``inplace``: the caller's throwaway graph is not copied)."""
    stubs = vocabulary_stubs(data)
    if inplace:
        data += stubs
    else:
        data = data + stubs
    _conforms, results, _text = validate(
        data,
        shacl_graph=load_shapes(version),
        inference="none",
        allow_warnings=True,
        advanced=False,
        meta_shacl=False,
    )
    return results  # type: ignore[no-any-return]


@cache
def compiled_shapes(version: str = DEFAULT_VERSION) -> Compiled | None:
    """The official shapes compiled for the fast evaluator (None: it declines them)."""
    return compile_shapes(load_shapes(version))


def shape_issues(
    data: Graph | Iterable[Triple],
    version: str = DEFAULT_VERSION,
    *,
    inplace: bool = False,
    engine: str = "auto",
) -> list[tuple[Node, ShaclIssue]]:
    """The official shapes' results over ``data`` (a graph, or its triples, each once) plus
    the vocabulary stubs, as issues.

    ``engine``: "auto" runs the compiled evaluator (``shacl_fast``) when it implements
    everything the shapes use, pyshacl otherwise; "pyshacl" forces the reference engine.
    The compiled evaluator reads plain triples: no rdflib graph is built for it.
    """
    compiled = compiled_shapes(version) if engine == "auto" else None
    graph = data if isinstance(data, Graph) else None
    if compiled is None:
        if graph is None:
            graph, inplace = Graph(), True
            for triple in data:
                graph.add(triple)
        return result_issues(run_shapes(graph, version, inplace=inplace))
    triples = list(data)
    triples += vocabulary_triples(obj for _s, _p, obj in triples)
    return issues_of(evaluate(compiled, triples, graph))


def result_issues(results: Graph) -> list[tuple[Node, ShaclIssue]]:
    """pyshacl's top-level results (a report graph) as issues, each once."""
    top = {
        r
        for report in results.subjects(RDF.type, SH.ValidationReport)
        for r in results.objects(report, SH.result)
    }
    raw = []
    for res in top:  # nested sh:detail results repeat a top-level one, with its severity
        raw.append(
            RawResult(
                results.value(res, SH.focusNode),
                results.value(res, SH.resultPath),
                results.value(res, SH.value),
                results.value(res, SH.sourceShape),
                _component(results.value(res, SH.sourceConstraintComponent)),
                results.value(res, SH.resultSeverity),
                str(results.value(res, SH.resultMessage) or "non conforme"),
            )
        )
    return issues_of(raw)


def _component(component: Node | None) -> str | None:
    return _short(str(component)).removesuffix("ConstraintComponent") if component else None


def issues_of(raw: Iterable[RawResult]) -> list[tuple[Node, ShaclIssue]]:
    """Results (from pyshacl or the compiled evaluator) as issues, each once: pyshacl
    repeats a result when a node is reached by two shapes sharing a property shape."""
    out: list[tuple[Node, ShaclIssue]] = []
    seen: set[tuple[Node, tuple[str | None, ...]]] = set()
    for res in raw:
        if res.focus is None or isinstance(res.focus, Literal):
            continue  # a literal focus repeats the result on the node that holds it
        issue = _issue(res)
        if (res.focus, issue.identity) not in seen:
            seen.add((res.focus, issue.identity))
            out.append((res.focus, issue))
    out.sort(key=lambda fi: (fi[1].severity != "Violation", fi[1].focus, fi[1].path or ""))
    return out


def _issue(res: RawResult) -> ShaclIssue:
    assert res.focus is not None
    level = _short(str(res.severity)) if res.severity else "Violation"
    prop = str(res.path) if isinstance(res.path, URIRef) else None
    short = res.component
    return ShaclIssue(
        focus=subject_id(res.focus),
        path=prop,
        severity=level,
        message=res.message,
        value=str(res.value) if res.value is not None else None,
        shape=str(res.shape) if res.shape is not None else None,  # a blank node: stable
        component=short,
        french=french_message(short or "", curie(prop), res.value, res.message, level),
    )


def validate_graph(
    graph: Graph,
    version: str = DEFAULT_VERSION,
    *,
    chunk_size: int = 500,
    max_issues: int = 10,
) -> CatalogueShacl:
    """Validate a DCAT graph; per-dataset compliance with the first issues of each.

    Up to ``chunk_size`` datasets are validated in one pass over the whole graph; beyond,
    the datasets' own subgraphs are validated chunk by chunk (bounded memory) and the
    remaining triples (catalogue, records) once.
    """
    started = time.perf_counter()
    datasets = dataset_nodes(graph)
    stop = set(datasets) | set(graph.subjects(RDF.type, DCAT.Catalog))
    owners: dict[Node, list[Node]] = {}
    closures: dict[Node, set[Node]] = {}
    for ds in datasets:
        closures[ds] = closure(graph, ds, stop - {ds})
        for node in closures[ds]:
            owners.setdefault(node, []).append(ds)
    # (graph, whether results on dataset nodes count: not in the catalogue-level pass)
    if len(datasets) <= chunk_size:
        passes = [(graph, True)]
    else:
        passes = [
            (_subgraph(graph, set().union(*(closures[d] for d in chunk))), True)
            for chunk in _chunks(datasets, chunk_size)
        ]
        passes.append((_rest(graph, set(owners)), False))
    reports = {subject_id(d): ShaclReport(subject_id(d), True) for d in datasets}
    out = CatalogueShacl(version=version, datasets=reports)
    seen: set[tuple[str | None, ...]] = set()
    for data, on_datasets in passes:
        for focus, issue in shape_issues(data, version):
            if not on_datasets and focus in owners:
                continue  # validated with its dataset; here it lacks its description
            ident = issue.identity
            if ident in seen:  # a shared node validated in two chunks
                continue
            seen.add(ident)
            out.results += 1
            _attribute(out, owners.get(focus, []), issue, max_issues)
    out.seconds = round(time.perf_counter() - started, 3)
    return out


def _attribute(out: CatalogueShacl, owners: list[Node], issue: ShaclIssue, limit: int) -> None:
    violation = issue.severity == "Violation"
    if not owners:
        out.other_violations += violation
        if len(out.other) < limit:
            out.other.append(issue)
        return
    for ds in owners:
        report = out.datasets[subject_id(ds)]
        if violation:
            report.violations += 1
            report.conforms = False
        else:
            report.warnings += 1
        if len(report.issues) < limit:
            report.issues.append(issue)


def attach_shacl(datasets: Iterable[Dataset], report: CatalogueShacl, max_issues: int = 10) -> int:
    """Store each dataset's SHACL verdict in ``dataset.extras["shacl"]`` (matched by IRI),
    where the ``conformity.dcat_shacl`` criterion reads it; returns how many matched."""
    matched = 0
    for ds in datasets:
        found = report.datasets.get(ds.uri or "")
        if found is None:
            continue
        issues = [i.as_dict() for i in found.issues]
        ds.extras["shacl"] = verdict(report.version, found.subject, issues, max_issues)
        # the issues above are the first ones; the counts are the whole report's
        ds.extras["shacl"] |= {
            "conforms": found.conforms,
            "violations": found.violations,
            "warnings": found.warnings,
        }
        matched += 1
    return matched
