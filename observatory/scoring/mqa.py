"""The data.europa.eu Metadata Quality Assessment (MQA) score, out of 405, shown beside ours.

Five dimensions, as data.europa.eu weighs them: Findability 100, Accessibility 100,
Interoperability 110, Reusability 75, Contextuality 20. Dataset-level indicators earn all
or nothing; distribution-level ones earn ``share of distributions meeting it × points``
(a dataset without distribution earns none of them). Ratings: Excellent 351–405, Good
221–350, Sufficient 121–220, Bad 0–120. A catalogue's score is the mean of its datasets'.

Reachability (accessURL, downloadURL: 200 ≤ status < 400) comes from stored probes; a URL
never probed is "not checked": it earns nothing in ``total`` but counts in ``possible``,
the best score the dataset could reach, so a missing probe is never mistaken for a
failure. Likewise DCAT-AP SHACL compliance when no graph was validated.

Two entry points compute the same facts: ``mqa_from_graph`` reads the RDF itself and sees
what the normalised model drops (is the format an EU file-type IRI, the media type an
IANA one, the licence from a vocabulary); ``mqa_dataset`` works from a ``Dataset`` of any
source and can only judge vocabularies by value (a format name that is an EU file-type
code counts as from the vocabulary). For DCAT sources the graph reading is authoritative.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, SKOS
from rdflib.term import Node

from observatory.model import Dataset, Distribution, ProbeResult
from observatory.scoring.mqa_vocab import (
    MACHINE_READABLE,
    NON_PROPRIETARY,
    access_rights_from_vocabulary,
    eu_code,
    iana_media_type,
    is_eu_file_type_iri,
    licence_from_vocabulary,
)
from observatory.scoring.shacl import (
    DEFAULT_VERSION,
    CatalogueShacl,
    dataset_nodes,
    subject_id,
    validate_graph,
)

MAX_TOTAL = 405
DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability", "contextuality")

#: (rating, lowest total) from best to worst.
RATINGS: tuple[tuple[str, int], ...] = (
    ("Excellent", 351),
    ("Good", 221),
    ("Sufficient", 121),
    ("Bad", 0),
)


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    label: str  # French
    points: int
    level: str  # dataset | distribution


INDICATORS: tuple[Indicator, ...] = (
    Indicator("keyword", "findability", "Mots-clés", 30, "dataset"),
    Indicator("theme", "findability", "Thèmes (catégories)", 30, "dataset"),
    Indicator("spatial", "findability", "Couverture géographique", 20, "dataset"),
    Indicator("temporal", "findability", "Couverture temporelle", 20, "dataset"),
    Indicator("access_url_reachable", "accessibility", "accessURL joignable", 50, "distribution"),
    Indicator("download_url", "accessibility", "downloadURL renseignée", 20, "distribution"),
    Indicator(
        "download_url_reachable", "accessibility", "downloadURL joignable", 30, "distribution"
    ),
    Indicator("format", "interoperability", "Format", 20, "distribution"),
    Indicator("media_type", "interoperability", "Type de média", 10, "distribution"),
    Indicator(
        "format_vocabulary",
        "interoperability",
        "Format et type de média issus d'un vocabulaire",
        10,
        "distribution",
    ),
    Indicator("non_proprietary", "interoperability", "Format non propriétaire", 20, "distribution"),
    Indicator(
        "machine_readable", "interoperability", "Format lisible par machine", 20, "distribution"
    ),
    Indicator("dcat_ap", "interoperability", "Conformité DCAT-AP (SHACL)", 30, "dataset"),
    Indicator("licence", "reusability", "Licence", 20, "distribution"),
    Indicator("licence_vocabulary", "reusability", "Licence d'un vocabulaire", 10, "distribution"),
    Indicator("access_rights", "reusability", "Droits d'accès", 10, "dataset"),
    Indicator(
        "access_rights_vocabulary", "reusability", "Droits d'accès d'un vocabulaire", 5, "dataset"
    ),
    Indicator("contact_point", "reusability", "Point de contact", 20, "dataset"),
    Indicator("publisher", "reusability", "Éditeur", 10, "dataset"),
    Indicator("rights", "contextuality", "Conditions d'utilisation (rights)", 5, "distribution"),
    Indicator("byte_size", "contextuality", "Taille du fichier", 5, "distribution"),
    Indicator("issued", "contextuality", "Date de publication", 5, "distribution"),
    Indicator("modified", "contextuality", "Date de modification", 5, "distribution"),
)
assert sum(i.points for i in INDICATORS) == MAX_TOTAL


def rating(total: float) -> str:
    """The data.europa.eu rating of a score out of 405."""
    for name, floor in RATINGS:
        if total >= floor:
            return name
    return "Bad"


# --- facts and scoring -------------------------------------------------------------------
@dataclass
class DistributionFacts:
    """What the MQA looks at in one distribution; None reachability = not checked."""

    access_url: str | None = None
    download_url: str | None = None
    format: str | None = None
    media_type: str | None = None
    format_vocabulary: bool = False
    media_type_vocabulary: bool = False
    licence: str | None = None
    rights: bool = False
    byte_size: bool = False
    issued: bool = False
    modified: bool = False
    access_ok: bool | None = None
    download_ok: bool | None = None


@dataclass
class DatasetFacts:
    subject: str
    title: str = ""
    keyword: bool = False
    theme: bool = False
    spatial: bool = False
    temporal: bool = False
    access_rights: str | None = None
    contact_point: bool = False
    publisher: bool = False
    shacl_ok: bool | None = None
    distributions: list[DistributionFacts] = field(default_factory=list)


@dataclass
class MqaIndicator:
    """Points earned on one indicator; ``share`` for distribution-level ones."""

    id: str
    dimension: str
    label: str
    points: float
    max: int
    possible: float  # points if every unchecked URL or graph turned out fine
    checked: bool = True
    share: float | None = None


@dataclass
class MqaResult:
    subject: str
    title: str
    indicators: list[MqaIndicator]
    total: float
    possible: float
    rating: str
    max_total: int = MAX_TOTAL
    datasets: int = 1

    @property
    def unchecked(self) -> list[str]:
        return [i.id for i in self.indicators if not i.checked]

    def dimensions(self) -> dict[str, tuple[float, int]]:
        """Dimension -> (points earned, maximum)."""
        out = {d: (0.0, 0) for d in DIMENSIONS}
        for ind in self.indicators:
            got, top = out[ind.dimension]
            out[ind.dimension] = (round(got + ind.points, 2), top + ind.max)
        return out

    def points(self) -> dict[str, float]:
        return {i.id: i.points for i in self.indicators}


def _dist_values(d: DistributionFacts) -> dict[str, bool | None]:
    """Does distribution ``d`` meet each distribution indicator? (None: not checked)."""
    code = eu_code(d.format) or eu_code(d.media_type)
    return {
        "access_url_reachable": d.access_ok if d.access_url else False,
        "download_url": bool(d.download_url),
        "download_url_reachable": d.download_ok if d.download_url else False,
        "format": bool(d.format),
        "media_type": bool(d.media_type),
        "non_proprietary": code in NON_PROPRIETARY,
        "machine_readable": code in MACHINE_READABLE,
        "licence": bool(d.licence),
        "licence_vocabulary": licence_from_vocabulary(d.licence),
        "rights": d.rights,
        "byte_size": d.byte_size,
        "issued": d.issued,
        "modified": d.modified,
    }


def _distribution_indicator(
    ind: Indicator, dists: list[DistributionFacts], met: list[dict[str, bool | None]]
) -> MqaIndicator:
    """One distribution indicator over a dataset's distributions (``met``: their
    ``_dist_values``, computed once for all indicators)."""
    if not dists:
        return MqaIndicator(ind.id, ind.dimension, ind.label, 0.0, ind.points, 0.0, True, 0.0)
    if ind.id == "format_vocabulary":  # both properties count, as ckan-mqa does
        hits = [(d.format_vocabulary + d.media_type_vocabulary) / 2 for d in dists]
        share = sum(hits) / len(dists)
        pts = round(share * ind.points, 2)
        return MqaIndicator(ind.id, ind.dimension, ind.label, pts, ind.points, pts, True, share)
    values = [m[ind.id] for m in met]
    yes = sum(1 for v in values if v is True)
    unknown = sum(1 for v in values if v is None)
    share = yes / len(dists)
    return MqaIndicator(
        ind.id,
        ind.dimension,
        ind.label,
        round(share * ind.points, 2),
        ind.points,
        round((yes + unknown) / len(dists) * ind.points, 2),
        unknown == 0,
        round(share, 4),
    )


def _dataset_value(ind_id: str, facts: DatasetFacts) -> bool | None:
    values: dict[str, bool | None] = {
        "keyword": facts.keyword,
        "theme": facts.theme,
        "spatial": facts.spatial,
        "temporal": facts.temporal,
        "dcat_ap": facts.shacl_ok,
        "access_rights": bool(facts.access_rights),
        "access_rights_vocabulary": access_rights_from_vocabulary(facts.access_rights),
        "contact_point": facts.contact_point,
        "publisher": facts.publisher,
    }
    return values[ind_id]


def score_facts(facts: DatasetFacts) -> MqaResult:
    """Apply the MQA grid to one dataset's facts."""
    indicators: list[MqaIndicator] = []
    met = [_dist_values(d) for d in facts.distributions]
    for ind in INDICATORS:
        if ind.level == "distribution":
            indicators.append(_distribution_indicator(ind, facts.distributions, met))
            continue
        value = _dataset_value(ind.id, facts)
        earned = float(ind.points) if value else 0.0
        possible = float(ind.points) if value is not False else 0.0
        indicators.append(
            MqaIndicator(
                ind.id, ind.dimension, ind.label, earned, ind.points, possible, value is not None
            )
        )
    total = round(sum(i.points for i in indicators), 2)
    possible = round(sum(i.possible for i in indicators), 2)
    return MqaResult(facts.subject, facts.title, indicators, total, possible, rating(total))


