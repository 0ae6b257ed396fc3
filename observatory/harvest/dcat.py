"""DCAT-AP catalogues (RDF/XML, Turtle, JSON-LD, N-Triples) to the normalised model.

One page of a catalogue becomes a ``HarvestPage``: every subject typed ``dcat:Dataset``
(blank nodes included) with its ``dcat:distribution`` links, every ``dcat:DataService``,
the publishers, and the next page from ``hydra:next`` / ``hydra:nextPage`` (IRI or
literal). Problems (unreadable document, invalid dates) are ``SourceError`` records on
the page: ``fetch_dcat_page`` never raises for a source problem. With ``shacl`` > 0 the
page's datasets are also validated against the DCAT-AP shapes while its triples are in
memory (``observatory.scoring.shacl_page``), their verdicts kept in ``extras["shacl"]``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCAT as _DCAT
from rdflib.namespace import DCTERMS as _DCTERMS
from rdflib.namespace import FOAF as _FOAF
from rdflib.namespace import RDF as _RDF
from rdflib.namespace import RDFS as _RDFS
from rdflib.namespace import SKOS as _SKOS
from rdflib.term import Node

from observatory.harvest import rdf_values as rv
from observatory.harvest.rdf_engine import Declined, read_index
from observatory.harvest.rdf_index import TripleIndex, TripleSource, from_graph
from observatory.harvest.rdf_parse import RdfError, looks_like_html, parse_graph, sniff_format
from observatory.harvest.readers import Document, Reader
from observatory.model import (
    Dataset,
    Distribution,
    HarvestPage,
    Organisation,
    SchemaRef,
    Service,
    SourceError,
)
from observatory.net.fetch import FetchError, HttpSettings, fetch


class _Terms:
    """IRIs of one namespace as plain attributes: rdflib's namespace lookups are slow."""

    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, name: str) -> URIRef:
        value = URIRef(self._base + name)
        setattr(self, name, value)
        return value

    def __getitem__(self, name: str) -> URIRef:
        return getattr(self, name)


DCAT = _Terms(str(_DCAT))
DCTERMS = _Terms(str(_DCTERMS))
FOAF = _Terms(str(_FOAF))
RDF = _Terms(str(_RDF))
RDFS = _Terms(str(_RDFS))
SKOS = _Terms(str(_SKOS))
OWL = _Terms("http://www.w3.org/2002/07/owl#")
HYDRA = _Terms("http://www.w3.org/ns/hydra/core#")
VCARD = _Terms("http://www.w3.org/2006/vcard/ns#")
LOCN = _Terms("http://www.w3.org/ns/locn#")
SPDX = _Terms("http://spdx.org/rdf/terms#")
SCHEMAS = (_Terms("http://schema.org/"), _Terms("https://schema.org/"))
ACCEPT = (
    "application/rdf+xml, text/turtle;q=0.9, application/ld+json;q=0.8, "
    "application/n-triples;q=0.7, */*;q=0.1"
)


def _now() -> datetime:
    return datetime.now(UTC)


