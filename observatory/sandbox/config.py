"""The sandbox variant of datasets.yml: the same Config shape, pointing at the loopback hosts.

Short timeouts and ``slow_ms: 1000`` so the slow API (1.5 s) counts as degraded; loopback
allowed through ``allowed_networks``; the nine SPDR entries with API checks on the sandbox
APIs, the regional DCAT catalogue and the ministry's organisation scope.
"""

from __future__ import annotations

from typing import Any

import yaml

from observatory.sandbox.dcat_catalog import REGIONAL_TITLE
from observatory.sandbox.state import SandboxState
from observatory.sandbox.udata_data import ORGS, SPDR

SPDR_META = {  # key: (name, producer, legal periodicity)
    "sirene": ("Base Sirene des entreprises et de leurs établissements", "INSEE", "daily_working"),
    "rna": ("Répertoire National des Associations (RNA)", "Ministère de l'Intérieur", "monthly"),
    "pci": ("Plan Cadastral Informatisé (PCI)", "DGFiP", "quarterly"),
    "rpg": ("Registre Parcellaire Graphique (RPG)", "IGN / ASP", "per_campaign"),
    "rge": ("Référentiel à Grande Échelle (RGE)", "IGN", "half_yearly"),
    "ban": ("Base Adresse Nationale (BAN)", "IGN / DINUM (ANCT)", "weekly"),
    "organisation-etat": (
        "Référentiel de l'organisation administrative de l'État",
        "DILA",
        "weekly",
    ),
    "rome": (
        "Répertoire Opérationnel des Métiers et des Emplois (ROME)",
        "France Travail",
        "four_monthly",
    ),
    "cog": ("Code Officiel Géographique (COG)", "INSEE", "yearly"),
}


def _apis(api: str) -> dict[str, list[dict[str, Any]]]:
    """API checks per SPDR key, on the sandbox's API host."""
    return {
        "sirene": [
            {
                "name": "API Recherche d'entreprises",
                "url": f"{api}/recherche-entreprises/search?q=130025265&page=1&per_page=1",
                "expect": {
                    "status": 200,
                    "content_type": "application/json",
                    "json_path": "results[0].siren",
                    "equals": "130025265",
                    "max_latency_ms": 2000,
                },
            }
        ],
        "pci": [
            {
                "name": "API Carto — module cadastre",
                "url": f"{api}/apicarto/cadastre/commune?code_insee=69123",
                "expect": {
                    "status": 200,
                    "content_type": "application/json",
                    "json_path": "type",
                    "equals": "FeatureCollection",
                    "max_latency_ms": 3000,
                },
            }
        ],
        "rge": [
            {
                "name": "Géoplateforme — WMTS",
                "url": f"{api}/geopf/wmts?SERVICE=WMTS&REQUEST=GetCapabilities",
                "expect": {"status": 200, "contains": "Capabilities", "max_latency_ms": 3000},
            }
        ],
        "ban": [
            {
                "name": "API Adresse — recherche",
                "url": f"{api}/api-adresse/search/?q=20+avenue+de+segur+paris&limit=1",
                "expect": {
                    "status": 200,
                    "content_type": "application/json",
                    "json_path": "features[0].properties.label",
                    "type": "string",
                    "max_latency_ms": 1500,
                },
            }
        ],
        "organisation-etat": [
            {
                "name": "API Annuaire de l'administration",
                "url": f"{api}/annuaire/api/explore/v2.1/catalog/datasets/"
                "api-lannuaire-administration/records?limit=1",
                "expect": {
                    "status": 200,
                    "content_type": "application/json",
                    "json_path": "total_count",
                    "type": "integer",
                    "max_latency_ms": 3000,
                },
            }
        ],
        "cog": [
            {
                "name": "API Découpage administratif — commune",
                "url": f"{api}/geo/communes/75056?fields=nom,code",
                "expect": {
                    "status": 200,
                    "content_type": "application/json",
                    "json_path": "nom",
                    "equals": "Paris",
                    "max_latency_ms": 1500,
                },
            }
        ],
    }


def config_data(state: SandboxState) -> dict[str, Any]:
    """The configuration as a plain mapping (what config_text dumps)."""
    apis = _apis(state.base("apis"))
    spdr = []
    for ds in SPDR:
        name, producer, periodicity = SPDR_META[ds.key]
        entry: dict[str, Any] = {
            "key": ds.key,
            "name": name,
            "id": ds.id,
            "slug": ds.slug,
            "producer": producer,
            "periodicity": periodicity,
        }
        if ds.key in apis:
            entry["apis"] = apis[ds.key]
        spdr.append(entry)
    mte = ORGS["mte"]
    return {
        "portal": {"id": "sandbox", "name": "data.gouv.fr (bac à sable)", "url": state.portal_url},
        "settings": {
            "user_agent": "observatory/0.1",
            "contact": "http://127.0.0.1/sandbox-operator",
            "timeouts": {"connect": 2, "read": 5, "total": 15},
            "max_bytes": 20_000_000,
            "validate_max_bytes": 50_000_000,
            "max_redirects": 5,
            "max_pages": 50,
            "page_size": 10,
            "per_host_concurrency": 4,
            "per_host_rate": 50,
            "slow_ms": 1000,
            "allowed_networks": ["127.0.0.0/8"],
        },
        "weights": {"completeness": 1, "freshness": 1, "conformity": 1, "availability": 1},
        "spdr": spdr,
        "catalogues": [
            {
                "id": "catalogue-aura",
                "name": REGIONAL_TITLE,
                "kind": "dcat",
                "url": f"{state.base('catalogue')}/catalogue/catalog.jsonld",
                "max_pages": 20,
            }
        ],
        "organisations": [{"id": mte.slug, "name": mte.name}],
    }


def config_text(state: SandboxState) -> str:
    header = (
        "# Sandbox variant of datasets.yml, generated by observatory.sandbox for this run.\n"
        f"# Portal {state.portal_url}, producer hosts {', '.join(state.hosts)}, "
        f"generation {state.generation}.\n"
    )
    body = yaml.safe_dump(config_data(state), sort_keys=False, allow_unicode=True, width=100)
    return header + body
