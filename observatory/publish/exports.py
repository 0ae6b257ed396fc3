"""Open-data exports of a run: datasets, criteria and probes as CSV and JSON.

Each export is written in a stream: rows are made one at a time and each goes to the CSV
and to the JSON file as it comes (a JSON array written element by element, one compact
element a line), so no whole table or file text is held in memory.

CSV cells holding text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return get a leading single quote, so a spreadsheet never runs metadata as a formula.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import IO, Any

from observatory.model import PILLARS, Snapshot, to_jsonable
from observatory.publish.details import EvidenceSource, SnapshotDetails, with_evidence
from observatory.storage import codec

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

DATASET_FIELDS = [
    "key",
    "title",
    "organisation",
    "spdr",
    "catalogue",
    *PILLARS,
    "overall",
    "run_date",
]
CRITERIA_FIELDS = [
    "dataset_key",
    "criterion_id",
    "label",
    "pillar",
    "status",
    "score",
    "weight",
    "evidence",
    "fix_hint",
    "run_date",
]
PROBE_FIELDS = [
    "url",
    "dataset_key",
    "distribution_key",
    "target",
    "check_name",
    "outcome",
    "reason",
    "method",
    "status",
    "latency_ms",
    "content_type",
    "content_length",
    "final_url",
    "checked_at",
]


def neutralise(value: Any) -> Any:
    """Defuse spreadsheet formulas: quote text cells starting with a formula character."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def dataset_rows(snapshot: Snapshot) -> Iterator[dict[str, Any]]:
    """One row per dataset: its pillar and overall scores."""
    run_date = snapshot.run.started_at.isoformat()
    for d in snapshot.datasets:
        score = snapshot.scores.get(d.key)
        row: dict[str, Any] = {
            "key": d.key,
            "title": d.title,
            "organisation": d.organization_name,
            "spdr": d.spdr,
            "catalogue": d.catalogue_id,
        }
        for pillar in PILLARS:
            row[pillar] = score.pillars.get(pillar) if score else None
        row["overall"] = score.overall if score else None
        row["run_date"] = run_date
        yield row


def criteria_rows(
    snapshot: Snapshot, evidence: EvidenceSource | None = None
) -> Iterator[dict[str, Any]]:
    """One row per dataset and criterion result, with the evidence ``evidence`` gives a
    batch of datasets at a time (``publish.details``; by default, the snapshot's own)."""
    run_date = snapshot.run.started_at.isoformat()
    source = evidence or SnapshotDetails(snapshot).evidence
    scores = with_evidence(snapshot.scores, list(snapshot.scores), source)
    return (
        {
            "dataset_key": key,
            "criterion_id": r.criterion_id,
            "label": r.label,
            "pillar": r.pillar,
            "status": r.status,
            "score": r.score,
            "weight": r.weight,
            "evidence": to_jsonable(r.evidence),
            "fix_hint": r.fix_hint,
            "run_date": run_date,
        }
        for key, score in scores
        if score is not None
        for r in score.results
    )


def probe_rows(snapshot: Snapshot) -> Iterator[dict[str, Any]]:
    """One row per probe of the run, with the dataset and distribution of its URL."""
    owners: dict[str, tuple[str, str]] = {}
    for d in snapshot.datasets:
        for dist in d.distributions:
            for url in (dist.url, dist.download_url):
                if url:
                    owners.setdefault(url, (d.key, dist.key))
    for p in snapshot.probes:
        dataset_key, dist_key = owners.get(p.url, (None, None))
        yield {
            "url": p.url,
            "dataset_key": dataset_key,
            "distribution_key": dist_key,
            "target": p.target,
            "check_name": p.check_name,
            "outcome": p.outcome,
            "reason": p.reason,
            "method": p.method,
            "status": p.status,
            "latency_ms": p.latency_ms,
            "content_type": p.content_type,
            "content_length": p.content_length,
            "final_url": p.final_url,
            "checked_at": p.checked_at.isoformat(),
        }


FIX_FIELDS = [
    "priority",
    "dataset_key",
    "dataset_title",
    "criterion_id",
    "label",
    "pillar",
    "status",
    "weight",
    "what",
    "why",
    "fix_hint",
    "failing_since",
    "failing_since_run",
]
#: Table Schema type of each exported column (anything else is a string).
FIELD_TYPES: dict[str, str] = {
    **dict.fromkeys(PILLARS, "number"),
    "overall": "number",
    "score": "number",
    "weight": "number",
    "latency_ms": "number",
    "status": "string",
    "content_length": "integer",
    "priority": "integer",
    "failing_since_run": "integer",
    "spdr": "string",
    "run_date": "datetime",
    "checked_at": "datetime",
    "failing_since": "datetime",
    "first_seen": "datetime",
    "month": "yearmonth",
}
INTEGER_STATUS = ("probes",)  # the probes export's ``status`` is an HTTP status code


