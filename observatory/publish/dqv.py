"""The results as W3C DQV (Data Quality Vocabulary) RDF, for catalogues to ingest.

One ``dqv:QualityMeasurement`` per dataset and metric that has a value (a criterion not
applicable to a dataset gives no measurement). Metrics are the overall score, the four
pillar scores (0..100) and each criterion (0..1); each is defined in the file with its
``dqv:inDimension`` (one dimension per pillar, plus one for the overall score).

Both files are written in a stream, one node (a subject and its statements) at a time:
``quality.ttl`` as Turtle, ``quality.jsonld`` as expanded JSON-LD (an array of node
objects). A dataset appears as one node for its scores and, when it is a reference
dataset, once more for its compliance verdicts (RDF merges them). No graph is built.
"""

from __future__ import annotations

import hashlib
import itertools
import pickle
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, SKOS

from observatory.model import (
    PILLARS,
    CriterionResult,
    Dataset,
    DatasetScore,
    SharedResults,
    Snapshot,
)
from observatory.publish import labels
from observatory.publish.exports import JsonArray
from observatory.publish.paths import web_url
from observatory.scoring.registry import all_criteria

DQV = Namespace("http://www.w3.org/ns/dqv#")
OBS = Namespace("https://observatoire.data.gouv.fr/qualite#")
OVERALL = "score-global"


#: Characters a Turtle IRI may not hold (besides controls and space).
NOT_IN_IRI = frozenset('<>"{}|^`\\')
#: A node: its IRI, then (predicate, object) pairs in the order they are written.
Node = tuple[URIRef, list[tuple[URIRef, URIRef | Literal]]]
PREFIXES: dict[str, str] = {
    prefix: str(namespace)
    for prefix, namespace in (
        ("dqv", DQV),
        ("prov", PROV),
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("obs", OBS),
        ("skos", SKOS),
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("xsd", XSD),
    )
}


def dataset_iri(dataset: Dataset) -> URIRef:
    """The dataset's own IRI when it is an http(s) URI, else a stable URN from its key."""
    for candidate in (dataset.uri, dataset.landing_page):
        url = web_url(candidate)
        if url and not any(ch in NOT_IN_IRI or ord(ch) <= 0x20 for ch in url):
            return URIRef(url)
    digest = hashlib.sha256(dataset.key.encode("utf-8")).hexdigest()[:32]
    return URIRef(f"urn:observatoire:jeu:{digest}")


def _metric(metric_id: str, label: str, dimension: str, comment: str) -> Node:
    return (
        OBS[f"metrique-{metric_id}"],
        [
            (RDF.type, DQV.Metric),
            (SKOS.prefLabel, Literal(label, lang="fr")),
            (DQV.expectedDataType, XSD.decimal),
            (DQV.inDimension, OBS[f"dimension-{dimension}"]),
            (RDFS.comment, Literal(comment, lang="fr")),
        ],
    )


def _dimension(key: str, label: str) -> Node:
    iri = OBS[f"dimension-{key}"]
    return iri, [(RDF.type, DQV.Dimension), (SKOS.prefLabel, Literal(label, lang="fr"))]


def metric_nodes() -> Iterator[Node]:
    """Dimensions, then the metrics: overall score, pillars, every criterion."""
    dims = {**labels.PILLAR_LABELS, "global": "Qualité globale"}
    for key, label in dims.items():
        yield _dimension(key, label)
    yield _metric(OVERALL, "Note globale", "global", "Note sur 100.")
    for pillar in PILLARS:
        label = f"Note {labels.PILLAR_LABELS[pillar]}"
        yield _metric(f"pilier-{pillar}", label, pillar, "Note sur 100.")
    for crit in all_criteria():
        yield _metric(crit.id, crit.label, crit.pillar, "Score de 0 à 1.")


def _decimal(value: float) -> Literal:
    """A score as an ``xsd:decimal``."""
    return _decimal_of(str(round(value, 4)))


@lru_cache(maxsize=4096)
def _decimal_of(text: str) -> Literal:
    """Kept by its text (scores repeat; 1 and 1.0, 0.0 and -0.0 stay apart)."""
    return Literal(Decimal(text), datatype=XSD.decimal)


# The terms every measurement states, made once (each namespace attribute is a lookup).
_TYPE, _MEASUREMENT, _ON, _OF = (
    RDF.type,
    DQV.QualityMeasurement,
    DQV.computedOn,
    DQV.isMeasurementOf,
)
_VALUE, _AT = DQV.value, PROV.generatedAtTime