class _Reader:
    """Reads one parsed graph into model records, collecting notes on bad values."""

    def __init__(self, graph: TripleSource, catalogue_id: str, base_url: str) -> None:
        self.g = graph
        self.cid = catalogue_id
        self.base_url = base_url
        self.notes: list[str] = []
        self.organisations: dict[str, Organisation] = {}
        self.dataset_keys: dict[Node, str] = {}

    # --- datasets -------------------------------------------------------------------
    def dataset_subjects(self) -> list[Node]:
        """Dataset nodes in a stable order: IRIs, then blank nodes by their hints (a blank
        node's label is the parser's choice, different on every read)."""
        subjects = set(self.g.subjects(RDF.type, DCAT.Dataset))
        return sorted(subjects, key=self._order)

    def _order(self, node: Node) -> tuple[bool, str]:
        if not isinstance(node, BNode):
            return False, str(node)
        ident = rv.text(self.g, node, DCTERMS.identifier)
        return True, rv.node_id(node, ident, rv.text(self.g, node, DCTERMS.title))

    def assign_keys(self, subjects: list[Node]) -> None:
        """Give every dataset subject a unique, stable key (hash of hints for blank nodes)."""
        used: set[str] = set()
        for node in subjects:
            ident = rv.text(self.g, node, DCTERMS.identifier)
            title = rv.text(self.g, node, DCTERMS.title)
            base = f"{self.cid}:{rv.node_id(node, ident, title)}"
            key, n = base, 1
            while key in used:
                n += 1
                key = f"{base}-{n}"
            used.add(key)
            self.dataset_keys[node] = key

    def dataset(self, node: Node) -> Dataset:
        g = self.g
        key = self.dataset_keys[node]
        org_key, org_name = self.publisher(node)
        dists = self.distributions(node, key)
        start, end = self.temporal(node)
        license_ = rv.iri(g, node, DCTERMS.license) or next(
            (d.license for d in dists if d.license), None
        )
        return Dataset(
            key=key,
            catalogue_id=self.cid,
            source_id=key.split(":", 1)[1],
            title=rv.text(g, node, DCTERMS.title) or "",
            uri=str(node) if isinstance(node, URIRef) else None,
            description=rv.text(g, node, DCTERMS.description),
            landing_page=rv.iri(g, node, DCAT.landingPage),
            organization_key=org_key,
            organization_name=org_name,
            license=license_,
            frequency=rv.iri(g, node, DCTERMS.accrualPeriodicity),
            issued=rv.when(g, node, DCTERMS.issued, self.notes),
            modified=rv.when(g, node, DCTERMS.modified, self.notes),
            metadata_modified=self.record_modified(node),
            temporal_start=start,
            temporal_end=end,
            spatial=self.spatial(node),
            keywords=rv.texts(g, node, DCAT.keyword),
            themes=rv.texts(g, node, DCAT.theme),
            access_rights=self.first_label(node, DCTERMS.accessRights),
            contact_point=self.contact(node),
            publisher=org_name,
            conforms_to=rv.texts(g, node, DCTERMS.conformsTo),
            distributions=dists,
            extras=self.dataset_extras(node),
        )

    def distributions(self, node: Node, dataset_key: str) -> list[Distribution]:
        """Every dcat:distribution link, with unique keys stable across runs."""
        dists = [self.distribution(d, dataset_key) for d in self.g.objects(node, DCAT.distribution)]
        dists.sort(key=lambda d: (d.key, d.url, d.title or ""))
        seen: dict[str, int] = {}
        for dist in dists:
            seen[dist.key] = seen.get(dist.key, 0) + 1
            if seen[dist.key] > 1:
                dist.key = f"{dist.key}-{seen[dist.key]}"
        return dists

    def dataset_extras(self, node: Node) -> dict[str, object]:
        extras: dict[str, object] = {}
        ident = rv.text(self.g, node, DCTERMS.identifier)
        if ident:
            extras["identifier"] = ident
        version = rv.text(self.g, node, OWL.versionInfo)
        if version:
            extras["version"] = version
        return extras

    def first_label(self, node: Node, predicate: URIRef) -> str | None:
        labels = rv.texts(self.g, node, predicate)
        return labels[0] if labels else None

    def publisher(self, node: Node) -> tuple[str | None, str | None]:
        """The publisher as (organisation key, name); records an Organisation."""
        for pub in rv.objects(self.g, node, [DCTERMS.publisher]):
            name: str | None
            if isinstance(pub, Literal):
                name = str(pub).strip()
                key = f"{self.cid}:{rv.node_id(BNode(), name)}"
            else:
                name = rv.text(self.g, pub, FOAF.name, VCARD.fn, SKOS.prefLabel, RDFS.label)
                key = f"{self.cid}:{rv.node_id(pub, name)}"
            if key not in self.organisations:
                self.organisations[key] = Organisation(
                    key=key,
                    name=name or key,
                    source_id=key.split(":", 1)[1],
                    url=rv.iri(self.g, pub, FOAF.homepage)
                    if not isinstance(pub, Literal)
                    else None,
                )
            return key, name
        return None, None

    def contact(self, node: Node) -> str | None:
        for cp in rv.objects(self.g, node, [DCAT.contactPoint]):
            if isinstance(cp, Literal):
                return str(cp).strip() or None
            name = rv.text(self.g, cp, VCARD.fn, VCARD["organization-name"], FOAF.name)
            email = rv.iri(self.g, cp, VCARD.hasEmail) or rv.iri(self.g, cp, VCARD.email)
            email = email.removeprefix("mailto:").strip() if email else None
            url = rv.iri(self.g, cp, VCARD.hasURL)
            parts = [p for p in (name, f"<{email}>" if email else url) if p]
            if parts:
                return " ".join(parts)
        return None

    def temporal(self, node: Node) -> tuple[date | None, date | None]:
        starts: list[date] = []
        ends: list[date] = []
        for period in rv.objects(self.g, node, [DCTERMS.temporal]):
            start_preds = [DCAT.startDate] + [s.startDate for s in SCHEMAS]
            end_preds = [DCAT.endDate] + [s.endDate for s in SCHEMAS]
            for pred in start_preds:
                value = rv.when(self.g, period, pred, self.notes, day=True)
                if value:
                    starts.append(value)
            for pred in end_preds:
                value = rv.when(self.g, period, pred, self.notes, day=True)
                if value:
                    ends.append(value)
        return (min(starts) if starts else None), (max(ends) if ends else None)

    def spatial(self, node: Node) -> str | None:
        labels: list[str] = []
        for place in rv.objects(self.g, node, [DCTERMS.spatial]):
            if isinstance(place, BNode):
                label = rv.text(
                    self.g, place, SKOS.prefLabel, RDFS.label, LOCN.geographicName
                ) or rv.text(self.g, place, LOCN.geometry, DCAT.bbox, DCAT.centroid)
            else:
                label = str(place).strip()
            if label and label not in labels:
                labels.append(label)
        return ", ".join(labels) or None

    def record_modified(self, node: Node) -> datetime | None:
        """The catalogue record's dct:modified: when the metadata last changed."""
        for record in self.g.subjects(FOAF.primaryTopic, node):
            value = rv.when(self.g, record, DCTERMS.modified, self.notes)
            if value:
                return value
        return None

    # --- distributions --------------------------------------------------------------
    def distribution(self, node: Node, dataset_key: str) -> Distribution:
        g = self.g
        if isinstance(node, Literal):  # a bare URL where a node belongs
            url = str(node).strip()
            return Distribution(key=f"{dataset_key}:{rv.stable_hash(url)}", url=url)
        access = rv.iri(g, node, DCAT.accessURL)
        download = rv.iri(g, node, DCAT.downloadURL)
        title = rv.text(g, node, DCTERMS.title)
        url = access or download or (str(node) if isinstance(node, URIRef) else "")
        fmt_label = self.first_label(node, DCTERMS.format)
        media_label = self.first_label(node, DCAT.mediaType)
        media = rv.media_type_of(media_label) if media_label else None
        if media is None and fmt_label:
            media = rv.media_type_of(fmt_label)
        schema_url = rv.iri(g, node, DCTERMS.conformsTo)
        return Distribution(
            key=f"{dataset_key}:{rv.node_id(node, access, download, title, fmt_label)}",
            url=url,
            source_id=str(node) if isinstance(node, URIRef) else None,
            title=title,
            description=rv.text(g, node, DCTERMS.description),
            format=rv.short_format(fmt_label or media_label or ""),
            media_type=media,
            download_url=download if download and download != url else None,
            byte_size=rv.integer(g, node, DCAT.byteSize),
            checksum=self.checksum(node),
            issued=rv.when(g, node, DCTERMS.issued, self.notes),
            modified=rv.when(g, node, DCTERMS.modified, self.notes),
            license=rv.iri(g, node, DCTERMS.license),
            schema=SchemaRef(url=schema_url) if schema_url else None,
            extras=self.distribution_extras(node, download),
        )

    def distribution_extras(self, node: Node, download: str | None) -> dict[str, object]:
        extras: dict[str, object] = {}
        downloads = rv.texts(self.g, node, DCAT.downloadURL)
        if len(downloads) > 1:
            extras["download_urls"] = downloads
        if download:
            extras["has_download_url"] = True
        service = rv.iri(self.g, node, DCAT.accessService)
        if service:
            extras["access_service"] = service
        return extras

    def checksum(self, node: Node) -> str | None:
        for cs in rv.objects(self.g, node, [SPDX.checksum]):
            value = rv.text(self.g, cs, SPDX.checksumValue)
            algo = _algorithm(rv.iri(self.g, cs, SPDX.algorithm) or "")
            if value:
                return f"{algo}:{value}" if algo else value
        return None

    # --- services, paging ----------------------------------------------------------
    def services(self) -> list[Service]:
        out: list[Service] = []
        nodes = sorted(set(self.g.subjects(RDF.type, DCAT.DataService)), key=str)
        for node in nodes:
            title = rv.text(self.g, node, DCTERMS.title)
            key = f"{self.cid}:{rv.node_id(node, rv.iri(self.g, node, DCAT.endpointURL), title)}"
            served = [
                self.dataset_keys.get(d) or f"{self.cid}:{d}"
                for d in rv.objects(self.g, node, [DCAT.servesDataset])
            ]
            org_key, _ = self.publisher(node)
            out.append(
                Service(
                    key=key,
                    catalogue_id=self.cid,
                    source_id=key.split(":", 1)[1],
                    title=title or "",
                    endpoint_url=rv.iri(self.g, node, DCAT.endpointURL),
                    description=rv.text(self.g, node, DCTERMS.description),
                    endpoint_description=rv.iri(self.g, node, DCAT.endpointDescription),
                    dataset_keys=served,
                    organization_key=org_key,
                    license=rv.iri(self.g, node, DCTERMS.license),
                )
            )
        return out

    def next_url(self) -> str | None:
        """hydra:next (PartialCollectionView) or hydra:nextPage (PagedCollection)."""
        values = sorted(
            {str(o).strip() for p in (HYDRA.next, HYDRA.nextPage) for o in self.g.objects(None, p)}
        )
        values = [v for v in values if v]
        return urljoin(self.base_url, values[0]) if values else None

    def total(self) -> int | None:
        for value in self.g.objects(None, HYDRA.totalItems):
            try:
                return int(str(value))
            except ValueError:
                continue
        return None


