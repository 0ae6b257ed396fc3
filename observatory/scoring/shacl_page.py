"""DCAT-AP SHACL verdicts for the datasets of one catalogue page, while its triples are at hand.

The harvest reads a DCAT page into a triple index and then into model records; the RDF is
not kept. ``check_page`` runs right after, on the same index: for each dataset (up to a
cap) it collects its description — the dataset node and what it links to up to
``shacl.MAX_DEPTH`` (distributions, publisher, contact point, periods, checksums…), never
entering another dataset or the catalogue — takes the union of these descriptions as
plain triples (the compiled evaluator reads triples, so no rdflib graph is built; pyshacl,
when it runs, gets a graph of them), validates them in a single call
(``shacl.shape_issues``: the compiled evaluator of ``shacl_fast``, pyshacl when it
declines), and splits the results by focus node: a
result counts for every dataset whose description holds its focus node (a publisher
shared by ten datasets and missing its name counts for all ten). Catalogue-level results
(the catalogue's own title, its records) belong to no dataset and are left out.

The verdict goes to ``dataset.extras["shacl"]`` (``shacl_text.verdict``), where the
``conformity.dcat_shacl`` criterion reads it; it is stored with the dataset, so a
catalogue reused by an incremental run keeps its verdicts.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import RDF, Literal
from rdflib.namespace import DCAT
from rdflib.term import Node

from observatory.harvest.rdf_index import TripleSource
from observatory.model import Dataset
from observatory.scoring.shacl import DEFAULT_VERSION, closure, shape_issues
from observatory.scoring.shacl_fast import Triple
from observatory.scoring.shacl_text import node_labels, verdict

#: Datasets validated per page by default (a page is usually 10–100 datasets; the cap
#: bounds the time a single huge catalogue document can take: a few ms per dataset with
#: the compiled evaluator, about 20 ms with pyshacl).
DEFAULT_LIMIT = 1000
MAX_ISSUES = 10


@dataclass
class PageShacl:
    """What one page's validation did."""

    validated: int
    skipped: int
    triples: int
    results: int
    seconds: float


def page_triples(
    source: TripleSource, nodes: Sequence[Node]
) -> tuple[list[Triple], dict[Node, list[Node]], dict[Node, dict[Node, str]]]:
    """(the union of the datasets' descriptions, each triple once; owners of each node;
    node labels)."""
    stop = set(source.subjects(RDF.type, DCAT.Dataset)) | set(
        source.subjects(RDF.type, DCAT.Catalog)
    )
    owners: dict[Node, list[Node]] = {}
    labels: dict[Node, dict[Node, str]] = {}
    for node in nodes:
        described = closure(source, node, stop - {node})
        labels[node] = node_labels(source, node, described)
        for member in described:
            owners.setdefault(member, []).append(node)
    triples: list[Triple] = []
    for member in owners:
        triples.extend((member, pred, obj) for pred, obj in source.predicate_objects(member))
    # the types of what the descriptions cite beyond themselves, so that a range
    # constraint (sh:class) on a link to another dataset or the catalogue holds
    cited = {o for _s, _p, o in triples if not isinstance(o, Literal) and o not in owners}
    for obj in cited:
        triples.extend((obj, RDF.type, cls) for cls in source.objects(obj, RDF.type))
    return triples, owners, labels


def check_page(
    source: TripleSource,
    datasets: Sequence[tuple[Node, Dataset]],
    *,
    limit: int = DEFAULT_LIMIT,
    version: str = DEFAULT_VERSION,
    max_issues: int = MAX_ISSUES,
    engine: str = "auto",
) -> PageShacl:
    """Validate the first ``limit`` datasets of a page in one call (the compiled evaluator,
    or pyshacl: ``shacl.shape_issues``) and store each one's verdict in its extras; the
    others get none (the criterion says so)."""
    started = time.perf_counter()
    chosen = list(datasets)[: max(limit, 0)]
    if not chosen:
        return PageShacl(0, len(datasets), 0, 0, 0.0)
    triples, owners, labels = page_triples(source, [node for node, _ in chosen])
    size = len(triples)
    found: dict[Node, list[dict[str, str | None]]] = {node: [] for node, _ in chosen}
    results = 0
    for focus, issue in shape_issues(triples, version, engine=engine):
        for owner in owners.get(focus, []):
            found[owner].append(issue.as_dict(labels[owner].get(focus)))
            results += 1
    for node, dataset in chosen:
        dataset.extras["shacl"] = verdict(version, labels[node][node], found[node], max_issues)
    seconds = round(time.perf_counter() - started, 3)
    return PageShacl(len(chosen), len(datasets) - len(chosen), size, results, seconds)
