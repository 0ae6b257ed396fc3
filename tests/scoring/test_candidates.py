"""L321-4 candidates: pivot identifiers detected, reuse, coverage, frequency, ranking."""

from __future__ import annotations

import pytest
from scoring_helpers import dist, good_dataset, report

from observatory.scoring.candidates import (
    detect_pivot_columns,
    is_commune,
    is_departement,
    is_finess,
    is_postal_code,
    is_siren,
    is_siret,
    is_uai,
    reference_candidates,
)


def test_identifier_checks():
    assert is_siren("552100554") and not is_siren("552100555")
    assert is_siret("55210055400013") and not is_siret("55210055400014")
    assert is_siret("35600000000010")  # La Poste exception
    assert is_uai("0750001U") and not is_uai("0750001A")
    assert is_finess("750712184") and not is_finess("2A0000000")
    assert is_commune("75056") and is_commune("2A004") and is_commune("97411")
    assert not is_commune("96001") and not is_commune("00100")
    assert is_departement("2B") and is_departement("974") and not is_departement("96")
    assert is_postal_code("75001") and not is_postal_code("00999")


def test_detect_pivots_from_names_and_values():
    header = ["siret", "nom", "code_insee", "cp", "montant", "identifiant"]
    rows = [
        ["55210055400013", "Peugeot", "75056", "75001", "12", "552100554"],
        ["13002526500013", "Etalab", "2A004", "20000", "7", "130025265"],
        ["73282932000074", "Michelin", "63113", "63000", "3", "732829320"],
    ]
    found = detect_pivot_columns(header, rows)
    assert found == {
        "siret": "siret",
        "code_insee": "commune_insee",
        "cp": "code_postal",
        "identifiant": "siren",  # no telling name, but every value is a valid SIREN
    }


def test_name_alone_is_not_enough_when_values_disagree():
    rows = [["abc"], ["def"], ["ghi"]]
    assert detect_pivot_columns(["siren"], rows) == {}
    # five-digit numbers without a telling name stay undecided (commune or postal code?)
    assert detect_pivot_columns(["valeur"], [["75056"], ["69123"]]) == {}
    # header only: the name decides
    assert detect_pivot_columns(["code_commune_insee", "libelle"], []) == {
        "code_commune_insee": "commune_insee"
    }


def _candidate_datasets():
    sirene_like = good_dataset(
        key="cat:entreprises",
        title="Annuaire des entreprises",
        spatial="country:fr, granularity: fr:commune",
        frequency="daily",
        metrics={"reuses": 120, "followers": 300},
        distributions=[dist(1, key="cat:r-ent")],
    )
    local = good_dataset(
        key="cat:local",
        title="Équipements de la ville",
        spatial="fr:commune:69123",
        frequency="annual",
        metrics={"reuses": 1, "followers": 2},
        distributions=[dist(2, key="cat:r-local")],
    )
    no_pivot = good_dataset(
        key="cat:texte", title="Comptes rendus", distributions=[dist(3, key="cat:r-txt")]
    )
    spdr = good_dataset(
        key="cat:sirene", title="Base Sirene", badges=["spd"],
        distributions=[dist(4, key="cat:r-sirene")],
    )  # fmt: skip
    return [local, no_pivot, sirene_like, spdr]


def test_ranking_with_evidence():
    samples = {
        "cat:r-ent": (["siren", "siret"], [["552100554", "55210055400013"]] * 5),
        "cat:r-txt": (["texte"], [["bonjour"]]),
        "cat:r-sirene": (["siren"], [["552100554"]]),
    }
    validations = {
        "cat:r-local": report("cat:r-local", stats={"empty_cells": {"code_insee": 0.0, "nom": 0.1}})
    }
    ranked = reference_candidates(_candidate_datasets(), validations, samples)
    assert [c.dataset_key for c in ranked] == ["cat:entreprises", "cat:local"]  # SPDR left out
    top, local = ranked
    assert top.pivots == {"siren": "siren", "siret": "siret"} and top.pivots_from_values
    assert top.national and top.reuses == 120
    assert top.score > 90
    assert any("SIRET" in e for e in top.evidence)
    assert any("Couverture nationale" in e for e in top.evidence)
    # header-only detection counts less than values
    assert not local.pivots_from_values and local.pivots == {"code_insee": "commune_insee"}
    assert local.parts["pivots"] < top.parts["pivots"]
    assert any("nom des colonnes" in e for e in local.evidence)


def test_options_keep_datasets_without_pivots_and_limit():
    everything = reference_candidates(_candidate_datasets(), {}, require_pivot=False)
    assert {c.dataset_key for c in everything} == {"cat:entreprises", "cat:local", "cat:texte"}
    assert everything == sorted(everything, key=lambda c: -c.score)
    assert len(reference_candidates(_candidate_datasets(), {}, require_pivot=False, limit=1)) == 1
    high = reference_candidates(_candidate_datasets(), {}, require_pivot=False, min_score=50)
    assert [c.dataset_key for c in high] == ["cat:entreprises"]


@pytest.mark.parametrize(
    "frequency", ["daily", "http://publications.europa.eu/resource/authority/frequency/DAILY"]
)
def test_frequency_counts_whatever_the_vocabulary(frequency):
    ds = good_dataset(frequency=frequency, distributions=[])
    (cand,) = reference_candidates([ds], {}, require_pivot=False)
    assert cand.parts["frequency"] == 10
