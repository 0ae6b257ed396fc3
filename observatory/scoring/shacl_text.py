"""SHACL results in words: compact property names, stable node labels, French messages.

pyshacl's messages are English and print blank nodes with their random ids (or their
whole description), which would make the same catalogue page read differently on every
run. Here a result becomes a short French sentence naming the property (``dct:title``),
and a blank node gets a label built from how its dataset reaches it
(``[jeu de données] › dcat:distribution (https://…/data.csv)``): the same document always
gives the same words, whichever parser read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Protocol

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

PREFIXES = {
    "http://purl.org/dc/terms/": "dct",
    "http://www.w3.org/ns/dcat#": "dcat",
    "http://xmlns.com/foaf/0.1/": "foaf",
    "http://www.w3.org/2006/vcard/ns#": "vcard",
    "http://www.w3.org/2004/02/skos/core#": "skos",
    "http://www.w3.org/ns/adms#": "adms",
    "http://www.w3.org/ns/locn#": "locn",
    "http://spdx.org/rdf/terms#": "spdx",
    "http://www.w3.org/2002/07/owl#": "owl",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
    "http://www.w3.org/2001/XMLSchema#": "xsd",
    "http://www.w3.org/ns/prov#": "prov",
    "http://www.w3.org/ns/odrl/2/": "odrl",
    "http://www.w3.org/2006/time#": "time",
    "http://data.europa.eu/r5r/": "dcatap",
    "http://schema.org/": "schema",
    "https://schema.org/": "schema",
}
DATASET_LABEL = "[jeu de données]"
#: Properties whose value tells two sibling blank nodes apart, in order of preference.
_HINTS = tuple(
    URIRef(p)
    for p in (
        "http://www.w3.org/ns/dcat#accessURL",
        "http://www.w3.org/ns/dcat#downloadURL",
        "http://purl.org/dc/terms/title",
        "http://www.w3.org/2006/vcard/ns#fn",
        "http://xmlns.com/foaf/0.1/name",
        "http://www.w3.org/2006/vcard/ns#hasEmail",
        "http://purl.org/dc/terms/identifier",
        "http://www.w3.org/ns/dcat#startDate",
    )
)
_CLASS = re.compile(r"have class (\S+)")
_DATATYPE = re.compile(r"datatype (\S+)")
_PATTERN = re.compile(r"pattern '(.+)'")
_SHAPE = re.compile(r"(\w*Restriction\w*)")
_COUNT = re.compile(r"(?:Less|More) than (\d+) values")


class Described(Protocol):
    """What labelling reads from a graph: an rdflib Graph or a TripleIndex."""

    def predicate_objects(self, subject: Node) -> Iterable[tuple[Node, Node]]: ...


def curie(iri: str | None) -> str | None:
    """``dct:title`` for ``http://purl.org/dc/terms/title``; unknown namespaces stay whole."""
    if iri is None:
        return None
    for base, prefix in PREFIXES.items():
        if iri.startswith(base) and len(iri) > len(base):
            return f"{prefix}:{iri[len(base) :]}"
    return iri


def clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _hint(source: Described, node: Node) -> str:
    found: dict[Node, list[str]] = {}
    for pred, obj in source.predicate_objects(node):
        if pred in _HINTS:
            found.setdefault(pred, []).append(str(obj))
    for pred in _HINTS:
        if pred in found:
            return clip(sorted(found[pred])[0], 100)
    return ""


def node_labels(source: Described, root: Node, nodes: set[Node]) -> dict[Node, str]:
    """A stable label for each node of a dataset's description: IRIs are themselves; a
    blank node is named by the shortest, then alphabetically first, path from the dataset
    (level by level, so neither parse order nor blank-node ids matter)."""
    labels: dict[Node, str] = {root: str(root) if isinstance(root, URIRef) else DATASET_LABEL}
    level = [root]
    while level:
        candidates: dict[Node, str] = {}
        for parent in level:
            for pred, obj in source.predicate_objects(parent):
                if obj not in nodes or obj in labels or isinstance(obj, Literal):
                    continue
                if isinstance(obj, URIRef):
                    text = str(obj)
                else:
                    hint = _hint(source, obj)
                    text = f"{labels[parent]} › {curie(str(pred))}" + (f" ({hint})" if hint else "")
                if obj not in candidates or text < candidates[obj]:
                    candidates[obj] = text
        labels.update(candidates)
        level = sorted(candidates, key=lambda n: candidates[n])
    return labels


