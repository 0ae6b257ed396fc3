"""Rebuild ``observatory/scoring/vocabularies/*.txt`` from real copies of the EU authority tables.

``python -m bench.shacl.trim_vocabularies SOURCES_DIR`` reads the RDF files named in
``TABLES`` (copied from the public repositories listed in the vocabularies' README) and
writes, per table, the codes of its concepts (the IRI less the table's base), one a
line, under a header naming the scheme, the base, the source file and the table's
version. A concept belongs to a table when it is ``skos:inScheme`` the table,
or, in files that do not state ``skos:inScheme``
(ckanext-dcatapit's ``*-filtered.rdf`` dropped it; a SPARQL export types concepts
``euvoc:FileType``), when it is a typed subject whose IRI is in the table's namespace.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import OWL, SKOS

OUT = Path(__file__).resolve().parents[2] / "observatory" / "scoring" / "vocabularies"
AUTHORITY = "http://publications.europa.eu/resource/authority/"

#: table scheme IRI -> (output name, source file, format, where it comes from)
TABLES = {
    AUTHORITY + "access-right": ("access-right", "access-right-sparql-result.ttl", "turtle"),
    AUTHORITY + "continent": ("continent", "continents-skos.rdf", "xml"),
    AUTHORITY + "country": ("country", "countries-skos.rdf", "xml"),
    AUTHORITY + "data-theme": ("data-theme", "data-theme-sparql-result.ttl", "turtle"),
    AUTHORITY + "dataset-type": ("dataset-type", "dataset-types-sparql-result.ttl", "turtle"),
    AUTHORITY + "distribution-status": (
        "distribution-status",
        "distribution-status-sparql-result.ttl",
        "turtle",
    ),
    AUTHORITY + "file-type": ("file-type", "filetypes-sparql-result.ttl", "turtle"),
    AUTHORITY + "frequency": ("frequency", "frequencies-sparql-result.ttl", "turtle"),
    AUTHORITY + "language": ("language", "languages-filtered.rdf", "xml"),
    AUTHORITY + "licence": ("licence", "licences-skos.rdf", "xml"),
    AUTHORITY + "place": ("place", "places-skos.rdf", "xml"),
    AUTHORITY + "planned-availability": (
        "planned-availability",
        "planned-availability-sparql-result.ttl",
        "turtle",
    ),
    "http://purl.org/adms/licencetype/1.0": ("adms-licencetype", "ADMS_SKOS_v1.00.rdf", "xml"),
    "http://purl.org/adms/publishertype/1.0": ("adms-publishertype", "ADMS_SKOS_v1.00.rdf", "xml"),
}


def codes(graph: Graph, scheme: str) -> list[str]:
    ref = URIRef(scheme)
    members = {str(s) for s in graph.subjects(SKOS.inScheme, ref)}
    if not members:
        base = scheme + "/"
        members = {str(s) for s in graph.subjects(RDF.type, None) if str(s).startswith(base)}
    return sorted(members)


def main() -> None:
    sources = Path(sys.argv[1])
    for scheme, (name, filename, fmt) in TABLES.items():
        graph = Graph().parse(sources / filename, format=fmt)
        version = graph.value(URIRef(scheme), OWL.versionInfo)
        base = scheme + "/" if scheme.startswith(AUTHORITY) else scheme.rsplit("/", 1)[0] + "/"
        found = [iri[len(base) :] for iri in codes(graph, scheme) if iri.startswith(base)]
        lines = [f"# scheme: {scheme}", f"# base: {base}", f"# source: {filename}"]
        lines.append(f"# version: {version}")
        (OUT / f"{name}.txt").write_text("\n".join(lines + found) + "\n")
        print(f"{name:22s} {len(found):5d} codes  version {version}")


if __name__ == "__main__":
    main()