def _algorithm(value: str) -> str:
    """'sha1' from spdx:checksumAlgorithm_sha1, 'sha256' from …/hashAlgorithms/sha/256."""
    if "checksumAlgorithm_" in value:
        return value.rsplit("checksumAlgorithm_", 1)[-1].lower()
    parts = [p for p in value.lower().rstrip("/").split("/") if p]
    if len(parts) >= 2 and parts[-1].isdigit():
        return parts[-2] + parts[-1]
    return parts[-1] if parts else ""


def graph_to_page(
    graph: TripleSource, base_url: str, catalogue_id: str, shacl: int = 0
) -> HarvestPage:
    """Read a parsed catalogue graph into a page of normalised records; with ``shacl`` > 0,
    the first ``shacl`` datasets also get their DCAT-AP SHACL verdict (``extras["shacl"]``)."""
    reader = _Reader(graph, catalogue_id, base_url)
    subjects = reader.dataset_subjects()
    reader.assign_keys(subjects)
    read: list[tuple[Node, Dataset]] = []
    broken: list[str] = []
    for node in subjects:
        try:
            read.append((node, reader.dataset(node)))
        except Exception as exc:  # one odd record must not lose the page
            broken.append(
                f"{rv.subject_label(node)} could not be read: {type(exc).__name__}: {exc}"
            )
    services = reader.services()
    page = HarvestPage(
        url=base_url,
        datasets=[dataset for _, dataset in read],
        services=services,
        organisations=list(reader.organisations.values()),
        next_url=reader.next_url(),
        total=reader.total(),
    )
    for message in broken:
        page.errors.append(SourceError(catalogue_id, base_url, "parse", message, at=_now()))
    for note in dict.fromkeys(reader.notes):
        page.errors.append(SourceError(catalogue_id, base_url, "invalid-value", note, at=_now()))
    if shacl > 0 and read:
        _check_shacl(graph, read, shacl, page)
    return page