def table_schema(name: str, fields: list[str]) -> dict[str, Any]:
    """The Table Schema of one export (numbers, integers and datetimes typed)."""
    out = []
    for f in fields:
        kind = FIELD_TYPES.get(f, "string")
        if f == "status" and name in INTEGER_STATUS:
            kind = "integer"
        out.append({"name": f, "type": kind})
    return {"fields": out, "missingValues": [""]}


def organisation_exports(
    targets: tuple[Path, Path], rows: list[dict[str, Any]], fixes: list[dict[str, Any]]
) -> None:
    """An organisation's datasets with scores (``dataset_rows`` of its datasets), and its
    prioritised fix list, as CSV."""
    datasets_path, fixes_path = targets
    datasets_path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(datasets_path, DATASET_FIELDS, rows)
    write_csv(fixes_path, FIX_FIELDS, fixes)


def _csv_cell(value: Any) -> Any:
    kind = type(value)
    if kind is str:  # most cells: the test of ``neutralise`` without its call
        return "'" + value if value.startswith(FORMULA_START) else value
    if value is None:
        return ""
    if kind is float or kind is int or kind is bool:
        return value
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return neutralise(value)


def write_csv(path: Path, fields: list[str], rows: Iterable[dict[str, Any]]) -> None:
    """Rows as CSV, written one by one (formula cells defused)."""
    write_table(path, None, fields, rows)


class JsonArray:
    """A JSON array written into ``fh`` element by element, one compact element a line
    (``codec.text``): the value of ``to_jsonable(elements)``."""

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh
        self.count = 0

    def __enter__(self) -> JsonArray:
        self.fh.write("[")
        return self

    def add(self, element: Any) -> None:
        self.fh.write(("\n" if self.count == 0 else ",\n") + codec.text(element))
        self.count += 1

    def __exit__(self, *exc: object) -> None:
        self.fh.write("\n]" if self.count else "]")


def write_table(
    csv_path: Path, json_path: Path | None, fields: list[str], rows: Iterable[dict[str, Any]]
) -> int:
    """Rows to a CSV file (and a JSON array, when ``json_path`` is given) at once, each
    row written as it comes; returns how many rows were written."""
    count = 0
    with contextlib.ExitStack() as stack:
        writer = csv.writer(stack.enter_context(csv_path.open("w", encoding="utf-8", newline="")))
        writer.writerow(fields)
        array = None
        if json_path is not None:
            json_fh = stack.enter_context(json_path.open("w", encoding="utf-8"))
            array = stack.enter_context(JsonArray(json_fh))
        for row in rows:
            writer.writerow([_csv_cell(row.get(k)) for k in fields])
            if array is not None:
                array.add(row)
            count += 1
    return count


EXPORTS = {
    "datasets": (DATASET_FIELDS, dataset_rows),
    "criteria": (CRITERIA_FIELDS, criteria_rows),
    "probes": (PROBE_FIELDS, probe_rows),
}


#: Exports built by the publication rather than from the snapshot (``legal_view.exports``).
LEGAL_EXPORTS: dict[str, list[str]] = {
    "compliance": ["spdr", "name", "obligation", "month", "verdict"],
    "structure_changes": ["spdr", "name", "url", "first_seen", "kind", "change"],
}


def _fields(name: str) -> list[str]:
    return EXPORTS[name][0] if name in EXPORTS else LEGAL_EXPORTS[name]


def write_datapackage(data_dir: Path, names: list[str]) -> None:
    """A Frictionless Data Package descriptor listing the CSV exports."""
    resources = [
        {
            "name": name.removesuffix(".csv"),
            "path": name,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": table_schema(name[:-4], _fields(name[:-4])),
        }
        for name in names
        if name.endswith(".csv")
    ]
    package = {
        "name": "observatoire-qualite-donnees",
        "title": "Observatoire de la qualité des données publiques — résultats d'une exécution",
        "licenses": [{"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence 2.0"}],
        "resources": resources,
    }
    (data_dir / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def write_exports(
    data_dir: Path,
    snapshot: Snapshot,
    legal: dict[str, list[dict[str, Any]]] | None = None,
    evidence: EvidenceSource | None = None,
) -> list[str]:
    """Write ``<name>.csv`` and ``<name>.json`` for each export (and each ``LEGAL_EXPORTS``
    given in ``legal``: the 12-month compliance grid, structural changes); return the names.
    ``evidence`` gives the criteria's evidence when ``snapshot`` was loaded without it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    names = []
    builders = {name: build for name, (_fields, build) in EXPORTS.items()}
    builders["criteria"] = partial(criteria_rows, evidence=evidence)
    tables: list[tuple[str, list[str], Iterable[dict[str, Any]]]] = [
        (name, fields, builders[name](snapshot)) for name, (fields, _build) in EXPORTS.items()
    ]
    tables += [(name, LEGAL_EXPORTS[name], rows) for name, rows in (legal or {}).items()]
    for name, fields, rows in tables:
        write_table(data_dir / f"{name}.csv", data_dir / f"{name}.json", fields, rows)
        names += [f"{name}.csv", f"{name}.json"]
    write_datapackage(data_dir, names)
    return names
