"""The controlled vocabularies DCAT-AP SHACL needs, from the bundled snapshot of real tables.

``vocabularies/<table>.txt`` hold the codes of the EU authority tables (and the ADMS
taxonomies) that ``mdr-vocabularies.shape.ttl`` checks membership of (see the folder's
README for sources and versions). ``background`` gives, for the IRIs a data graph cites,
the triples the official validator would find in the loaded tables: ``skos:inScheme``,
``rdf:type skos:Concept`` and the class the range shapes expect. A code that is not in
its table gets nothing, so the shapes report it, as the official validator does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS
from rdflib.term import Node

from observatory.scoring.shacl_fast import Triple

VOCAB_DIR = Path(__file__).resolve().parent / "vocabularies"
AUTHORITY = "http://publications.europa.eu/resource/authority/"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
IANA_PREFIXES = (
    "http://www.iana.org/assignments/media-types/",
    "https://www.iana.org/assignments/media-types/",
)

#: Authority table -> classes its concepts carry besides skos:Concept.
_TABLE_CLASSES: dict[str, tuple[URIRef, ...]] = {
    "file-type": (DCTERMS.MediaTypeOrExtent,),
    "licence": (DCTERMS.LicenseDocument,),
    "language": (DCTERMS.LinguisticSystem,),
    "country": (DCTERMS.Location,),
    "place": (DCTERMS.Location,),
    "continent": (DCTERMS.Location,),
    "atu": (DCTERMS.Location,),
    "frequency": (DCTERMS.Frequency,),
    "access-right": (DCTERMS.RightsStatement,),
    "corporate-body": (FOAF.Agent,),
}


@dataclass(frozen=True)
class Table:
    """One controlled vocabulary: its scheme IRI, the base of its codes, and the codes."""

    name: str
    scheme: str
    base: str
    version: str
    codes: frozenset[str]

    def __contains__(self, iri: object) -> bool:
        return (
            isinstance(iri, str)
            and iri.startswith(self.base)
            and iri[len(self.base) :] in self.codes
        )


def _read(path: Path) -> Table:
    header: dict[str, str] = {}
    codes: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and ":" in line:
            key, _, value = line[2:].partition(":")
            header[key.strip()] = value.strip()
        elif line and not line.startswith("#"):
            codes.add(line)
    return Table(path.stem, header["scheme"], header["base"], header["version"], frozenset(codes))


@cache
def tables() -> dict[str, Table]:
    """The bundled tables by base IRI (``…/authority/frequency/``), read once."""
    return {t.base: t for t in map(_read, sorted(VOCAB_DIR.glob("*.txt")))}


def table_for(iri: str) -> Table | None:
    """The bundled table whose namespace holds ``iri`` exactly (IRIs are compared as the
    official validator does: ``https://`` is another IRI), None when none is bundled."""
    if iri.startswith(AUTHORITY):
        name = iri[len(AUTHORITY) :].partition("/")[0]
        return tables().get(f"{AUTHORITY}{name}/")
    return tables().get(iri.rsplit("/", 1)[0] + "/")


def authority_table(iri: str) -> str | None:
    """The EU authority table name of an IRI in its namespace (``frequency``), else None;
    ``https://`` IRIs are named too (they are not the table's IRIs, but they mean to be)."""
    bare = iri.replace("https://", "http://", 1)
    if not bare.startswith(AUTHORITY):
        return None
    return bare[len(AUTHORITY) :].partition("/")[0] or None


def bundled(table: str) -> bool:
    """Whether the snapshot holds the EU authority table ``table``."""
    return f"{AUTHORITY}{table}/" in tables()


def missing_tables(iris: object) -> list[str]:
    """Names of the authority tables cited by ``iris`` that the snapshot does not hold."""
    names = {authority_table(str(i)) for i in iris} if isinstance(iris, (set, list)) else set()
    return sorted(n for n in names if n and not bundled(n))


#: Sub-class axioms of the vocabularies DCAT-AP imports (FOAF, vCard), which the official
#: validator loads with ``imports.ttl``: without them a publisher typed foaf:Organization
#: would "not have class foaf:Agent".
_SUBCLASSES = (
    (FOAF.Organization, FOAF.Agent),
    (FOAF.Person, FOAF.Agent),
    (FOAF.Group, FOAF.Agent),
    (VCARD.Individual, VCARD.Kind),
    (VCARD.Organization, VCARD.Kind),
    (VCARD.Group, VCARD.Kind),
    (VCARD.Location, VCARD.Kind),
)


def vocabulary_triples(objects: Iterable[Node]) -> list[Triple]:
    """What the loaded vocabularies would say about the IRIs among ``objects``: membership
    and class of the codes found in the bundled authority tables, the class of IANA media
    types, and the sub-class axioms of the imported vocabularies. A code missing from its
    bundled table gets nothing, so the controlled-vocabulary shapes report it."""
    out: dict[Triple, None] = dict.fromkeys((sub, RDFS.subClassOf, sup) for sub, sup in _SUBCLASSES)
    for obj in set(objects):
        if isinstance(obj, URIRef):
            _describe(out, obj)
    return list(out)


def vocabulary_stubs(graph: Graph) -> Graph:
    """``vocabulary_triples`` of the objects of ``graph``, as a graph (for pyshacl)."""
    stubs = Graph()
    for triple in vocabulary_triples(graph.objects()):
        stubs.add(triple)
    return stubs


def _describe(out: dict[Triple, None], obj: URIRef) -> None:
    iri = str(obj)
    if iri.startswith(IANA_PREFIXES):
        out[(obj, RDF.type, DCTERMS.MediaType)] = None
        out[(obj, RDF.type, DCTERMS.MediaTypeOrExtent)] = None
        return
    table = table_for(iri)
    if table is not None:
        scheme = URIRef(table.scheme)
        _scheme(out, scheme)
        if iri == table.scheme or iri == table.base.rstrip("/"):
            return  # the table itself (dcat:themeTaxonomy)
        if iri in table:
            _member(out, obj, scheme, authority_table(iri) or "")
        return
    name = authority_table(iri)
    if name is None or bundled(name):
        return  # not an authority IRI, or an https:// copy of a bundled table's IRI
    # a table not bundled (corporate-body…): namespace membership, as before the snapshot
    scheme = URIRef(AUTHORITY + name)
    _scheme(out, scheme)
    if iri.rstrip("/") != str(scheme):
        _member(out, obj, scheme, name)


def _scheme(out: dict[Triple, None], scheme: URIRef) -> None:
    """A table as loaded: a concept scheme with a title (the shapes require one)."""
    out[(scheme, RDF.type, SKOS.ConceptScheme)] = None
    out[(scheme, DCTERMS.title, Literal(str(scheme).rstrip("/").rsplit("/", 1)[-1]))] = None


def _member(out: dict[Triple, None], obj: URIRef, scheme: URIRef, table: str) -> None:
    """A code of a table as loaded: a concept in the scheme, with a label (every code of the
    real tables has one; the snapshot keeps the code only, so the code stands for it)."""
    out[(obj, RDF.type, SKOS.Concept)] = None
    out[(obj, SKOS.prefLabel, Literal(str(obj).rsplit("/", 1)[-1]))] = None
    out[(obj, SKOS.inScheme, scheme)] = None
    for cls in _TABLE_CLASSES.get(table, ()):
        out[(obj, RDF.type, cls)] = None