def catalogue_mqa(results: list[MqaResult], subject: str = "catalogue") -> MqaResult:
    """The catalogue's MQA: the mean of its datasets' points, indicator by indicator."""
    n = len(results)
    indicators = []
    for pos, ind in enumerate(INDICATORS):
        rows = [r.indicators[pos] for r in results]
        mean = round(sum(r.points for r in rows) / n, 2) if n else 0.0
        best = round(sum(r.possible for r in rows) / n, 2) if n else 0.0
        shares = [r.share for r in rows if r.share is not None]
        indicators.append(
            MqaIndicator(
                ind.id,
                ind.dimension,
                ind.label,
                mean,
                ind.points,
                best,
                all(r.checked for r in rows),
                round(sum(shares) / len(shares), 4) if shares else None,
            )
        )
    total = round(sum(r.total for r in results) / n, 2) if n else 0.0
    possible = round(sum(r.possible for r in results) / n, 2) if n else 0.0
    return MqaResult(subject, subject, indicators, total, possible, rating(total), datasets=n)


def reachable(url: str | None, probes: dict[str, ProbeResult] | None) -> bool | None:
    """200 ≤ status < 400 in the latest probe of ``url``; None when never probed."""
    if not url or not probes or url not in probes:
        return None
    probe = probes[url]
    if probe.status is not None:
        return 200 <= probe.status < 400
    if probe.outcome in ("down",):
        return False
    return None  # refused by the guard, or unknown (429…): not checked