def measurement_nodes(snapshot: Snapshot) -> Iterator[Node]:
    """Per scored dataset: its node, then one node per measurement of its scores."""
    known = {OVERALL, *(f"pilier-{p}" for p in PILLARS), *(c.id for c in all_criteria())}
    metrics = {metric_id: OBS[f"metrique-{metric_id}"] for metric_id in known}
    at = Literal(snapshot.run.started_at.isoformat(), datatype=XSD.dateTime)
    for dataset in snapshot.datasets:
        score = snapshot.scores.get(dataset.key)
        if score is None:
            continue
        iri = dataset_iri(dataset)
        values: dict[str, float | None] = {OVERALL: score.overall}
        values |= {f"pilier-{p}": score.pillars.get(p) for p in PILLARS}
        values |= {r.criterion_id: r.score for r in score.results}
        found: list[Node] = []
        for metric_id, value in values.items():
            if value is None or metric_id not in known:
                continue
            m = URIRef(f"{OBS}mesure-{_digest(dataset.key, metric_id, snapshot.run.id)}")
            statements: list[tuple[URIRef, URIRef | Literal]] = [
                (_TYPE, _MEASUREMENT),
                (_ON, iri),
                (_OF, metrics[metric_id]),
                (_VALUE, _decimal(value)),
                (_AT, at),
            ]
            found.append((m, statements))
        head: list[tuple[URIRef, URIRef | Literal]] = [
            (RDF.type, DCAT.Dataset),
            (DCTERMS.identifier, Literal(dataset.key)),
        ]
        yield iri, head + [(DQV.hasQualityMeasurement, m) for m, _ in found]
        yield from found


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:24]


def compliance_nodes(snapshot: Snapshot, records: list[dict[str, str]]) -> Iterator[Node]:
    """The 12-month compliance grid: one measurement per SPDR dataset, obligation and month,
    valued met / not_met / insufficient / in_progress, its month as ``dct:temporal``."""
    by_spdr = {d.spdr: d for d in snapshot.datasets if d.spdr}
    metrics_done: set[str] = set()
    for record in records:
        dataset = by_spdr.get(record["spdr"])
        if dataset is None:
            continue
        key = record["obligation"]
        metric = OBS[f"metrique-obligation-{key}"]
        if key not in metrics_done:
            yield (
                metric,
                [
                    (RDF.type, DQV.Metric),
                    (SKOS.prefLabel, Literal(labels.legal_label(key), lang="fr")),
                    (DQV.expectedDataType, XSD.string),
                    (DQV.inDimension, OBS["dimension-legal"]),
                    (RDFS.comment, Literal(LEGAL_COMMENT, lang="fr")),
                ],
            )
            metrics_done.add(key)
        m = URIRef(f"{OBS}conformite-{_digest(dataset.key, key, record['month'])}")
        iri = dataset_iri(dataset)
        yield (
            m,
            [
                (RDF.type, DQV.QualityMeasurement),
                (DQV.computedOn, iri),
                (DQV.isMeasurementOf, metric),
                (DQV.value, Literal(record["verdict"])),
                (DCTERMS.temporal, Literal(record["month"], datatype=XSD.gYearMonth)),
            ],
        )
        yield iri, [(DQV.hasQualityMeasurement, m)]
    if metrics_done:
        yield _dimension("legal", "Obligations légales")


LEGAL_COMMENT = (
    "Obligation de l'arrêté du 14 juin 2017 pour un mois civil : met (respectée), not_met "
    "(non respectée), insufficient (données insuffisantes) ou in_progress (mois en cours)."
)


def _turtle_term(term: URIRef | Literal) -> str:
    """A term in Turtle: prefixed names for the vocabularies, else ``<IRI>`` or a literal
    with rdflib's escaping (an IRI Turtle cannot hold raises instead of being written)."""
    if isinstance(term, URIRef):
        return _turtle_iri(term)
    return _turtle_literal(str(term), term.language, term.datatype)


@lru_cache(maxsize=4096)
def _turtle_iri(term: URIRef) -> str:
    """An IRI in Turtle (vocabulary terms, metrics and datasets repeat: kept a while)."""
    return _prefixed(str(term)) or term.n3()


@lru_cache(maxsize=4096)
def _turtle_literal(lexical: str, language: str | None, datatype: URIRef | None) -> str:
    """A literal in Turtle, kept a while by its parts (values, dates and labels repeat;
    rdflib's equal literals may differ in their language tag's case)."""
    if datatype is not None:
        return f"{_quoted(lexical)}^^{_turtle_term(datatype)}"
    return str(Literal(lexical, lang=language).n3())


