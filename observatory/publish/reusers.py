"""Reusers: availability of each SPDR file and API, the APIs' status, badges and the feed.

Figures come from ``PublishInputs.availability`` (``Store.availability`` per URL): uptime
over sliding windows, calendar months against the legal bar, latency percentiles, incidents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from observatory.availability.feed import FEED_FILE, safe_slug, write_badges_and_feed
from observatory.availability.incidents import Incident
from observatory.model import Dataset, ProbeResult
from observatory.publish import labels, paths
from observatory.publish.inputs import PublishInputs
from observatory.publish.pages import SpdrRow
from observatory.publish.views import SiteData
from observatory.scoring.context import NON_DATA_TYPES

WINDOW_LABELS = {"24h": "24 h", "7d": "7 jours", "30d": "30 jours", "90d": "90 jours"}


def pct(share: float | None) -> str:
    """0.99876 -> "99,87 %" (truncated, never rounded past a legal bar); None -> "n.d."."""
    if share is None:
        return "n.d."
    hundredths = int(share * 10000 + 1e-9) / 100
    return f"{hundredths:.2f}".replace(".", ",") + "\u00a0%"


@dataclass
class Target:
    """One watched URL: a SPDR file or API, with its availability figures."""

    name: str
    url: str
    kind: str  # file | api
    dataset: str
    dataset_page: str | None
    spdr_key: str
    dataset_key: str
    figures: dict[str, Any] | None
    probe: ProbeResult | None
    windows: list[tuple[str, str]] = field(default_factory=list)
    months: list[dict[str, Any]] = field(default_factory=list)
    latency: dict[str, Any] = field(default_factory=dict)
    incidents: list[dict[str, Any]] = field(default_factory=list)

    @property
    def href(self) -> str | None:
        return paths.web_url(self.url)

    @property
    def uptime_30d(self) -> float | None:
        return ((self.figures or {}).get("windows", {}).get("30d") or {}).get("uptime")

    @property
    def open_incident(self) -> bool:
        return any(i["open"] for i in self.incidents)

    @property
    def outcome_label(self) -> str:
        if self.probe is None:
            return "non sondé"
        return labels.outcome_label(self.probe.outcome)


def _incident_view(raw: dict[str, Any]) -> dict[str, Any]:
    start = datetime.fromisoformat(raw["start"])
    end = datetime.fromisoformat(raw["end"]) if raw.get("end") else None
    seconds = raw.get("duration_seconds")
    return raw | {
        "start_text": labels.fmt_datetime(start),
        "end_text": labels.fmt_datetime(end) if end else "en cours",
        "duration_text": labels.fmt_number(seconds / 60, 0) + " min" if seconds else "—",
    }


def _fill(target: Target) -> Target:
    fig = target.figures or {}
    for name, label in WINDOW_LABELS.items():
        target.windows.append((label, pct((fig.get("windows", {}).get(name) or {}).get("uptime"))))
    for month, m in sorted(fig.get("months", {}).items(), reverse=True):
        year, number = (int(x) for x in month.split("-"))
        target.months.append(
            {
                "label": f"{labels.MONTHS[number - 1]} {year}",
                "uptime": pct(m.get("uptime")),
                "threshold": pct(m.get("threshold")),
                "compliant": m.get("compliant"),
                "verdict": labels.verdict_words(m.get("verdict")),
                "coverage": pct(m.get("coverage")),
            }
        )
    target.latency = (fig.get("windows", {}).get("30d") or {}).get("latency_ms") or {}
    target.incidents = [_incident_view(i) for i in fig.get("incidents", [])]
    return target


def _files(dataset: Dataset) -> list[tuple[str, str]]:
    return [
        (d.title or d.url, d.download_url or d.url)
        for d in dataset.distributions
        if (d.type or "main") not in NON_DATA_TYPES and (d.download_url or d.url)
    ]


def targets(spdr_rows: list[SpdrRow], data: SiteData, inputs: PublishInputs) -> list[Target]:
    """Every file and API of the observed SPDR datasets, with figures when known."""
    out = []
    for item in spdr_rows:
        if item.row is None:
            continue
        dataset = item.row.dataset
        urls = [(n, u, "file") for n, u in _files(dataset)]
        urls += [(c.name, c.url, "api") for c in item.entry.apis]
        for name, url, kind in urls:
            target = Target(
                name=name,
                url=url,
                kind=kind,
                dataset=item.entry.name,
                dataset_page=item.row.page,
                spdr_key=item.entry.key,
                dataset_key=dataset.key,
                figures=inputs.availability.get(url),
                probe=data.probe_for(url),
            )
            out.append(_fill(target))
    return out


def open_incidents(ts: list[Target]) -> list[dict[str, Any]]:
    """Incidents still open (opened by ``observatory.availability``, not yet closed).

    The one count every page calls "incidents"; a probe that failed once is not one.
    """
    return [i | {"name": t.name} for t in ts for i in t.incidents if i["open"]]


def availability_context(ts: list[Target]) -> dict[str, Any]:
    apis = [t for t in ts if t.kind == "api"]
    return {
        "files": [t for t in ts if t.kind == "file"],
        "apis": apis,
        "apis_up": sum(1 for t in apis if t.probe and t.probe.outcome == "up"),
        "open_incidents": open_incidents(ts),
        "feed": FEED_FILE,
        "badge": badge_paths,
    }


def badge_key(target: Target) -> str:
    return f"api:{target.spdr_key}:{target.name}" if target.kind == "api" else target.spdr_key


def badge_paths(key: str) -> tuple[str, str]:
    """Relative paths of the availability and quality badges of ``key``."""
    slug = safe_slug(key)
    return f"badges/{slug}-disponibilite.svg", f"badges/{slug}-qualite.svg"


def write_badges(root: Path, ts: list[Target], data: SiteData, now: datetime | None) -> None:
    """Availability badges (per SPDR dataset: its worst file; per API), quality badges for
    every dataset, and the Atom feed of incidents."""
    uptimes: dict[str, float | None] = {}
    for t in ts:
        key = badge_key(t)
        share = t.uptime_30d
        if key in uptimes and uptimes[key] is not None and share is not None:
            uptimes[key] = min(uptimes[key] or 0.0, share)
        elif key not in uptimes or uptimes[key] is None:
            uptimes[key] = share
    for item_key in {t.spdr_key for t in ts}:
        uptimes.setdefault(item_key, None)
    scores = {d.dataset.key: d.overall for d in data.rows(data.current.datasets)}
    scores |= {t.spdr_key: scores.get(t.dataset_key) for t in ts}
    incidents = [
        Incident(
            url=t.url,
            start=datetime.fromisoformat(i["start"]),
            end=datetime.fromisoformat(i["end"]) if i.get("end") else None,
            cause=str(i.get("cause") or ""),
            status=i.get("status"),
            outcome=str(i.get("outcome") or "down"),
            target=t.kind,
        )
        for t in ts
        for i in t.incidents
    ]
    write_badges_and_feed(
        root,
        uptimes,
        scores,
        incidents,
        now=now or datetime.now(UTC),
        feed_url=FEED_FILE,
        site_url="disponibilite.html",
        names={t.url: f"{t.dataset} — {t.name}" for t in ts},
    )


def target_record(t: Target) -> dict[str, Any]:
    """One target for ``api/availability.json``."""
    return {
        "name": t.name,
        "url": t.url,
        "kind": t.kind,
        "dataset": t.dataset,
        "spdr": t.spdr_key,
        "last_probe": (
            {"outcome": t.probe.outcome, "status": t.probe.status, "reason": t.probe.reason}
            if t.probe
            else None
        ),
        "availability": t.figures,
    }
