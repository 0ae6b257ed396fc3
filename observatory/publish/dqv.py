"""The results as W3C DQV (Data Quality Vocabulary) RDF, for catalogues to ingest.

One ``dqv:QualityMeasurement`` per dataset and metric that has a value (a criterion not
applicable to a dataset gives no measurement). Metrics are the overall score, the four
pillar scores (0..100) and each criterion (0..1); each is defined in the file with its
``dqv:inDimension`` (one dimension per pillar, plus one for the overall score).
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, SKOS

from observatory.model import PILLARS, Dataset, Snapshot
from observatory.publish import labels
from observatory.publish.paths import web_url
from observatory.scoring.registry import all_criteria

DQV = Namespace("http://www.w3.org/ns/dqv#")
OBS = Namespace("https://observatoire.data.gouv.fr/qualite#")
OVERALL = "score-global"


def dataset_iri(dataset: Dataset) -> URIRef:
    """The dataset's own IRI when it is an http(s) URI, else a stable URN from its key."""
    for candidate in (dataset.uri, dataset.landing_page):
        url = web_url(candidate)
        if url and " " not in url and "<" not in url and ">" not in url and '"' not in url:
            return URIRef(url)
    digest = hashlib.sha256(dataset.key.encode("utf-8")).hexdigest()[:32]
    return URIRef(f"urn:observatoire:jeu:{digest}")


def _metric(g: Graph, metric_id: str, label: str, dimension: str, comment: str) -> URIRef:
    iri = OBS[f"metrique-{metric_id}"]
    g.add((iri, RDF.type, DQV.Metric))
    g.add((iri, SKOS.prefLabel, Literal(label, lang="fr")))
    g.add((iri, DQV.expectedDataType, XSD.decimal))
    g.add((iri, DQV.inDimension, OBS[f"dimension-{dimension}"]))
    g.add((iri, RDFS.comment, Literal(comment, lang="fr")))
    return iri


def metrics(g: Graph) -> dict[str, URIRef]:
    """Define dimensions and metrics in ``g``; metric id -> IRI."""
    dims = {**labels.PILLAR_LABELS, "global": "Qualité globale"}
    for key, label in dims.items():
        iri = OBS[f"dimension-{key}"]
        g.add((iri, RDF.type, DQV.Dimension))
        g.add((iri, SKOS.prefLabel, Literal(label, lang="fr")))
    out = {OVERALL: _metric(g, OVERALL, "Note globale", "global", "Note sur 100.")}
    for pillar in PILLARS:
        out[f"pilier-{pillar}"] = _metric(
            g, f"pilier-{pillar}", f"Note {labels.PILLAR_LABELS[pillar]}", pillar, "Note sur 100."
        )
    for crit in all_criteria():
        out[crit.id] = _metric(g, crit.id, crit.label, crit.pillar, "Score de 0 à 1.")
    return out


def _decimal(value: float) -> Literal:
    return Literal(Decimal(str(round(value, 4))), datatype=XSD.decimal)


def quality_graph(snapshot: Snapshot) -> Graph:
    """Every measurement of a run, as an rdflib Graph."""
    g = Graph()
    g.bind("dqv", DQV)
    g.bind("prov", PROV)
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    g.bind("obs", OBS)
    g.bind("skos", SKOS)
    found = metrics(g)
    at = Literal(snapshot.run.started_at.isoformat(), datatype=XSD.dateTime)
    for dataset in snapshot.datasets:
        score = snapshot.scores.get(dataset.key)
        if score is None:
            continue
        iri = dataset_iri(dataset)
        g.add((iri, RDF.type, DCAT.Dataset))
        g.add((iri, DCTERMS.identifier, Literal(dataset.key)))
        values: dict[str, float | None] = {OVERALL: score.overall}
        values |= {f"pilier-{p}": score.pillars.get(p) for p in PILLARS}
        values |= {r.criterion_id: r.score for r in score.results}
        for metric_id, value in values.items():
            if value is None or metric_id not in found:
                continue
            m = URIRef(f"{OBS}mesure-{_digest(dataset.key, metric_id, snapshot.run.id)}")
            g.add((m, RDF.type, DQV.QualityMeasurement))
            g.add((m, DQV.computedOn, iri))
            g.add((m, DQV.isMeasurementOf, found[metric_id]))
            g.add((m, DQV.value, _decimal(value)))
            g.add((m, PROV.generatedAtTime, at))
            g.add((iri, DQV.hasQualityMeasurement, m))
    return g


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:24]


def add_compliance(g: Graph, snapshot: Snapshot, records: list[dict[str, str]]) -> None:
    """The 12-month compliance grid: one measurement per SPDR dataset, obligation and month,
    valued met / not_met / insufficient / in_progress, its month as ``dct:temporal``."""
    by_spdr = {d.spdr: d for d in snapshot.datasets if d.spdr}
    metrics_done: dict[str, URIRef] = {}
    for record in records:
        dataset = by_spdr.get(record["spdr"])
        if dataset is None:
            continue
        key = record["obligation"]
        if key not in metrics_done:
            iri = OBS[f"metrique-obligation-{key}"]
            g.add((iri, RDF.type, DQV.Metric))
            g.add((iri, SKOS.prefLabel, Literal(labels.legal_label(key), lang="fr")))
            g.add((iri, DQV.expectedDataType, XSD.string))
            g.add((iri, DQV.inDimension, OBS["dimension-legal"]))
            g.add((iri, RDFS.comment, Literal(LEGAL_COMMENT, lang="fr")))
            metrics_done[key] = iri
        m = URIRef(f"{OBS}conformite-{_digest(dataset.key, key, record['month'])}")
        g.add((m, RDF.type, DQV.QualityMeasurement))
        g.add((m, DQV.computedOn, dataset_iri(dataset)))
        g.add((m, DQV.isMeasurementOf, metrics_done[key]))
        g.add((m, DQV.value, Literal(record["verdict"])))
        g.add((m, DCTERMS.temporal, Literal(record["month"], datatype=XSD.gYearMonth)))
        g.add((dataset_iri(dataset), DQV.hasQualityMeasurement, m))
    if metrics_done:
        g.add((OBS["dimension-legal"], RDF.type, DQV.Dimension))
        g.add((OBS["dimension-legal"], SKOS.prefLabel, Literal("Obligations légales", lang="fr")))


LEGAL_COMMENT = (
    "Obligation de l'arrêté du 14 juin 2017 pour un mois civil : met (respectée), not_met "
    "(non respectée), insufficient (données insuffisantes) ou in_progress (mois en cours)."
)


def write_dqv(
    data_dir: Path, snapshot: Snapshot, compliance: list[dict[str, str]] | None = None
) -> list[str]:
    """Write ``quality.ttl`` and ``quality.jsonld``; return their names."""
    g = quality_graph(snapshot)
    add_compliance(g, snapshot, compliance or [])
    g.serialize(destination=str(data_dir / "quality.ttl"), format="turtle", encoding="utf-8")
    jsonld = json.loads(g.serialize(format="json-ld"))
    text = json.dumps(_ordered(jsonld), ensure_ascii=False, indent=2, sort_keys=True)
    (data_dir / "quality.jsonld").write_text(text + "\n", encoding="utf-8")
    return ["quality.ttl", "quality.jsonld"]


def _ordered(value: Any) -> Any:
    """JSON-LD with every array sorted (an RDF graph is a set; ``@list`` keeps its order),
    so the same graph is written as the same bytes whatever the process's hash seed."""
    if isinstance(value, dict):
        return {k: v if k == "@list" else _ordered(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_ordered(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value