def _check_shacl(
    graph: TripleSource, read: list[tuple[Node, Dataset]], limit: int, page: HarvestPage
) -> None:
    """DCAT-AP SHACL verdicts on the page's datasets; a validator crash is noted, not raised."""
    from observatory.scoring.shacl_page import check_page

    try:
        check_page(graph, read, limit=limit)
    except Exception as exc:  # the records stay; only the verdicts are missing
        message = f"SHACL validation failed: {type(exc).__name__}: {exc}"
        page.errors.append(
            SourceError(page.datasets[0].catalogue_id, page.url, "shacl", message, _now())
        )


def parse_dcat(
    content: bytes,
    content_type: str | None,
    base_url: str,
    catalogue_id: str,
    fast: bool = True,
    shacl: int = 0,
) -> HarvestPage:
    """Parse one catalogue document; an unreadable one gives an empty page with its error.
    ``shacl``: how many of its datasets to validate against the DCAT-AP shapes (0: none)."""
    try:
        triples = read_triples(content, content_type, base_url, fast)
    except RdfError as exc:
        error = SourceError(catalogue_id, base_url, exc.kind, f"{base_url}: {exc.message}", _now())
        return HarvestPage(url=base_url, errors=[error])
    return graph_to_page(triples, base_url, catalogue_id, shacl)


