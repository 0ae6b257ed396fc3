"""The eight metadata the arrêté of 14 June 2017 makes mandatory, as the arrêté names them,
with the udata fields and DCAT-AP properties each one is read from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MandatoryMetadata:
    key: str
    label: str  # the arrêté's wording
    udata: str  # udata API fields (data.gouv.fr, ecologie.data.gouv.fr)
    dcat: str  # DCAT-AP properties
    rule: str  # what the observatory checks


MANDATORY_METADATA: tuple[MandatoryMetadata, ...] = (
    MandatoryMetadata(
        "source_and_update",
        "source et date de dernière mise à jour",
        "organization (ou owner), last_update",
        "dct:publisher, dct:modified",
        "un producteur nommé et une date de dernière mise à jour (jeu ou ressource)",
    ),
    MandatoryMetadata("title", "titre", "title", "dct:title", "non vide"),
    MandatoryMetadata("description", "description", "description", "dct:description", "non vide"),
    MandatoryMetadata(
        "periodicity",
        "périodicité de mise à jour",
        "frequency",
        "dct:accrualPeriodicity",
        "une fréquence déclarée autre que « unknown »",
    ),
    MandatoryMetadata(
        "format",
        "format",
        "resources[].format, resources[].mime",
        "dcat:distribution / dct:format, dcat:mediaType",
        "un format ou un type MIME pour chaque ressource",
    ),
    MandatoryMetadata(
        "spatial",
        "couverture géographique",
        "spatial (zones, granularity)",
        "dct:spatial",
        "non vide",
    ),
    MandatoryMetadata(
        "licence",
        "licence",
        "license",
        "dct:license (jeu ou distribution)",
        "une licence déclarée (« notspecified » ne compte pas)",
    ),
    MandatoryMetadata("keywords", "mots-clés", "tags", "dcat:keyword", "au moins un mot-clé"),
)

#: key -> the arrêté's wording.
LEGAL_METADATA: dict[str, str] = {m.key: m.label for m in MANDATORY_METADATA}


def methodology_table() -> str:
    """The eight metadata as a Markdown table (methodology page)."""
    lines = [
        "| Métadonnée (arrêté) | Champ udata | Propriété DCAT-AP | Contrôle |",
        "|---|---|---|---|",
    ]
    lines += [f"| {m.label} | `{m.udata}` | `{m.dcat}` | {m.rule} |" for m in MANDATORY_METADATA]
    return "\n".join(lines) + "\n"
