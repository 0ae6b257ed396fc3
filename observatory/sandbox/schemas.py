"""Table Schemas served by the sandbox, in the style of schema.data.gouv.fr.

Each schema lists every column of its file (frictionless reports extra or missing labels
otherwise) with types, required values, patterns and a primary key where the real data
has one. Served at ``/schemas/<name>/<version>/schema.json``.
"""

from __future__ import annotations

from typing import Any

from observatory.sandbox import tables

SchemaSpec = dict[str, Any]


def _schema(
    name: str,
    title: str,
    description: str,
    columns: list[str],
    fields: dict[str, dict[str, Any]],
    primary_key: list[str] | None = None,
    version: str = "1.0.0",
) -> SchemaSpec:
    out: SchemaSpec = {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "name": name,
        "title": title,
        "description": description,
        "countryCode": "FR",
        "homepage": f"https://github.com/{name}",
        "licenses": [
            {
                "title": "Etalab Licence Ouverte 2.0",
                "name": "etalab-2.0",
                "path": "https://spdx.org/licenses/etalab-2.0.html",
            }
        ],
        "created": "2023-01-16",
        "lastModified": "2024-01-10",
        "version": version,
        "contributors": [{"title": "Équipe data.gouv.fr", "role": "author"}],
        "fields": [
            {"name": col, "title": col, "type": "string"} | fields.get(col, {}) for col in columns
        ],
        "missingValues": [""],
    }
    if primary_key:
        out["primaryKey"] = primary_key
    return out


def _req(**extra: Any) -> dict[str, Any]:
    return {"constraints": {"required": True, **extra}}


SCHEMAS: dict[str, SchemaSpec] = {
    "insee/sirene-etablissements": _schema(
        "insee/sirene-etablissements",
        "Base Sirene — établissements",
        "Stock des établissements actifs et fermés du répertoire Sirene.",
        tables.SIRET_COLUMNS,
        {
            "siren": _req(pattern=r"^\d{9}$"),
            "nic": _req(pattern=r"^\d{5}$"),
            "siret": _req(pattern=r"^\d{14}$", unique=True),
            "dateCreationEtablissement": {"type": "date"},
            "etablissementSiege": {"type": "boolean"},
            "nombrePeriodesEtablissement": {"type": "integer"},
            "codeCommuneEtablissement": {"constraints": {"pattern": r"^(\d{5}|2[AB]\d{3})$"}},
            "coordonneeLambertAbscisseEtablissement": {"type": "number"},
            "coordonneeLambertOrdonneeEtablissement": {"type": "number"},
            "dateDebut": {"type": "date"},
            "etatAdministratifEtablissement": _req(enum=["A", "F"]),
        },
        ["siret"],
        version="3.11.0",
    ),
    "insee/cog-communes": _schema(
        "insee/cog-communes",
        "Code officiel géographique — communes",
        "Liste des communes, communes associées, déléguées et arrondissements municipaux.",
        tables.COG_COLUMNS,
        {
            "TYPECOM": _req(enum=["COM", "COMA", "COMD", "ARM"]),
            "COM": _req(pattern=r"^(\d{5}|2[AB]\d{3})$"),
            "TNCC": {"type": "integer", "constraints": {"minimum": 0, "maximum": 8}},
            "LIBELLE": _req(),
        },
        ["TYPECOM", "COM"],
        version="2024.0.0",
    ),
    "interieur/rna-waldec": _schema(
        "interieur/rna-waldec",
        "Répertoire national des associations — fichier Waldec",
        "Associations déclarées en préfecture depuis 2009 (fichier Waldec).",
        tables.RNA_COLUMNS,
        {
            "id": _req(pattern=r"^W[0-9AB]\d{8}$"),
            "date_creat": {"type": "date"},
            "date_decla": {"type": "date"},
            "titre": _req(),
            "adrs_codeinsee": {"constraints": {"pattern": r"^(\d{5}|2[AB]\d{3})$"}},
            "position": {"constraints": {"enum": ["A", "D", "S"]}},
        },
        ["id"],
        version="1.2.0",
    ),
    "etalab/schema-irve-statique": _schema(
        "etalab/schema-irve-statique",
        "IRVE statique (simplifié)",
        "Infrastructures de recharge pour véhicules électriques — données statiques.",
        tables.irve_stations()[0],
        {
            "siren_amenageur": {"constraints": {"pattern": r"^\d{9}$"}},
            "id_station_itinerance": _req(pattern=r"^FR[A-Z0-9]{3}P[A-Z0-9]+$"),
            "code_insee_commune": {"constraints": {"pattern": r"^(\d{5}|2[AB]\d{3})$"}},
            "coordonneesXY": _req(),
            "nbre_pdc": {"type": "integer", "constraints": {"required": True, "minimum": 1}},
            "id_pdc_itinerance": _req(unique=True),
            "puissance_nominale": {"type": "number", "constraints": {"required": True}},
            "prise_type_2": {"type": "boolean"},
            "date_mise_en_service": {"type": "date"},
            "date_maj": {"type": "date", "constraints": {"required": True}},
        },
        ["id_pdc_itinerance"],
        version="2.3.1",
    ),
}


def schema_path(name: str) -> str:
    """Where the sandbox serves a schema (on its schema host)."""
    return f"/schemas/{name}/{SCHEMAS[name]['version']}/schema.json"


def schema_ref(name: str, base: str) -> dict[str, str]:
    """The udata resource ``schema`` object pointing at a served schema."""
    return {"name": name, "version": SCHEMAS[name]["version"], "url": base + schema_path(name)}
