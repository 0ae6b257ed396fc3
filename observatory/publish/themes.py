"""French thematic groups for browsing: themes and keywords mapped onto use cases.

A dataset belongs to every group one of its keywords, themes (labels or IRIs) or its title
matches; words are compared without accents or case, on word boundaries.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from observatory.model import Dataset

GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "eau": ("Eau", ("eau", "hydro", "riviere", "nappe", "assainissement", "potable", "cours d")),
    "biodiversite": (
        "Biodiversité",
        ("biodiversite", "espece", "faune", "flore", "natura", "habitat", "environ"),
    ),
    "dechets": ("Déchets", ("dechet", "recyclage", "ordure", "economie circulaire", "tri")),
    "energie": ("Énergie", ("energie", "electricite", "gaz", "renouvelable", "photovolta")),
    "climat": ("Climat", ("climat", "carbone", "ges", "emission", "meteo", "temperature")),
    "mobilite": (
        "Mobilité et transports",
        ("mobilite", "transport", "velo", "gtfs", "route", "trafic", "stationnement", "tran"),
    ),
    "urbanisme": (
        "Urbanisme, logement et territoire",
        ("urbanisme", "plu", "logement", "batiment", "cadastre", "parcelle", "adresse", "regions"),
    ),
    "agriculture": ("Agriculture", ("agricol", "agri", "culture", "parcellaire", "rpg", "elevage")),
    "risques": ("Risques", ("risque", "inondation", "seisme", "pollution des sols", "catnat")),
    "air": ("Qualité de l'air", ("air", "atmo", "particule", "ozone", "no2", "pm10")),
    "economie": (
        "Entreprises et économie",
        ("entreprise", "siren", "siret", "economie", "emploi", "metier", "association", "econ"),
    ),
    "administration": (
        "Administration et référentiels",
        ("administration", "commune", "referentiel", "code officiel", "gouv", "service public"),
    ),
}
OTHER = ("autres", "Autres thèmes")


def fold(text: str) -> str:
    """Lower case without accents, for matching."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ascii_text.lower()


def _words(dataset: Dataset) -> list[str]:
    themes = [t.rstrip("/").rsplit("/", 1)[-1].replace("_", " ") for t in dataset.themes]
    return [fold(w) for w in [*dataset.keywords, *themes, dataset.title]]


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """One pattern per group: any of its needles at the start of a word (compiled once;
    a site of 50,000 datasets asks for each group's match 100,000 times)."""
    return {
        key: re.compile(r"(?:^|[^a-z])(?:" + "|".join(map(re.escape, needles)) + ")")
        for key, (_label, needles) in GROUPS.items()
    }


def groups_of(dataset: Dataset) -> list[str]:
    """Keys of the thematic groups of a dataset (``autres`` when none matches)."""
    text = "\n".join(_words(dataset))  # no needle holds a line break: words stay apart
    found = [key for key, pattern in _patterns().items() if pattern.search(text)]
    return found or [OTHER[0]]


def group_label(key: str) -> str:
    return GROUPS[key][0] if key in GROUPS else OTHER[1]


def group_order() -> list[str]:
    return [*GROUPS, OTHER[0]]
