"""Realistic records for the store tests: a real data.gouv.fr dataset, SPDR-like data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from observatory.model import (
    Catalogue,
    CatalogueStatus,
    CriterionResult,
    Dataset,
    DatasetScore,
    Distribution,
    Organisation,
    ProbeResult,
    SchemaRef,
    Service,
    SourceError,
    ValidationError,
    ValidationReport,
)
from tests.corpus import CORPUS as SHARED

CORPUS = SHARED / "udata-api"
T0 = datetime(2025, 4, 7, 6, 0, tzinfo=UTC)


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def corpus_dataset(catalogue_id: str = "data-gouv-fr") -> Dataset:
    """The real data.gouv.fr catalogue dataset, normalised by hand for the tests."""
    raw = json.loads((CORPUS / "dataset_metadata.json").read_text(encoding="utf-8"))
    key = f"{catalogue_id}:{raw['id']}"
    distributions = []
    for r in raw["resources"]:
        schema = r.get("schema")
        distributions.append(
            Distribution(
                key=f"{key}:{r['id']}",
                url=r["url"],
                source_id=r["id"],
                title=r["title"],
                description=r.get("description"),
                format=r.get("format"),
                media_type=r.get("mime"),
                type=r.get("type", "main"),
                byte_size=r.get("filesize"),
                checksum=(r.get("checksum") or {}).get("value"),
                issued=_dt(r.get("created_at")),
                modified=_dt(r.get("last_modified")),
                schema=SchemaRef(**schema) if schema else None,
                extras=r.get("extras") or {},
            )
        )
    org = raw["organization"]
    return Dataset(
        key=key,
        catalogue_id=catalogue_id,
        source_id=raw["id"],
        title=raw["title"],
        uri=raw["uri"],
        slug=raw["slug"],
        description=raw["description"],
        landing_page=raw["page"],
        organization_key=f"{catalogue_id}:{org['id']}",
        organization_name=org["name"],
        license=raw["license"],
        frequency=raw["frequency"],
        issued=_dt(raw["created_at"]),
        modified=_dt(raw["last_update"]),
        metadata_modified=_dt(raw["last_modified"]),
        keywords=list(raw["tags"]),
        badges=[b["kind"] for b in raw["badges"]],
        distributions=distributions,
        quality=raw["quality"],
        metrics=raw["metrics"],
        extras=raw["extras"],
    )


def sirene_dataset(catalogue_id: str = "data-gouv-fr") -> Dataset:
    """A reference dataset with a schema-bearing resource, dates and a naive datetime."""
    key = f"{catalogue_id}:5b7ffc618b4c4169d30727e0"
    return Dataset(
        key=key,
        catalogue_id=catalogue_id,
        source_id="5b7ffc618b4c4169d30727e0",
        title="Base Sirene des entreprises et de leurs établissements (SIREN, SIRET)",
        description="Répertoire « Sirene » : données légales des entreprises — ≥ 40 M lignes.",
        organization_key=f"{catalogue_id}:insee",
        organization_name="Institut national de la statistique et des études économiques",
        license="lov2",
        frequency="daily",
        modified=datetime(2025, 4, 6, 23, 30, tzinfo=UTC),
        metadata_modified=datetime(2025, 4, 6, 23, 31),  # naive on purpose
        temporal_start=date(2017, 1, 1),
        temporal_end=date(2025, 4, 6),
        spatial="fr:pays:FR",
        keywords=["sirene", "siren", "siret", "entreprises"],
        themes=["economie"],
        badges=["spd"],
        conforms_to=["https://schema.data.gouv.fr/etalab/schema-sirene/"],
        distributions=[
            Distribution(
                key=f"{key}:stock-etab",
                url="https://files.example.fr/sirene/StockEtablissement_utf8.zip",
                format="zip",
                media_type="application/zip",
                byte_size=2_147_483_648_000,
                issued=datetime(2025, 4, 1, tzinfo=UTC),
                schema=SchemaRef(name="etalab/schema-sirene", version="1.2.0", url=None),
                extras={"check:available": True, "check:status": 200, "nested": {"a": [1, 2.5]}},
            ),
            Distribution(key=f"{key}:doc", url="https://www.sirene.fr/doc", type="documentation"),
        ],
        quality={"score": 0.777, "license": True},
        metrics={"reuses": 412, "followers": 1500},
        extras={"note": None, "empty": {}, "list": ["a", None, 3]},
        spdr="sirene",
    )


def catalogue_with_status(datasets: list[Dataset], catalogue_id: str = "data-gouv-fr"):
    catalogue = Catalogue(
        id=catalogue_id,
        name="data.gouv.fr",
        kind="udata",
        url="https://www.data.gouv.fr/api/1/",
        datasets=datasets,
        services=[
            Service(
                key=f"{catalogue_id}:api-sirene",
                catalogue_id=catalogue_id,
                source_id="api-sirene",
                title="API Sirene",
                endpoint_url="https://api.insee.fr/entreprises/sirene/V3.11",
                dataset_keys=[d.key for d in datasets],
                organization_key=f"{catalogue_id}:insee",
                declared_availability=99.5,
                license="lov2",
                extras={"rate_limit": "30/min"},
            )
        ],
        organisations=[
            Organisation(
                key=f"{catalogue_id}:insee", name="INSEE", source_id="insee", slug="insee"
            ),
            Organisation(key=f"{catalogue_id}:646b7187b50b2a93b1ae3d45", name="Etalab"),
        ],
        errors=[
            SourceError(
                source=catalogue_id,
                url="https://www.data.gouv.fr/api/1/datasets/?page=7",
                kind="timeout",
                message="page 7 : délai dépassé après 30 s",
                at=T0 + timedelta(minutes=3),
            )
        ],
        pages=7,
    )
    status = CatalogueStatus(
        id=catalogue.id,
        name=catalogue.name,
        kind=catalogue.kind,
        url=catalogue.url,
        ok=True,
        dataset_count=len(datasets),
        errors=list(catalogue.errors),
    )
    return catalogue, status


def probes(at: datetime = T0) -> list[ProbeResult]:
    return [
        ProbeResult(
            url="https://files.example.fr/sirene/StockEtablissement_utf8.zip",
            outcome="up",
            reason="HEAD 200 avec Content-Length",
            checked_at=at,
            method="HEAD",
            status=200,
            final_url="https://cdn.example.fr/StockEtablissement_utf8.zip",
            content_type="application/zip",
            content_length=2_147_483_648_000,
            last_modified="Tue, 01 Apr 2025 02:00:00 GMT",
            etag='"abc"',
            latency_ms=123.25,
            extra={"phases": {"connect": 10.5, "ttfb": 100}, "cert_days_left": 42},
        ),
        ProbeResult(
            url="https://api.insee.fr/entreprises/sirene/V3.11/siret?q=x",
            outcome="refused",
            reason="adresse privée refusée",
            checked_at=at + timedelta(seconds=5),
            target="api",
            check_name="recherche",
        ),
    ]


def validations(at: datetime = T0) -> list[ValidationReport]:
    return [
        ValidationReport(
            url="https://files.example.fr/irve.csv",
            distribution_key="data-gouv-fr:irve:csv",
            schema_url="https://schema.data.gouv.fr/schemas/etalab/schema-irve-statique/2.3.1/schema-statique.json",
            valid=False,
            checked_at=at,
            errors=[
                ValidationError(
                    type="type-error",
                    row=12,
                    field="puissance_nominale",
                    message="« 22kW » n'est pas un nombre",
                ),
                ValidationError(type="blank-row", row=40, field=None, message="ligne vide"),
            ],
            error_counts={"type-error": 1, "blank-row": 1},
            row_count=1234,
            detected_format="csv",
            partial=True,
            stats={"empty_cells": {"telephone_operateur": 17}},
        ),
        ValidationReport(
            url="https://files.example.fr/broken.csv",
            distribution_key=None,
            schema_url=None,
            valid=False,
            checked_at=at,
            fatal="schéma illisible",
        ),
    ]


def score_for(key: str, overall: float | None = 71.5) -> DatasetScore:
    return DatasetScore(
        dataset_key=key,
        results=[
            CriterionResult(
                criterion_id="license-set",
                pillar="completeness",
                status="pass",
                score=1.0,
                weight=2.0,
                evidence={"license": "lov2"},
                label="Licence renseignée",
            ),
            CriterionResult(
                criterion_id="update-in-time",
                pillar="freshness",
                status="fail",
                score=0.0,
                weight=3.0,
                evidence={"last_update": "2025-01-01", "deadline": "2025-01-02", "late_days": 95},
                fix_hint="Mettre à jour les données : la dernière mise à jour date du 1er janvier.",
                label="Mise à jour à temps",
            ),
            CriterionResult(
                criterion_id="schema-valid",
                pillar="conformity",
                status="na",
                score=None,
                weight=1.0,
            ),
        ],
        pillars={"completeness": 100.0, "freshness": 0.0, "conformity": None, "availability": 99.9},
        overall=overall,
        legal={"metadata": True, "availability": None},
    )
