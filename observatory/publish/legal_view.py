"""The SPDR legal view of a publication: the 12-month compliance grid, structural changes,
the eight mandatory metadata one by one.

Availability months come from the store (``PublishInputs.legal_grid``, computed by
``observatory.availability.legal`` over the whole probe history). The other obligations
are states at one moment: a finished month takes the state of the last edition published
in it (insufficient data without one), the current month reads "not met" when the current
run finds it breached, else "in progress".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from observatory.availability.feed import STRUCTURE_FEED_FILE, structure_feed
from observatory.availability.legal import (
    IN_PROGRESS,
    INSUFFICIENT,
    MET,
    NOT_MET,
    grid_months,
)
from observatory.availability.stats import month_label
from observatory.model import Dataset
from observatory.publish import labels
from observatory.publish.inputs import PublishInputs
from observatory.publish.pages import SpdrRow
from observatory.scoring.criteria.completeness import legal_metadata_presence
from observatory.scoring.legal import OBLIGATIONS
from observatory.scoring.legal_metadata import MANDATORY_METADATA


@dataclass
class GridRow:
    spdr: str
    name: str
    obligation: str
    label: str
    cells: list[tuple[str, str]]  # (month label, verdict)

    @property
    def view(self) -> list[dict[str, str]]:
        out = []
        for month, verdict in self.cells:
            symbol, words, css = labels.verdict_words(verdict)
            out.append(
                {"month": month, "verdict": verdict, "symbol": symbol, "text": words, "css": css}
            )
        return out


@dataclass
class ComplianceGrid:
    months: list[str]
    rows: list[GridRow] = field(default_factory=list)

    def for_spdr(self, key: str) -> list[GridRow]:
        return [r for r in self.rows if r.spdr == key]

    def records(self) -> list[dict[str, str]]:
        """One flat record per dataset, obligation and month (exports)."""
        return [
            {"spdr": r.spdr, "name": r.name, "obligation": r.obligation, "month": m, "verdict": v}
            for r in self.rows
            for m, v in r.cells
        ]


def _state(value: object) -> str:
    if value is True or value == MET:
        return MET
    if value is False or value == NOT_MET:
        return NOT_MET
    return INSUFFICIENT


def _past_states(editions: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(spdr key, month) -> legal dict of the last edition published that month."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for record in sorted(editions, key=lambda r: str(r.get("day", ""))):
        month = str(record.get("day", ""))[:7]
        for item in record.get("datasets") or []:
            if isinstance(item, dict) and isinstance(item.get("legal"), dict):
                found[(str(item.get("spdr")), month)] = item["legal"]
    return found


def compliance_grid(
    spdr_rows: list[SpdrRow],
    availability: Mapping[str, Mapping[str, Mapping[str, Any]]],
    editions: Iterable[Mapping[str, Any]],
    now: datetime,
) -> ComplianceGrid:
    """Each SPDR dataset x obligation over the last 12 calendar months."""
    months = [month_label(y, m) for y, m in grid_months(now)]
    current = months[-1]
    past = _past_states(editions)
    grid = ComplianceGrid(months)
    for item in spdr_rows:
        legal = item.row.score.legal if item.row and item.row.score else {}
        avail = availability.get(item.entry.key, {})
        for key in OBLIGATIONS:
            if key == "api_availability" and not item.entry.apis:
                continue
            if key in avail:
                cells = [(m, avail[key]["months"].get(m, INSUFFICIENT)) for m in months]
            else:
                cells = [(m, _state(past.get((item.entry.key, m), {}).get(key))) for m in months]
                now_state = _state(legal.get(key))
                cells[-1] = (current, NOT_MET if now_state == NOT_MET else IN_PROGRESS)
            grid.rows.append(
                GridRow(item.entry.key, item.entry.name, key, labels.legal_label(key), cells)
            )
    return grid


def metadata_rows(dataset: Dataset) -> list[dict[str, Any]]:
    """The eight mandatory metadata of one dataset: present or not, and where they are read."""
    presence = legal_metadata_presence(dataset)
    return [
        {
            "label": m.label,
            "present": presence.get(m.key, False),
            "udata": m.udata,
            "dcat": m.dcat,
            "rule": m.rule,
        }
        for m in MANDATORY_METADATA
    ]


@dataclass
class LegalPublication:
    """Everything legal one publication shows, computed once for every page and export."""

    grid: ComplianceGrid
    changes: dict[str, list[dict[str, Any]]]
    names: dict[str, str]
    availability: Mapping[str, Mapping[str, Mapping[str, Any]]]
    now: datetime

    def dataset_view(self, spdr: str, dataset: Dataset) -> dict[str, Any]:
        """What an SPDR dataset page shows: its grid, per-file months, changes, metadata."""
        per_url = {
            key: grid.get("urls", {}) for key, grid in self.availability.get(spdr, {}).items()
        }
        return {
            "months": self.grid.months,
            "rows": self.grid.for_spdr(spdr),
            "per_url": per_url,
            "changes": [r for r in self.change_records() if r["spdr"] == spdr],
            "metadata": metadata_rows(dataset),
        }

    def change_records(self) -> list[dict[str, Any]]:
        return [
            {
                "spdr": spdr,
                "name": self.names.get(spdr, spdr),
                "url": c["url"],
                "first_seen": c["first_seen"],
                "kind": item["kind"],
                "change": item["text"],
            }
            for spdr, items in self.changes.items()
            for c in items
            for item in c["changes"]
        ]

    def edition_view(self) -> dict[str, Any]:
        return {
            "grid": self.grid,
            "grid_records": self.grid.records(),
            "structure_changes": self.change_records(),
            "structure_records": [
                r | {"first_seen": r["first_seen"].isoformat()} for r in self.change_records()
            ],
        }

    def exports(self) -> dict[str, list[dict[str, Any]]]:
        """Extra Data Package resources: the grid and the structural changes."""
        return {"compliance": self.grid.records(), "structure_changes": self.change_records()}

    def write_feed(self, root: Path) -> Path:
        path = root / STRUCTURE_FEED_FILE
        text = structure_feed(
            self.changes,
            names=self.names,
            now=self.now,
            feed_url=STRUCTURE_FEED_FILE,
            site_url="index.html",
        )
        path.write_text(text, encoding="utf-8")
        return path


def publication(
    spdr_rows: list[SpdrRow],
    inputs: PublishInputs,
    now: datetime,
    editions: Iterable[Mapping[str, Any]],
) -> LegalPublication:
    return LegalPublication(
        grid=compliance_grid(spdr_rows, inputs.legal_grid, editions, now),
        changes={k: list(v) for k, v in inputs.structure_changes.items()},
        names={i.entry.key: i.entry.name for i in spdr_rows},
        availability=inputs.legal_grid,
        now=now,
    )
