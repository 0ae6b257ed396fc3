"""A synthetic run of many datasets (data.gouv.fr scale), built in memory for the site writer.

Titles mix a subject, a place and a number, so each is unique and reads like a real one;
500 producers share the datasets over one catalogue.
"""

from __future__ import annotations

from observatory.model import CatalogueStatus, Dataset, RunInfo, Snapshot

from .factories import T0

PORTAL = "portail-synthetique"
SUBJECTS = [
    ("Qualité de l'eau potable", ["eau", "santé"]),
    ("Comptages routiers", ["trafic", "route"]),
    ("Bornes de recharge", ["énergie", "mobilité"]),
    ("Collecte des déchets ménagers", ["déchets", "tri"]),
    ("Inventaire des haies bocagères", ["biodiversité", "flore"]),
    ("Permis de construire", ["urbanisme", "logement"]),
    ("Budget primitif", ["finances", "administration"]),
    ("Mesures de la qualité de l'air", ["air", "pm10"]),
]
PLACES = ["Lozère", "Finistère", "Gironde", "Haute-Savoie", "Bas-Rhin", "Vendée", "Creuse"]
ORGS = 500


def dataset(i: int) -> Dataset:
    subject, keywords = SUBJECTS[i % len(SUBJECTS)]
    place = PLACES[(i // len(SUBJECTS)) % len(PLACES)]
    org = i % ORGS
    return Dataset(
        key=f"{PORTAL}:jeu-{i}",
        catalogue_id=PORTAL,
        source_id=f"jeu-{i}",
        title=f"{subject} — {place} — lot {i}",
        description=f"{subject} publiée par la collectivité n° {org}, territoire : {place}.",
        organization_key=f"{PORTAL}:org-{org}",
        organization_name=f"Collectivité n° {org}",
        keywords=list(keywords),
    )


def many_snapshot(n: int) -> Snapshot:
    """One finished run observing ``n`` datasets of one catalogue."""
    catalogue = CatalogueStatus(
        id=PORTAL,
        name="Portail synthétique",
        kind="udata",
        url="https://portail.example.fr",
        ok=True,
        dataset_count=n,
    )
    run = RunInfo(1, T0, T0, "ok")
    return Snapshot(run=run, catalogues=[catalogue], datasets=[dataset(i) for i in range(n)])