# --- from the normalised model ----------------------------------------------------------
def _download_url(dist: Distribution) -> str | None:
    """The downloadURL: explicit, or the access URL when the source said it is one too.

    udata resources are files: udata's own DCAT export writes their URL as downloadURL.
    """
    if dist.download_url:
        return dist.download_url
    if dist.extras.get("has_download_url") or "filetype" in dist.extras:
        return dist.url
    return None


def _facts_from_distribution(
    dist: Distribution, dataset: Dataset, probes: dict[str, ProbeResult] | None
) -> DistributionFacts:
    download = _download_url(dist)
    licence = dist.license or dataset.license
    return DistributionFacts(
        access_url=dist.url or None,
        download_url=download,
        format=dist.format,
        media_type=dist.media_type,
        format_vocabulary=eu_code(dist.format) is not None,
        media_type_vocabulary=iana_media_type(dist.media_type) is not None,
        licence=licence,
        rights=bool(dist.extras.get("rights")),
        byte_size=dist.byte_size is not None,
        issued=dist.issued is not None,
        modified=dist.modified is not None,
        access_ok=reachable(dist.url, probes),
        download_ok=reachable(download, probes),
    )


def mqa_dataset(
    dataset: Dataset,
    probes: dict[str, ProbeResult] | None = None,
    shacl_ok: bool | None = None,
) -> MqaResult:
    """The MQA score of a normalised dataset (any source); probes keyed by URL.

    ``shacl_ok`` defaults to the verdict ``shacl.attach_shacl`` stored in the extras.
    """
    stored = dataset.extras.get("shacl")
    if shacl_ok is None and isinstance(stored, dict):
        shacl_ok = bool(stored.get("conforms"))
    facts = DatasetFacts(
        subject=dataset.key,
        title=dataset.title,
        keyword=bool(dataset.keywords),
        theme=bool(dataset.themes),
        spatial=bool(dataset.spatial),
        temporal=dataset.temporal_start is not None or dataset.temporal_end is not None,
        access_rights=dataset.access_rights,
        contact_point=bool(dataset.contact_point),
        publisher=bool(dataset.publisher or dataset.organization_name),
        shacl_ok=shacl_ok,
        distributions=[_facts_from_distribution(d, dataset, probes) for d in dataset.distributions],
    )
    return score_facts(facts)


