"""JSON files under ``api/`` mirroring each page's data, for programs instead of people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from observatory.publish import amdac, paths
from observatory.publish.pages import SpdrRow
from observatory.publish.views import WORST_N, DatasetRow, worst
from observatory.storage import codec


def write(root: Path, rel: str, data: Any) -> None:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(codec.text(data), encoding="utf-8")


def row_record(row: DatasetRow) -> dict[str, Any]:
    """A dataset as a table row: scores, change, legal items and links."""
    return {
        "key": row.dataset.key,
        "title": row.dataset.title,
        "organisation": row.org_name,
        "spdr": row.dataset.spdr,
        "pillars": {c.pillar: c.value for c in row.pillars},
        "previous_pillars": {c.pillar: c.previous for c in row.pillars},
        "overall": row.overall,
        "previous_overall": row.previous_overall,
        "change": row.overall_change.kind,
        "legal": dict(row.score.legal) if row.score else {},
        "page": row.page,
        "json": paths.api_path(row.page),
    }


def spdr_record(item: SpdrRow) -> dict[str, Any]:
    return {
        "spdr": item.entry.key,
        "name": item.entry.name,
        "producer": item.entry.producer,
        "observed": item.row is not None,
        "reason": item.reason,
        "dataset": row_record(item.row) if item.row else None,
    }


def dataset_record(ctx: dict[str, Any]) -> dict[str, Any]:
    row: DatasetRow = ctx["row"]
    return {
        **row_record(row),
        "metadata": row.dataset,
        "criteria": ctx["score"].results if ctx["score"] else [],
        "resources": [
            {
                "url": r.distribution.url,
                "title": r.distribution.title,
                "format": r.distribution.format,
                "availability": r.probe.outcome if r.probe else None,
                "http_status": r.probe.status if r.probe else None,
                "validation": r.validation_text,
            }
            for r in ctx["resources"]
        ],
        "apis": [
            {"name": a.name, "url": a.url, "availability": a.probe.outcome if a.probe else None}
            for a in ctx["apis"]
        ],
        "mqa": ctx["mqa"],
        "udata_quality": ctx["udata"],
        "reference_candidate": ctx["candidate"],
        "history": ctx["history"],
    }


def catalogue_record(ctx: dict[str, Any], listing: str) -> dict[str, Any]:
    """A catalogue page's data: like the page, a summary, the first datasets to rework and
    the weakest ones; every dataset is on the paginated listing (``datasets_listing``)."""
    diag, rows = ctx["diag"], ctx["rows"]
    return {
        "catalogue": ctx["catalogue"]["status"],
        "indicators": diag["indicators"],
        "to_fix_count": len(diag["todos"]),
        "to_fix": [
            {
                "key": t.row.dataset.key,
                "title": t.row.dataset.title,
                "complete": t.complete,
                "update": t.update,
                "consolidate": t.consolidate,
            }
            for t in diag["todos"][:WORST_N]
        ],
        "groups": {
            g["key"]: {"label": g["label"], "datasets": len(g["rows"])} for g in diag["groups"]
        },
        "datasets_count": len(rows),
        "worst": [row_record(r) for r in worst(rows)],
        "datasets_listing": paths.api_path(listing),
        "deleted": [{"key": d.key, "title": d.title} for d in ctx["deleted"]],
    }


def organisation_record(ctx: dict[str, Any]) -> dict[str, Any]:
    """An organisation page's data: like the page, a summary, its weakest datasets and its
    first fixes; every dataset and fix is on the paginated listings (``*_listing``)."""
    return {
        "key": ctx["org"].key,
        "name": ctx["org"].name,
        "datasets_count": len(ctx["rows"]),
        "worst": [row_record(r) for r in worst(ctx["rows"])],
        "fixes_count": len(ctx["fixes"]),
        "fixes": [amdac.fix_record(f) for f in ctx["fixes"][:WORST_N]],
        "notice": ctx["notice"][0],
        "summary": ctx["summary"],
        "datasets_listing": paths.api_path(ctx["listing"]),
        "fixes_listing": paths.api_path(ctx["fixes_listing"]),
    }
