"""Etalab's periodic state: dated editions of the nine SPDR datasets, archived, never redone.

An edition lives in ``editions/<YYYY-MM-DD>/`` (the UTC date of the run it shows). Rule for
a second publication: the edition of the run's own day is replaced (the day's state is the
latest run of that day); an edition of an earlier day is never touched, and publishing a run
older than the newest edition writes no edition at all. The swap carries every other edition
folder over as it was (hard links when the filesystem allows, else copies).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from observatory.model import ScorePoint, Snapshot
from observatory.publish import charts, labels
from observatory.publish.inputs import PublishInputs
from observatory.publish.pages import SpdrRow
from observatory.publish.views import SiteData

EDITIONS = "editions"
EDITION_DATA = "edition.json"
History = dict[str, list[ScorePoint]]


def edition_day(snapshot: Snapshot) -> str:
    """The edition folder name of a run: its UTC start date, ``YYYY-MM-DD``."""
    return snapshot.run.started_at.date().isoformat()


def edition_title(day: str) -> str:
    return f"État au {labels.fmt_date(date.fromisoformat(day))}"


def existing_days(site: Path) -> list[str]:
    """Dates of the editions already published under ``site``, oldest first."""
    folder = site / EDITIONS
    if not folder.is_dir():
        return []
    days = []
    for child in folder.iterdir():
        try:
            date.fromisoformat(child.name)
        except ValueError:
            continue
        if child.is_dir() and (child / EDITION_DATA).is_file():
            days.append(child.name)
    return sorted(days)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def carry_editions(old_site: Path, new_site: Path, replace: str | None) -> list[str]:
    """Copy every edition folder of ``old_site`` into ``new_site`` except ``replace``."""
    carried = []
    for day in existing_days(old_site):
        if day == replace:
            continue
        shutil.copytree(
            old_site / EDITIONS / day, new_site / EDITIONS / day, copy_function=_link_or_copy
        )
        carried.append(day)
    return carried


def should_write(day: str, days: list[str]) -> bool:
    """An edition is written unless a newer one exists (old runs never rewrite history)."""
    return not days or day >= days[-1]


@dataclass
class Movement:
    name: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float:
        return round((self.after or 0) - (self.before or 0), 1)


def _spdr_chart(key: str, name: str, history: History) -> Any:
    points = history.get(key) or []
    if len(points) < 1:
        return None
    dates = [at for _r, at, _o, _p in points]
    overall = [o for _r, _at, o, _p in points]
    avail = [p.get("availability") for _r, _at, _o, p in points]
    return charts.trend_chart(
        f"tendance-{key}",
        f"{name} : note globale et disponibilité sur {len(points)} exécution(s)",
        dates,
        [("serie-note", "Note globale", overall), ("serie-dispo", "Disponibilité", avail)],
    )


def new_incidents(data: SiteData, inputs: PublishInputs) -> list[dict[str, Any]]:
    """Incidents that started after the previous run (all open ones on a first edition)."""
    since = data.previous.run.started_at if data.previous else None
    found = []
    for url, summary in inputs.availability.items():
        for inc in summary.get("incidents", []):
            start = datetime.fromisoformat(inc["start"])
            if (since is None and inc["open"]) or (since is not None and start > since):
                found.append(inc | {"name": inputs.names.get(url, url), "start_dt": start})
    return sorted(found, key=lambda i: i["start_dt"], reverse=True)


def summary(spdr_rows: list[SpdrRow], data: SiteData, inputs: PublishInputs) -> dict[str, Any]:
    """What improved, what degraded, which criteria newly fail, which incidents are new."""
    improved: list[Movement] = []
    degraded: list[Movement] = []
    newly_failing: list[tuple[str, str]] = []
    for item in spdr_rows:
        row = item.row
        if row is None:
            continue
        if row.overall_change.kind in ("up", "down"):
            move = Movement(item.entry.name, row.previous_overall, row.overall)
            (improved if row.overall_change.kind == "up" else degraded).append(move)
        before = data.previous_scores.get(row.dataset.key)
        if row.score and before:
            old = {r.criterion_id: r.status for r in before.results}
            for r in row.score.results:
                if r.status == "fail" and old.get(r.criterion_id) in ("pass", "na", "partial"):
                    newly_failing.append((item.entry.name, r.label or r.criterion_id))
    improved.sort(key=lambda m: -m.delta)
    degraded.sort(key=lambda m: m.delta)
    return {
        "improved": improved,
        "degraded": degraded,
        "newly_failing": newly_failing,
        "incidents": new_incidents(data, inputs),
        "missing": [i.entry.name for i in spdr_rows if i.row is None],
    }


def edition_context(
    day: str,
    spdr_rows: list[SpdrRow],
    data: SiteData,
    inputs: PublishInputs,
    history: History,
    days: list[str],
) -> dict[str, Any]:
    earlier = [d for d in days if d < day]
    trends = [
        {"name": i.entry.name, "chart": _spdr_chart(i.row.dataset.key, i.entry.name, history)}
        for i in spdr_rows
        if i.row is not None
    ]
    return {
        "day": day,
        "title": edition_title(day),
        "spdr_rows": spdr_rows,
        "digest": summary(spdr_rows, data, inputs),
        "trends": [t for t in trends if t["chart"] is not None],
        "previous_edition": earlier[-1] if earlier else None,
    }


def edition_record(ctx: dict[str, Any], run_id: int) -> dict[str, Any]:
    """The machine-readable edition (``edition.json``, also read by the editions index)."""
    digest = ctx["digest"]
    return {
        "day": ctx["day"],
        "title": ctx["title"],
        "run_id": run_id,
        "previous_edition": ctx["previous_edition"],
        "datasets": [
            {
                "spdr": i.entry.key,
                "name": i.entry.name,
                "observed": i.row is not None,
                "pillars": {c.pillar: c.value for c in i.row.pillars} if i.row else None,
                "overall": i.row.overall if i.row else None,
                "previous_overall": i.row.previous_overall if i.row else None,
                "legal": dict(i.row.score.legal) if i.row and i.row.score else {},
                "reason": i.reason,
            }
            for i in ctx["spdr_rows"]
        ],
        "compliance_grid": ctx.get("grid_records", []),
        "structure_changes": ctx.get("structure_records", []),
        "improved": [m.name for m in digest["improved"]],
        "degraded": [m.name for m in digest["degraded"]],
        "new_incidents": len(digest["incidents"]),
    }


def past_records(site: Path | None, snapshot: Snapshot) -> list[dict[str, Any]]:
    """The edition records already published under ``site``, except the run's own day
    (which this publication replaces)."""
    if site is None:
        return []
    day = edition_day(snapshot)
    return [r for r in editions_index(site) if r.get("day") != day]


def write_edition_data(folder: Path, record: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(record, ensure_ascii=False, indent=1, default=str)
    (folder / EDITION_DATA).write_text(text, encoding="utf-8")


def editions_index(site: Path) -> list[dict[str, Any]]:
    """Every edition under ``site`` (newest first) as its edition.json record."""
    out = []
    for day in reversed(existing_days(site)):
        record = json.loads((site / EDITIONS / day / EDITION_DATA).read_text(encoding="utf-8"))
        record["href"] = f"{day}/index.html"
        record["title"] = edition_title(day)
        out.append(record)
    return out