#: Namespace -> prefix; every namespace ends with "#" or "/", so an IRI's namespace is
#: what its last "#" or "/" ends.
_BY_NAMESPACE = {namespace: prefix for prefix, namespace in PREFIXES.items()}
assert all(ns.endswith(("#", "/")) for ns in _BY_NAMESPACE)


def _prefixed(iri: str) -> str | None:
    """``prefix:local`` when ``iri`` is in a known vocabulary with a plain local name."""
    cut = max(iri.rfind("#"), iri.rfind("/")) + 1
    prefix = _BY_NAMESPACE.get(iri[:cut])
    local = iri[cut:]
    if prefix is not None and local and local.replace("-", "").replace("_", "").isalnum():
        return f"{prefix}:{local}"
    return None


@lru_cache(maxsize=4096)
def _quoted(lexical: str) -> str:
    """A lexical form as a quoted Turtle string (values and dates repeat: kept a while)."""
    return str(Literal(lexical).n3())


def turtle_node(node: Node) -> str:
    """One subject and its statements as a Turtle block."""
    subject, statements = node
    lines = [f"    {_turtle_term(p)} {_turtle_term(o)}" for p, o in statements]
    return f"{_turtle_term(subject)}\n" + " ;\n".join(lines) + " .\n\n"


def jsonld_node(node: Node) -> dict[str, Any]:
    """One subject and its statements as an expanded JSON-LD node object."""
    subject, statements = node
    out: dict[str, Any] = {"@id": str(subject)}
    for predicate, obj in statements:
        if predicate == RDF.type:
            out.setdefault("@type", []).append(str(obj))
            continue
        if isinstance(obj, URIRef):
            value: dict[str, str] = {"@id": str(obj)}
        elif obj.language:
            value = {"@value": str(obj), "@language": obj.language}
        elif obj.datatype is not None:
            value = {"@value": str(obj), "@type": str(obj.datatype)}
        else:
            value = {"@value": str(obj)}
        out.setdefault(str(predicate), []).append(value)
    return out


def dqv_snapshot(snapshot: Snapshot) -> Snapshot:
    """What ``write_dqv`` reads of ``snapshot``, and no more (the run; each dataset's key,
    IRIs and reference key; each score's values): small enough to hand to the helper
    process (``publish.helper``)."""
    datasets = [
        Dataset(
            d.key,
            d.catalogue_id,
            d.source_id,
            "",
            uri=d.uri,
            landing_page=d.landing_page,
            spdr=d.spdr,
        )
        for d in snapshot.datasets
    ]
    shared = SharedResults()  # each shared result is pickled once

    def result(r: CriterionResult) -> CriterionResult:
        return shared.get(r.criterion_id, r.pillar, r.status, r.score, r.weight)

    scores = {
        key: DatasetScore(key, [result(r) for r in s.results], dict(s.pillars), s.overall)
        for key, s in snapshot.scores.items()
    }
    return Snapshot(run=snapshot.run, datasets=datasets, scores=scores)


def packed(snapshot: Snapshot) -> bytes:
    """``dqv_snapshot`` pickled, for ``write_packed``: a job queued for the helper process
    is held until it ends, and these bytes are a third of the objects' size (50,000
    datasets: about 24 MB, against 65 MB), which are freed at once."""
    return pickle.dumps(dqv_snapshot(snapshot), protocol=pickle.HIGHEST_PROTOCOL)


def write_packed(
    data_dir: Path, snapshot: bytes, compliance: list[dict[str, str]] | None = None
) -> list[str]:
    """``write_dqv`` of a snapshot ``packed`` by this process (never a stranger's bytes)."""
    return write_dqv(data_dir, pickle.loads(snapshot), compliance)  # noqa: S301 - our own


def write_dqv(
    data_dir: Path, snapshot: Snapshot, compliance: list[dict[str, str]] | None = None
) -> list[str]:
    """Write ``quality.ttl`` and ``quality.jsonld``, node by node; return their names."""
    nodes = itertools.chain(
        metric_nodes(), measurement_nodes(snapshot), compliance_nodes(snapshot, compliance or [])
    )
    with (
        (data_dir / "quality.ttl").open("w", encoding="utf-8") as ttl,
        (data_dir / "quality.jsonld").open("w", encoding="utf-8") as jsonld,
        JsonArray(jsonld) as array,
    ):
        ttl.writelines(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
        ttl.write("\n")
        for node in nodes:
            ttl.write(turtle_node(node))
            array.add(jsonld_node(node))
    return ["quality.ttl", "quality.jsonld"]