def read_triples(
    content: bytes, content_type: str | None, base_url: str, fast: bool = True
) -> TripleIndex:
    """The document's triples, indexed: read by pyoxigraph, or by rdflib (the reference
    engine, for the differential tests) when ``fast`` is false. Raise RdfError when the
    document cannot be read."""
    if fast:
        try:
            return read_index(content, content_type, base_url)
        except Declined:
            pass  # a shape pyoxigraph reads against the spec: rdflib reads it
    graph, _fmt = parse_graph(content, content_type, base_url)
    return from_graph(graph)


def fetch_dcat_page(
    url: str,
    catalogue_id: str,
    http: HttpSettings,
    session: requests.Session | None = None,
    shacl: int = 0,
) -> HarvestPage:
    """GET one catalogue page under the guard and caps, then parse it; never raises.
    ``shacl``: how many of its datasets to validate against the DCAT-AP shapes (0: none)."""
    try:
        response = fetch(url, http, session, headers={"Accept": ACCEPT})
    except FetchError as exc:
        message = f"{url}: {exc.message}"
        return HarvestPage(
            url=url, errors=[SourceError(catalogue_id, url, exc.kind, message, _now())]
        )
    content_type = response.headers.get("content-type")
    page = parse_dcat(response.content, content_type, response.final_url, catalogue_id, shacl=shacl)
    page.url = url
    return page


# --- the reader of the registry (observatory.harvest.readers) ---------------------------
#: Content types of saved RDF files, by suffix.
RDF_SUFFIXES = {
    ".rdf": "application/rdf+xml",
    ".xml": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".json": "application/ld+json",
    ".nt": "application/n-triples",
}
_RDF_XML_ROOTS = ("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}", str(_DCAT))


def _detect(document: Document) -> bool:
    if looks_like_html(document.content):
        return False
    value = document.json
    if isinstance(value, dict):
        return any(key in value for key in ("@context", "@graph", "@id", "@type"))
    if isinstance(value, list):  # expanded JSON-LD: node objects
        return all(isinstance(v, dict) for v in value) and any("@id" in v for v in value)
    root = document.xml_root
    if root is not None:
        return root.startswith(_RDF_XML_ROOTS)
    if document.text_start[:1] in ("{", "["):
        return False  # JSON of another shape, or broken JSON
    return sniff_format(document.content) in ("turtle", "nt")


def _read_page(
    url: str,
    catalogue_id: str,
    http: HttpSettings,
    *,
    session: requests.Session | None = None,
    shacl: int = 0,
) -> HarvestPage:
    return fetch_dcat_page(url, catalogue_id, http, session, shacl)


def _read_file(path: Path, catalogue_id: str, shacl: int) -> HarvestPage:
    content_type = RDF_SUFFIXES.get(path.suffix.lower())
    base = path.resolve().as_uri()
    return parse_dcat(path.read_bytes(), content_type, base, catalogue_id, shacl=shacl)


def _claims_url(url: str) -> bool:
    """A DCAT export's address (``/site/catalog``, an RDF suffix); a ``.json`` or ``.xml``
    one may be anything: its structure tells."""
    path = urlsplit(url).path.lower()
    if path.endswith((".json", ".xml")):
        return False
    return "/site/catalog" in path or path.endswith((*RDF_SUFFIXES, ".n3"))


def _claims_name(source: str, content_type: str) -> bool:
    suffix = Path(urlsplit(source).path).suffix.lower()
    return suffix in RDF_SUFFIXES or content_type in ("text/turtle", "application/rdf+xml")


READER = Reader(
    "dcat",
    str,
    _read_page,
    _read_file,
    _detect,
    claims_url=_claims_url,
    claims_name=_claims_name,
)