def _value_text(value: Node | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Literal):
        return f"« {clip(str(value), 80)} »"
    if isinstance(value, BNode):
        return "(nœud anonyme)"
    return f"<{clip(str(value), 100)}>"


def french_message(
    component: str, path: str | None, value: Node | None, message: str, severity: str
) -> str:
    """One sentence, in French, naming the property at fault."""
    prop = path or "(nœud)"
    shown = _value_text(value)
    if component == "MinCount":
        need = _COUNT.search(message)
        if need and need.group(1) != "1":
            return f"{prop} : au moins {need.group(1)} valeurs attendues"
        kind = "obligatoire" if severity == "Violation" else "recommandée"
        return f"propriété {kind} {prop} absente"
    if component == "MaxCount":
        most = _COUNT.search(message)
        return f"{prop} : trop de valeurs (au plus {most.group(1) if most else 1})"
    if component == "Class":
        cls = _CLASS.search(message)
        expected = cls.group(1) if cls else "attendue"
        return f"{prop} : la valeur {shown} n'est pas déclarée de la classe {expected}"
    if component == "NodeKind":
        want = "une IRI (un lien)" if message.rstrip().endswith("sh:IRI") else "un nœud (IRI)"
        if "Literal" in message:
            want = "un texte (littéral)"
        return f"{prop} : la valeur {shown} devrait être {want}"
    if component == "Datatype":
        dtype = _DATATYPE.search(message)
        return (
            f"{prop} : la valeur {shown} n'a pas le type {dtype.group(1) if dtype else 'attendu'}"
        )
    if component == "Pattern":
        pattern = _PATTERN.search(message)
        wanted = f" ({pattern.group(1)})" if pattern else ""
        return f"{prop} : la valeur {shown} n'a pas la forme attendue{wanted}"
    if component in ("Node", "Or", "And", "Xone", "HasValue", "In", "Not"):
        shape = _SHAPE.search(message)
        table = f" ({shape.group(1)})" if shape else ""
        return f"{prop} : la valeur {shown} n'est pas dans le vocabulaire contrôlé attendu{table}"
    return f"{prop} : {clip(_sanitise(message), 200)}"


def _sanitise(message: str) -> str:
    """pyshacl's text without blank-node ids or dumps (they change from run to run)."""
    message = re.sub(r"\[ [^\]]*\]", "(nœud anonyme)", message)
    return re.sub(r"_:\w+", "(nœud anonyme)", message)


def where(label: str, root_label: str) -> str:
    """How a hint names the node at fault: nothing for the dataset itself."""
    if label == root_label:
        return ""
    if label.startswith(DATASET_LABEL + " › "):
        return label[len(DATASET_LABEL) + 3 :] + " — "
    return f"{label} — "


def issue_lines(issues: Iterable[Mapping[str, object]], root_label: str, limit: int) -> list[str]:
    """The first ``limit`` issues as short hint phrases."""
    out: list[str] = []
    for issue in issues:
        if len(out) >= limit:
            break
        out.append(where(str(issue.get("focus")), root_label) + str(issue.get("message")))
    return out


def _order(issue: Mapping[str, str | None]) -> tuple[bool, str, str, str]:
    return (
        issue["severity"] != "Violation",
        issue["focus"] or "",
        issue["path"] or "",
        issue["message"] or "",
    )


def verdict(
    version: str, subject: str, issues: list[dict[str, str | None]], max_issues: int
) -> dict[str, object]:
    """A dataset's SHACL verdict as stored in ``extras["shacl"]``: counts, the mandatory
    properties found missing, and the first issues (violations first)."""
    issues = sorted(issues, key=_order)
    violations = [i for i in issues if i["severity"] == "Violation"]
    missing = sorted({str(i["path"]) for i in violations if i.get("constraint") == "MinCount"})
    return {
        "version": version,
        "subject": subject,
        "conforms": not violations,
        "violations": len(violations),
        "warnings": len(issues) - len(violations),
        "missing": missing,
        "issues": issues[:max_issues],
    }
