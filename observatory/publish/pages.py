"""What each page shows: the template context of index, dataset, catalogue, organisation
and runs pages, built from SiteData."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from observatory.model import (
    PILLARS,
    CatalogueStatus,
    Dataset,
    DatasetScore,
    ProbeResult,
    ReferenceView,
    RunInfo,
    ScorePoint,
    Service,
    SourceError,
)
from observatory.publish import amdac, charts, labels, paths, reference
from observatory.publish.views import DatasetRow, SiteData, org_key_of
from observatory.registry import SpdrEntry

History = list[ScorePoint]


@dataclass
class SpdrRow:
    entry: SpdrEntry
    row: DatasetRow | None
    reason: str | None


@dataclass
class ApiRow:
    name: str
    url: str | None
    href: str | None
    probe: ProbeResult | None
    outcome_label: str


@dataclass
class Organisation:
    key: str
    name: str
    page: str
    url: str | None
    datasets: list[Dataset]


def find_spdr(entry: SpdrEntry, datasets: list[Dataset]) -> Dataset | None:
    """The observed dataset of a SPDR entry: by SPDR key first, then by source id."""
    by_key = [d for d in datasets if d.spdr == entry.key and not d.deleted]
    by_id = [d for d in datasets if d.source_id == entry.id and not d.deleted]
    found = by_key or by_id
    return found[0] if found else None


def _error_text(error: SourceError) -> str:
    return f"{error.message} ({error.kind})"


def missing_reason(entry: SpdrEntry, data: SiteData) -> str:
    """Why a SPDR dataset is absent: its own source error, else the failed sources."""
    own = [
        e
        for c in data.current.catalogues
        for e in c.errors
        if entry.id in (e.url or "") + e.message or entry.slug in (e.url or "").split("/")
    ]
    if own:
        return "Erreur de source : " + " ; ".join(_error_text(e) for e in own)
    failed = [c for c in data.current.catalogues if not c.ok]
    if failed:
        parts = [f"{c.name} — " + " ; ".join(_error_text(e) for e in c.errors) for c in failed]
        return "Source en échec : " + " | ".join(parts)
    return "Absent de cette exécution (aucune erreur de source enregistrée)"


def summary(data: SiteData) -> dict[str, Any]:
    """Counts shown on the index: datasets, resources probed, up/down, failed probes.

    A failed probe (latest outcome not up) is not an incident: incidents are opened and
    closed by ``observatory.availability`` and counted by ``reusers.open_incidents``.
    """
    probes = data.current.probes
    outcomes = Counter(p.outcome for p in probes)
    return {
        "datasets": len(data.current.datasets),
        "spdr": sum(1 for d in data.current.datasets if d.spdr),
        "resources": sum(len(d.distributions) for d in data.current.datasets),
        "probed": len({p.url for p in probes}),
        "probes": len(probes),
        "up": outcomes.get("up", 0),
        "down": outcomes.get("down", 0),
        "failed_probes": sum(n for outcome, n in outcomes.items() if outcome != "up"),
        "invalid": sum(1 for v in data.current.validations if not v.valid),
        "failed_sources": sum(1 for c in data.current.catalogues if not c.ok),
    }


def organisations(data: SiteData) -> list[Organisation]:
    """Organisations that have at least one dataset, by name."""
    groups: dict[str, list[Dataset]] = {}
    for dataset in data.current.datasets:
        key = org_key_of(dataset)
        if key:
            groups.setdefault(key, []).append(dataset)
    orgs = [
        Organisation(
            key=key,
            name=data.org_name(items[0]) or key,
            page=paths.organisation_page(key),
            url=paths.web_url(data.org_urls.get(key)),
            datasets=sorted(items, key=lambda d: d.title.lower()),
        )
        for key, items in groups.items()
    ]
    return sorted(orgs, key=lambda o: o.name.lower())


def index_context(data: SiteData, spdr: list[SpdrEntry]) -> dict[str, Any]:
    spdr_rows = []
    spdr_keys = set()
    for entry in spdr:
        found = find_spdr(entry, data.current.datasets)
        if found is not None:
            spdr_keys.add(found.key)
            spdr_rows.append(SpdrRow(entry, data.row(found), None))
        else:
            spdr_rows.append(SpdrRow(entry, None, missing_reason(entry, data)))
    others = sorted(
        (d for d in data.current.datasets if d.key not in spdr_keys),
        key=lambda d: d.title.lower(),
    )
    counts = summary(data)
    counts["spdr"] = len(spdr_keys)
    counts["spdr_total"] = len(spdr)
    return {
        "spdr_rows": spdr_rows,
        "other_rows": data.rows(others),
        "catalogues": [catalogue_view(c) for c in data.current.catalogues],
        "organisations": organisations(data),
        "summary": counts,
    }


def catalogue_view(status: CatalogueStatus) -> dict[str, Any]:
    return {
        "status": status,
        "page": paths.catalogue_page(status.id),
        "json": paths.api_path(paths.catalogue_page(status.id)),
        "href": paths.web_url(status.url),
        "failure": (
            "Source en échec : " + " ; ".join(_error_text(e) for e in status.errors)
            if not status.ok
            else None
        ),
    }


def _services_for(data: SiteData, dataset: Dataset) -> list[Service]:
    return [s for s in data.current.services if dataset.key in s.dataset_keys]


def _api_row(data: SiteData, name: str, url: str | None) -> ApiRow:
    probe = data.probe_for(url)
    outcome = labels.outcome_label(probe.outcome) if probe else "non sondé"
    return ApiRow(name, url, paths.web_url(url), probe, outcome)


def api_rows(data: SiteData, dataset: Dataset, entry: SpdrEntry | None) -> list[ApiRow]:
    """APIs of a dataset (services and configured SPDR checks) with their latest probe."""
    rows = [_api_row(data, s.title, s.endpoint_url) for s in _services_for(data, dataset)]
    rows += [_api_row(data, check.name, check.url) for check in (entry.apis if entry else [])]
    return rows


def dataset_context(
    data: SiteData,
    dataset: Dataset,
    entry: SpdrEntry | None,
    history: History | None,
    score: DatasetScore | None,
    views: ReferenceView,
) -> dict[str, Any]:
    """What a dataset's page and JSON show; ``score`` is its score with its criteria's
    evidence, ``views`` its reference views (``publish.details``)."""
    row = data.row(dataset)
    return {
        "mqa": reference.mqa_view(views),
        "udata": reference.udata_view(views),
        "candidate": reference.candidate_view(views),
        "json": paths.api_path(row.page),
        "row": row,
        "entry": entry,
        "score": score,
        "criteria": data.criteria(score),
        "resources": data.resources(dataset),
        "apis": api_rows(data, dataset, entry),
        "landing_href": paths.web_url(dataset.landing_page),
        "uri_href": paths.web_url(dataset.uri),
        "chart": charts.score_chart(history) if history else None,
        "history": [
            {
                "run_id": run_id,
                "at": at,
                "overall": overall,
                "pillars": [pillars.get(p) for p in PILLARS],
            }
            for run_id, at, overall, pillars in (history or [])
        ],
    }


def catalogue_context(data: SiteData, status: CatalogueStatus) -> dict[str, Any]:
    datasets = sorted(
        (d for d in data.current.datasets if d.catalogue_id == status.id),
        key=lambda d: d.title.lower(),
    )
    return {"catalogue": catalogue_view(status), "rows": data.rows(datasets)}


def organisation_context(
    data: SiteData, org: Organisation, since: dict[tuple[str, str], RunInfo]
) -> dict[str, Any]:
    """An organisation's datasets, its prioritised fix list and their summary."""
    rows = data.rows(org.datasets)
    fixes = amdac.build_fixes(rows, since)
    listing, fixes_listing = paths.organisation_listings(org.key)
    return {
        "org": org,
        "rows": rows,
        "fixes": fixes,
        "summary": organisation_summary(rows, fixes),
        "listing": listing,
        "fixes_listing": fixes_listing,
        "notice": paths.notice_paths(org.key),
        "json": paths.api_path(org.page),
    }


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def organisation_summary(rows: list[DatasetRow], fixes: list[amdac.Fix]) -> dict[str, Any]:
    """Counts and mean scores (overall, per pillar) heading an organisation's page."""
    return {
        "datasets": len(rows),
        "scored": sum(1 for r in rows if r.overall is not None),
        "mean": _mean([r.overall for r in rows]),
        "pillars": {
            p: _mean([c.value for r in rows for c in r.pillars if c.pillar == p]) for p in PILLARS
        },
        "to_rework": len({f.row.dataset.key for f in fixes}),
        "fixes": len(fixes),
        "failed": sum(1 for f in fixes if f.result.status == "fail"),
    }


def runs_context(runs: list[RunInfo]) -> dict[str, Any]:
    ordered = sorted(runs, key=lambda r: (r.started_at.timestamp(), r.id), reverse=True)
    return {
        "runs": [
            {
                "run": r,
                "status_label": labels.RUN_STATUS_LABELS.get(r.status, r.status),
                "summary": r.summary or {},
                "failed_probes": _failed_probes(r.summary or {}),
            }
            for r in ordered
        ]
    }


def _failed_probes(summary: dict[str, Any]) -> Any:
    """Failed probes of a run summary (``incidents`` in summaries stored before the rename)."""
    return summary.get("failed_probes", summary.get("incidents", "—"))
