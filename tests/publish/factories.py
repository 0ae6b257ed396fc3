"""Realistic snapshots for the publishing tests: the nine SPDR datasets, others, a failed source.

The SPDR entries come from the real ``datasets.yml``; one of them (ROME) is missing from the
current run because its source page failed. One dataset carries hostile metadata.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from observatory.model import (
    PILLARS,
    CatalogueStatus,
    CriterionResult,
    Dataset,
    DatasetScore,
    Distribution,
    Organisation,
    ProbeResult,
    RunInfo,
    SchemaRef,
    Service,
    Snapshot,
    SourceError,
    ValidationError,
    ValidationReport,
)
from observatory.registry import SpdrEntry, load_config

T0 = datetime(2025, 4, 7, 6, 0, tzinfo=UTC)
PORTAL = "data-gouv-fr"
MISSING_SPDR = "rome"
XSS_TITLE = "<script>alert(1)</script>"
XSS_DESCRIPTION = '"><img src=x onerror=alert(1)>'
XSS_URL = "javascript:alert(1)"


def spdr_entries() -> list[SpdrEntry]:
    return list(load_config(env={}).spdr)


def _criteria(seed: int, url: str) -> list[CriterionResult]:
    """A spread of statuses: pass, fail with evidence and hint, partial, not applicable."""
    late = 3 + seed
    return [
        CriterionResult(
            "license-set",
            "completeness",
            "pass",
            1.0,
            2.0,
            {"license": "lov2"},
            None,
            "Licence renseignée",
        ),
        CriterionResult(
            "description-length",
            "completeness",
            "partial" if seed % 2 else "pass",
            0.5 if seed % 2 else 1.0,
            1.0,
            {"length": 64 + seed, "minimum": 100},
            "Allonger la description : au moins 100 caractères." if seed % 2 else None,
            "Description suffisante",
        ),
        CriterionResult(
            "update-in-time",
            "freshness",
            "fail" if seed % 3 == 0 else "pass",
            0.0 if seed % 3 == 0 else 1.0,
            3.0,
            {"last_update": "2025-01-01", "deadline": "2025-01-02", "late_days": late},
            f"Mettre à jour les données : retard de {late} jours sur la périodicité déclarée."
            if seed % 3 == 0
            else None,
            "Mise à jour à temps",
        ),
        CriterionResult(
            "schema-valid",
            "conformity",
            "na" if seed % 4 == 0 else "pass",
            None if seed % 4 == 0 else 1.0,
            2.0,
            {},
            None,
            "Conforme au schéma",
        ),
        CriterionResult(
            "resources-available",
            "availability",
            "fail" if seed % 2 else "pass",
            0.0 if seed % 2 else 1.0,
            3.0,
            {"url": url, "status": 404 if seed % 2 else 200, "checked_at": T0},
            f"La ressource {url} renvoie une erreur 404 : corriger le lien." if seed % 2 else None,
            "Ressources disponibles",
        ),
    ]


def _score(key: str, seed: int, url: str, shift: float = 0.0) -> DatasetScore:
    pillars: dict[str, float | None] = {
        p: round(min(100.0, 40.0 + (seed * 7 + i * 13) % 60 + shift), 1)
        for i, p in enumerate(PILLARS)
    }
    if seed % 4 == 0:
        pillars["conformity"] = None
    values = [v for v in pillars.values() if v is not None]
    return DatasetScore(
        dataset_key=key,
        results=_criteria(seed, url),
        pillars=pillars,
        overall=round(sum(values) / len(values), 1),
        legal={
            "metadata": seed % 2 == 0,
            "periodicity": seed % 3 != 0,
            "file_availability": None if seed % 5 == 0 else seed % 2 == 0,
        },
    )


def _dataset(
    source_id: str,
    title: str,
    org: tuple[str, str],
    seed: int,
    spdr: str | None = None,
    catalogue: str = PORTAL,
) -> Dataset:
    key = f"{catalogue}:{source_id}"
    return Dataset(
        key=key,
        catalogue_id=catalogue,
        source_id=source_id,
        title=title,
        slug=source_id,
        description=f"Description de {title}, publiée par {org[1]}.",
        landing_page=f"https://www.data.gouv.fr/fr/datasets/{source_id}/",
        organization_key=f"{catalogue}:{org[0]}",
        organization_name=org[1],
        license="lov2",
        frequency="monthly",
        modified=T0 - timedelta(days=seed),
        keywords=["référence", title.split()[0].lower()],
        badges=["spd"] if spdr else [],
        spdr=spdr,
        distributions=[
            Distribution(
                key=f"{key}:main",
                url=f"https://files.example.fr/{source_id}/data.csv",
                title=f"{title} (CSV)",
                format="csv",
                schema=SchemaRef(name="etalab/schema-demo", version="1.0.0"),
            ),
            Distribution(
                key=f"{key}:doc",
                url=f"https://files.example.fr/{source_id}/notice.pdf",
                title="Notice",
                format="pdf",
                type="documentation",
            ),
        ],
    )


def _probes(dataset: Dataset, seed: int, at: datetime) -> list[ProbeResult]:
    main, doc = dataset.distributions
    failing = seed % 2 == 1
    return [
        ProbeResult(
            url=main.url,
            outcome="down" if failing else "up",
            reason="GET 404 : ressource introuvable" if failing else "HEAD 200 avec Content-Length",
            checked_at=at,
            method="GET" if failing else "HEAD",
            status=404 if failing else 200,
            latency_ms=120.0 + seed,
        ),
        ProbeResult(
            url=doc.url,
            outcome="unknown" if seed == 2 else "up",
            reason="429 : trop de requêtes, réessayer plus tard" if seed == 2 else "HEAD 200",
            checked_at=at,
            method="HEAD",
            status=429 if seed == 2 else 200,
            latency_ms=80.0,
        ),
    ]


ORGS = {
    "sirene": ("insee", "INSEE"),
    "cog": ("insee", "INSEE"),
    "rna": ("interieur", "Ministère de l'Intérieur"),
    "pci": ("dgfip", "DGFiP"),
    "rpg": ("ign", "IGN"),
    "rge": ("ign", "IGN"),
    "ban": ("anct", "ANCT"),
    "organisation-etat": ("dila", "DILA"),
    "rome": ("france-travail", "France Travail"),
}


def hostile_dataset() -> Dataset:
    """Metadata written by an attacker: script title, attribute-breaking text, bad URLs."""
    key = f"{PORTAL}:../../etc/passwd"
    return Dataset(
        key=key,
        catalogue_id=PORTAL,
        source_id="../../etc/passwd",
        title=XSS_TITLE,
        description=XSS_DESCRIPTION,
        landing_page=XSS_URL,
        uri="javascript:alert(2)",
        organization_key=f"{PORTAL}:<b>evil</b>",
        organization_name='<img src=x onerror="alert(3)">',
        license='=HYPERLINK("http://evil")',
        keywords=[XSS_TITLE],
        distributions=[
            Distribution(key=f"{key}:js", url=XSS_URL, title=XSS_DESCRIPTION, format="<i>csv</i>"),
            Distribution(key=f"{key}:data", url=" JavaScript:alert(4)", title=None),
        ],
    )


def hostile_score(key: str) -> DatasetScore:
    return DatasetScore(
        dataset_key=key,
        results=[
            CriterionResult(
                "license-set",
                "completeness",
                "fail",
                0.0,
                2.0,
                {"license": '=HYPERLINK("http://evil")', "url": XSS_URL, "html": XSS_TITLE},
                f"Corriger {XSS_DESCRIPTION}",
                XSS_TITLE,
            )
        ],
        pillars={"completeness": 0.0, "freshness": None, "conformity": None, "availability": None},
        overall=0.0,
        legal={XSS_TITLE: False},
    )


def build_snapshot(run_id: int, at: datetime, shift: float, with_new: bool) -> Snapshot:
    """One run: eight SPDR datasets (ROME missing), three others, a failed DCAT source."""
    datasets: list[Dataset] = []
    scores: dict[str, DatasetScore] = {}
    probes: list[ProbeResult] = []
    for seed, entry in enumerate(spdr_entries(), start=1):
        if entry.key == MISSING_SPDR:
            continue
        # COG is matched through its source id only (no spdr key set by the harvester).
        spdr = None if entry.key == "cog" else entry.key
        d = _dataset(entry.id, entry.name, ORGS.get(entry.key, ("x", "X")), seed, spdr)
        datasets.append(d)
        scores[d.key] = _score(d.key, seed, d.distributions[0].url, shift)
        probes += _probes(d, seed, at)
    others = [
        ("irve", "Infrastructures de recharge pour véhicules électriques", ("etalab", "Etalab")),
        ("lieux-covoiturage", "Base nationale des lieux de covoiturage", ("etalab", "Etalab")),
    ]
    if with_new:
        others.append(("prenoms", "Fichier des prénoms", ("insee", "INSEE")))
    for seed, (sid, title, org) in enumerate(others, start=20):
        d = _dataset(sid, title, org, seed)
        datasets.append(d)
        scores[d.key] = _score(d.key, seed, d.distributions[0].url, shift)
        probes += _probes(d, seed, at)
    hostile = hostile_dataset()
    datasets.append(hostile)
    scores[hostile.key] = hostile_score(hostile.key)
    probes.append(
        ProbeResult(url=XSS_URL, outcome="refused", reason="schéma d'URL refusé", checked_at=at)
    )
    sirene_api = "https://recherche-entreprises.api.gouv.fr/search?q=130025265&page=1&per_page=1"
    probes.append(
        ProbeResult(
            url=sirene_api,
            outcome="degraded",
            reason="réponse lente : 4 200 ms",
            checked_at=at,
            target="api",
            check_name="API Recherche d'entreprises",
            status=200,
            latency_ms=4200.0,
        )
    )
    irve = f"{PORTAL}:irve"
    validations = [
        ValidationReport(
            url="https://files.example.fr/irve/data.csv",
            distribution_key=f"{irve}:main",
            schema_url="https://schema.data.gouv.fr/schemas/etalab/schema-irve-statique/2.3.1/schema-statique.json",
            valid=False,
            checked_at=at,
            errors=[ValidationError("type-error", 12, "puissance_nominale", "« 22kW »")],
            error_counts={"type-error": 31, "missing-cell": 2},
            row_count=1234,
        ),
        ValidationReport(
            url=datasets[0].distributions[0].url,
            distribution_key=datasets[0].distributions[0].key,
            schema_url=None,
            valid=True,
            checked_at=at,
            row_count=40_000,
        ),
    ]
    catalogues = [
        CatalogueStatus(
            id=PORTAL,
            name="data.gouv.fr",
            kind="udata",
            url="https://www.data.gouv.fr/api/1/",
            ok=True,
            dataset_count=len(datasets),
            errors=[
                SourceError(
                    PORTAL,
                    "https://www.data.gouv.fr/api/1/datasets/58da857388ee384902e505f5/",
                    "http-503",
                    "HTTP 503 en lisant le jeu de données ROME",
                    at,
                )
            ],
        ),
        CatalogueStatus(
            id="geo-ide",
            name="Géo-IDE <catalogue>",
            kind="dcat",
            url="https://catalogue.geo-ide.developpement-durable.gouv.fr/catalog.ttl",
            ok=False,
            errors=[
                SourceError(
                    "geo-ide",
                    "https://catalogue.geo-ide.developpement-durable.gouv.fr/catalog.ttl",
                    "timeout",
                    "délai dépassé après 30 s <script>alert(5)</script>",
                    at,
                )
            ],
        ),
    ]
    services = [
        Service(
            key=f"{PORTAL}:api-irve",
            catalogue_id=PORTAL,
            source_id="api-irve",
            title="API IRVE",
            endpoint_url="https://api.example.fr/irve",
            dataset_keys=[irve],
        )
    ]
    organisations = [
        Organisation(key=f"{PORTAL}:insee", name="INSEE", url="https://www.insee.fr/"),
        Organisation(key=f"{PORTAL}:etalab", name="Etalab", url="javascript:alert(6)"),
    ]
    run = RunInfo(
        id=run_id,
        started_at=at,
        finished_at=at + timedelta(minutes=42),
        status="partial",
        summary={"datasets": len(datasets), "probes": len(probes), "incidents": 5},
    )
    return Snapshot(
        run=run,
        catalogues=catalogues,
        datasets=datasets,
        services=services,
        organisations=organisations,
        probes=probes,
        validations=validations,
        scores=scores,
    )


def history_for(snapshot: Snapshot) -> dict[str, list]:
    out = {}
    for key, score in snapshot.scores.items():
        out[key] = [
            (i, T0 - timedelta(days=7 * (3 - i)), None if i == 1 else 50.0 + i * 5, score.pillars)
            for i in range(4)
        ] + [(snapshot.run.id, snapshot.run.started_at, score.overall, score.pillars)]
    return out
