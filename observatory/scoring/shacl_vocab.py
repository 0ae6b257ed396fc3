"""The controlled vocabularies DCAT-AP SHACL needs, from the bundled snapshot of real tables.

``vocabularies/<table>.txt`` hold the codes of the EU authority tables (and the ADMS
taxonomies) that ``mdr-vocabularies.shape.ttl`` checks membership of (see the folder's
README for sources and versions). ``background`` gives, for the IRIs a data graph cites,
the triples the official validator would find in the loaded tables: ``skos:inScheme``,
``rdf:type skos:Concept`` and the class the range shapes expect. A code that is not in
its table gets nothing, so the shapes report it, as the official validator does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCAB_DIR = Path(__file__).resolve().parent / "vocabularies"
AUTHORITY = "http://publications.europa.eu/resource/authority/"


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
