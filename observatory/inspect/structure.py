"""Structure of a reference file (columns, their types, declared schema) and what changed.

The arrêté of 14 June 2017 requires producers to tell users at least three months before a
structural change of a reference dataset. The observatory records, for each SPDR file, the
structure each run read (header from the validation, value shapes per column, schema name
and version declared in the catalogue) and lists every difference with the date it was
first seen, so Etalab can check the notice was given.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from observatory.model import Dataset, ValidationReport


@dataclass(frozen=True)
class Structure:
    """What a file looks like to a reuser's program."""

    columns: tuple[str, ...]
    types: dict[str, str] = field(default_factory=dict)  # column -> value shape ({} unknown)
    schema_name: str | None = None
    schema_version: str | None = None

    @property
    def signature(self) -> str:
        """A stable digest: equal structures have equal signatures."""
        text = json.dumps(
            [list(self.columns), sorted(self.types.items()), self.schema_name, self.schema_version]
        )
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def as_dict(self) -> dict[str, Any]:
        return {
            "columns": list(self.columns),
            "types": dict(self.types),
            "schema_name": self.schema_name,
            "schema_version": self.schema_version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Structure:
        return cls(
            columns=tuple(str(c) for c in data.get("columns") or ()),
            types={str(k): str(v) for k, v in (data.get("types") or {}).items()},
            schema_name=data.get("schema_name"),
            schema_version=data.get("schema_version"),
        )


@dataclass(frozen=True)
class Observed:
    """One SPDR file's structure as one run read it."""

    spdr: str
    url: str
    structure: Structure


def structure_of(
    report: ValidationReport, schema: tuple[str | None, str | None]
) -> Structure | None:
    """The structure a validation read, or None when the file's header was not read."""
    header = report.stats.get("header") if report.fatal is None else None
    if not isinstance(header, list) or not header:
        return None
    types = report.stats.get("types")
    return Structure(
        columns=tuple(str(c) for c in header),
        types={str(k): str(v) for k, v in types.items()} if isinstance(types, dict) else {},
        schema_name=schema[0],
        schema_version=schema[1],
    )


def spdr_structures(
    datasets: Iterable[Dataset], reports: Iterable[ValidationReport]
) -> list[Observed]:
    """The structure of every SPDR file a run validated (files whose header was read)."""
    by_key: dict[str, tuple[str, str, tuple[str | None, str | None]]] = {}
    for dataset in datasets:
        if not dataset.spdr:
            continue
        for dist in dataset.distributions:
            ref = dist.schema
            declared = (ref.name, ref.version) if ref is not None else (None, None)
            by_key[dist.key] = (dataset.spdr, dist.download_url or dist.url, declared)
    found = []
    for report in reports:
        known = by_key.get(report.distribution_key or "")
        if known is None:
            continue
        structure = structure_of(report, known[2])
        if structure is not None:
            found.append(Observed(known[0], known[1], structure))
    return found


def changes(before: Structure, after: Structure) -> list[dict[str, str]]:
    """What differs from ``before`` to ``after``, each as {kind, text} in French.

    A column missing at the place where a new one appears is a rename; other columns are
    added, removed or moved; a column keeping its name may change its type; the declared
    schema may change name or version.
    """
    found: list[dict[str, str]] = []
    old, new = list(before.columns), list(after.columns)
    gone = [c for c in old if c not in new]
    came = [c for c in new if c not in old]
    renamed: dict[str, str] = {}
    for column in gone:
        position = old.index(column)
        if position < len(new) and new[position] in came and new[position] not in renamed.values():
            renamed[column] = new[position]
    for column, to in renamed.items():
        found.append({"kind": "renamed", "text": f"colonne « {column} » renommée en « {to} »"})
    for column in gone:
        if column not in renamed:
            found.append({"kind": "removed", "text": f"colonne « {column} » supprimée"})
    for column in came:
        if column not in renamed.values():
            found.append({"kind": "added", "text": f"colonne « {column} » ajoutée"})
    kept_old = [c for c in old if c in new]
    kept_new = [c for c in new if c in old]
    if kept_old != kept_new:
        found.append({"kind": "reordered", "text": "ordre des colonnes modifié"})
    for column in kept_new:
        was, now = before.types.get(column), after.types.get(column)
        if was and now and was != now and "empty" not in (was, now):
            found.append(
                {"kind": "type", "text": f"colonne « {column} » : type {was} devenu {now}"}
            )
    if (before.schema_name, before.schema_version) != (after.schema_name, after.schema_version):
        found.append(
            {
                "kind": "schema",
                "text": "schéma déclaré : "
                f"{_schema(before.schema_name, before.schema_version)} devenu "
                f"{_schema(after.schema_name, after.schema_version)}",
            }
        )
    return found


def _schema(name: str | None, version: str | None) -> str:
    if not name and not version:
        return "aucun"
    return f"{name or '?'} {version or '(sans version)'}".strip()
