"""The SPDR legal obligations (arrêté of 14 June 2017), met or not, from criterion results.

Availability is a monthly obligation per file and per API: it is never read from a probe or
from a sliding window. Its value is the monthly verdict (``observatory.availability.legal``:
met, not_met, insufficient, in_progress) computed from the store's whole history; scoring
without that history states "insufficient", and publishing fills in the monthly verdict.
"""

from __future__ import annotations

from collections.abc import Mapping

from observatory.availability.legal import INSUFFICIENT
from observatory.model import CriterionResult, Dataset
from observatory.registry import SpdrEntry

#: Obligation key -> French label, in report order.
OBLIGATIONS: dict[str, str] = {
    "metadata": "Les 8 métadonnées obligatoires sont renseignées",
    "periodicity": "La périodicité légale de mise à jour est respectée (calendrier légal)",
    "file_availability": "Chaque fichier est disponible au moins 99 % de chaque mois civil",
    "api_availability": "Chaque API est disponible au moins 99,5 % de chaque mois civil",
    "open_licence": "Les données sont sous licence ouverte",
}


def _by_id(results: list[CriterionResult]) -> dict[str, CriterionResult]:
    return {r.criterion_id: r for r in results}


def _status(result: CriterionResult | None) -> bool | None:
    """pass → True, fail/partial → False, na or missing → None (unknown)."""
    if result is None or result.status == "na":
        return None
    return result.status == "pass"


def _licence(result: CriterionResult | None) -> bool | None:
    """Known open licence → True, missing/closed → False, unrecognised → None (unknown)."""
    if result is None or result.status == "na" or result.status == "partial":
        return None
    return result.status == "pass"


def legal_obligations(
    dataset: Dataset,
    spdr: SpdrEntry | None,
    results: list[CriterionResult],
    availability: Mapping[str, str] | None = None,
) -> dict[str, bool | str | None]:
    """Each SPDR obligation met (True), not met (False) or unknown (None); {} for non-SPDR.

    ``availability`` maps the availability obligations to their monthly verdict.
    """
    if spdr is None:
        return {}
    found = _by_id(results)
    months = availability or {}
    return {
        "metadata": _status(found.get("completeness.legal_metadata")),
        "periodicity": _status(found.get("freshness.legal_periodicity")),
        "file_availability": months.get("file_availability", INSUFFICIENT),
        "api_availability": months.get("api_availability", INSUFFICIENT) if spdr.apis else None,
        "open_licence": _licence(found.get("conformity.license")),
    }