# --- from RDF -----------------------------------------------------------------------------
def _values(graph: Graph, node: Node, pred: URIRef) -> list[Node]:
    return [
        v for v in graph.objects(node, pred) if not (isinstance(v, Literal) and not str(v).strip())
    ]


def _value_text(graph: Graph, value: Node) -> str:
    """An IRI or literal as text; a blank node by its rdf:value or label (dct:IMT)."""
    if isinstance(value, BNode):
        for pred in (RDF.value, RDFS.label, SKOS.prefLabel):
            found = graph.value(value, pred)
            if found is not None:
                return str(found)
        return "[nœud anonyme]"
    return str(value)


def _first(graph: Graph, node: Node, pred: URIRef) -> str | None:
    found = _values(graph, node, pred)
    return _value_text(graph, found[0]) if found else None


def _graph_distribution(
    graph: Graph, node: Node, dataset: Node, probes: dict[str, ProbeResult] | None
) -> DistributionFacts:
    if isinstance(node, Literal):  # a bare URL where a distribution belongs
        url = str(node)
        return DistributionFacts(access_url=url, access_ok=reachable(url, probes))
    access = _first(graph, node, DCAT.accessURL)
    download = _first(graph, node, DCAT.downloadURL)
    fmt_nodes = _values(graph, node, DCTERMS.format)
    media_nodes = _values(graph, node, DCAT.mediaType)
    fmt = _value_text(graph, fmt_nodes[0]) if fmt_nodes else None
    media = _value_text(graph, media_nodes[0]) if media_nodes else None
    return DistributionFacts(
        access_url=access,
        download_url=download,
        format=fmt,
        media_type=media,
        format_vocabulary=any(
            is_eu_file_type_iri(str(v)) for v in fmt_nodes if isinstance(v, URIRef)
        ),
        media_type_vocabulary=any(
            iana_media_type(str(v)) is not None
            for v in media_nodes
            if isinstance(v, URIRef | Literal)
        ),
        licence=_first(graph, node, DCTERMS.license) or _first(graph, dataset, DCTERMS.license),
        rights=bool(_values(graph, node, DCTERMS.rights)),
        byte_size=bool(_values(graph, node, DCAT.byteSize)),
        issued=bool(_values(graph, node, DCTERMS.issued)),
        modified=bool(_values(graph, node, DCTERMS.modified)),
        access_ok=reachable(access, probes),
        download_ok=reachable(download, probes),
    )


def facts_from_graph(
    graph: Graph, node: Node, probes: dict[str, ProbeResult] | None = None
) -> DatasetFacts:
    """The MQA facts of one dcat:Dataset node, read from the RDF."""
    has = lambda pred: bool(_values(graph, node, pred))  # noqa: E731
    return DatasetFacts(
        subject=subject_id(node),
        title=_first(graph, node, DCTERMS.title) or "",
        keyword=has(DCAT.keyword),
        theme=has(DCAT.theme),
        spatial=has(DCTERMS.spatial),
        temporal=has(DCTERMS.temporal),
        access_rights=_first(graph, node, DCTERMS.accessRights),
        contact_point=has(DCAT.contactPoint),
        publisher=has(DCTERMS.publisher),
        distributions=[
            _graph_distribution(graph, d, node, probes)
            for d in graph.objects(node, DCAT.distribution)
        ],
    )


def mqa_from_graph(
    graph: Graph,
    probes: dict[str, ProbeResult] | None = None,
    shacl: CatalogueShacl | bool | None = True,
    version: str = DEFAULT_VERSION,
) -> list[MqaResult]:
    """The MQA of every dcat:Dataset of a graph, in a stable order.

    ``shacl``: True validates the graph with the DCAT-AP shapes of ``version``; a
    ``CatalogueShacl`` reuses a validation already made; False/None leaves the DCAT-AP
    indicator "not checked".
    """
    if shacl is True:
        shacl = validate_graph(graph, version)
    reports = shacl.datasets if isinstance(shacl, CatalogueShacl) else {}
    out = []
    for node in dataset_nodes(graph):
        facts = facts_from_graph(graph, node, probes)
        report = reports.get(facts.subject)
        facts.shacl_ok = report.conforms if report is not None else None
        out.append(score_facts(facts))
    return out


def mqa_table(result: MqaResult) -> list[tuple[str, str, float, int]]:
    """(dimension, indicator label, points, max) rows, for reports and tests."""
    return [(i.dimension, i.label, i.points, i.max) for i in result.indicators]
