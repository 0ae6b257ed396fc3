"""Small hand-built datasets and contexts for the scoring tests."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from observatory.model import (
    Dataset,
    Distribution,
    ProbeResult,
    SchemaRef,
    ValidationReport,
)
from observatory.registry import SpdrEntry
from observatory.scoring.context import ScoringContext
from observatory.scoring.engine import run_criterion
from observatory.scoring.registry import get_criterion
from tests.corpus import CORPUS as SHARED

NOW = datetime(2025, 4, 7, 12, 0, tzinfo=UTC)
CORPUS = SHARED / "udata-api"


def dist(n: int = 1, **kw: Any) -> Distribution:
    base: dict[str, Any] = {
        "key": f"cat:r{n}",
        "url": f"https://files.example.org/r{n}.csv",
        "title": f"fichier {n}",
        "format": "csv",
        "media_type": "text/csv",
        "modified": datetime(2025, 4, 1, tzinfo=UTC),
    }
    base.update(kw)
    return Distribution(**base)


def good_dataset(**kw: Any) -> Dataset:
    """A dataset that meets every metadata criterion."""
    base: dict[str, Any] = {
        "key": "cat:ds1",
        "catalogue_id": "cat",
        "source_id": "ds1",
        "title": "Base des équipements",
        "description": "Liste des équipements publics avec leur adresse et leur type. " * 3,
        "organization_name": "Ministère",
        "publisher": "Ministère",
        "contact_point": "mailto:donnees@example.org",
        "license": "lov2",
        "frequency": "monthly",
        "issued": datetime(2020, 1, 1, tzinfo=UTC),
        "modified": datetime(2025, 4, 1, tzinfo=UTC),
        "temporal_start": date(2020, 1, 1),
        "temporal_end": date(2025, 3, 31),
        "spatial": "fr:pays:FR",
        "keywords": ["équipements", "services publics"],
        "themes": ["gouv"],
        "distributions": [
            dist(1, description="Fichier principal, une ligne par équipement."),
            dist(
                2,
                url="https://files.example.org/doc.pdf",
                format="pdf",
                media_type="application/pdf",
                type="documentation",
            ),
        ],
    }
    base.update(kw)
    return Dataset(**base)


def spdr_entry(periodicity: str = "weekly", apis: bool = True) -> SpdrEntry:
    api = [{"name": "search", "url": "https://api.example.org/search?q=x"}] if apis else []
    return SpdrEntry.model_validate(
        {
            "key": "ban",
            "name": "Base Adresse Nationale",
            "id": "5530fbacc751df5ff937dddb",
            "slug": "base-adresse-nationale",
            "producer": "IGN",
            "periodicity": periodicity,
            "apis": api,
        }
    )


def probe(url: str, outcome: str = "up", **kw: Any) -> ProbeResult:
    base: dict[str, Any] = {
        "url": url,
        "outcome": outcome,
        "reason": "test",
        "checked_at": NOW,
        "status": 200 if outcome == "up" else 503,
        "content_type": "text/csv",
    }
    base.update(kw)
    return ProbeResult(**base)


def report(key: str = "cat:r1", **kw: Any) -> ValidationReport:
    base: dict[str, Any] = {
        "url": "https://files.example.org/r1.csv",
        "distribution_key": key,
        "schema_url": None,
        "valid": True,
        "checked_at": NOW,
    }
    base.update(kw)
    return ValidationReport(**base)


def context(dataset: Dataset | None = None, **kw: Any) -> ScoringContext:
    return ScoringContext(dataset=dataset or good_dataset(), now=kw.pop("now", NOW), **kw)


def run(criterion_id: str, ctx: ScoringContext):
    """Run one registered criterion and return its CriterionResult."""
    return run_criterion(get_criterion(criterion_id), ctx)


def schema_ref() -> SchemaRef:
    return SchemaRef(name="etalab/schema-irve-statique", version="2.3.1")


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def dataset_from_payload(payload: dict[str, Any], catalogue_id: str = "data-gouv-fr") -> Dataset:
    """Minimal udata API v1 payload -> Dataset (the test's own normaliser).

    Uses observatory.harvest.udata.dataset_from_udata when it exists.
    """
    try:
        from observatory.harvest.udata import dataset_from_udata  # type: ignore[attr-defined]
    except ImportError:
        dataset_from_udata = None
    if dataset_from_udata is not None:
        return dataset_from_udata(payload, catalogue_id)
    temporal = payload.get("temporal_coverage") or {}
    spatial = payload.get("spatial")
    dists = [
        Distribution(
            key=f"{catalogue_id}:{r['id']}",
            url=r["url"],
            source_id=r["id"],
            title=r.get("title"),
            description=r.get("description"),
            format=(r.get("format") or None) and r["format"].lower(),
            media_type=r.get("mime"),
            type=r.get("type") or "main",
            byte_size=r.get("filesize"),
            modified=_dt(r.get("last_modified")),
            issued=_dt(r.get("created_at")),
            extras={**(r.get("extras") or {}), "filetype": r.get("filetype")},
        )
        for r in payload.get("resources") or []
    ]
    org = payload.get("organization") or {}
    return Dataset(
        key=f"{catalogue_id}:{payload['id']}",
        catalogue_id=catalogue_id,
        source_id=payload["id"],
        title=payload["title"],
        slug=payload.get("slug"),
        description=payload.get("description"),
        organization_name=org.get("name"),
        license=payload.get("license"),
        frequency=payload.get("frequency"),
        issued=_dt(payload.get("created_at")),
        modified=_dt(payload.get("last_update")),
        metadata_modified=_dt(payload.get("last_modified")),
        temporal_start=date.fromisoformat(temporal["start"][:10])
        if temporal.get("start")
        else None,
        temporal_end=date.fromisoformat(temporal["end"][:10]) if temporal.get("end") else None,
        spatial=json.dumps(spatial) if spatial else None,
        keywords=list(payload.get("tags") or []),
        badges=[b["kind"] for b in payload.get("badges") or []],
        distributions=dists,
        quality=payload.get("quality"),
    )


def corpus_dataset() -> tuple[dict[str, Any], Dataset]:
    payload = json.loads((CORPUS / "dataset_metadata.json").read_text(encoding="utf-8"))
    return payload, dataset_from_payload(payload)
