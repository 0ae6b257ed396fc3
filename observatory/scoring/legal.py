"""The SPDR legal obligations (arrêté of 14 June 2017), met or not, from criterion results."""

from __future__ import annotations

from observatory.model import CriterionResult, Dataset
from observatory.registry import SpdrEntry

#: Obligation key -> French label, in report order.
OBLIGATIONS: dict[str, str] = {
    "metadata": "Les 8 métadonnées obligatoires sont renseignées",
    "periodicity": "La périodicité légale de mise à jour est respectée",
    "file_availability": "Les fichiers sont disponibles au moins 99 % du temps",
    "api_availability": "Les API sont disponibles au moins 99,5 % du temps",
    "open_licence": "Les données sont sous licence ouverte",
}


def _by_id(results: list[CriterionResult]) -> dict[str, CriterionResult]:
    return {r.criterion_id: r for r in results}


def _status(result: CriterionResult | None) -> bool | None:
    """pass → True, fail/partial → False, na or missing → None (unknown)."""
    if result is None or result.status == "na":
        return None
    return result.status == "pass"


def _meets_bar(result: CriterionResult | None) -> bool | None:
    if result is None or result.status == "na":
        return None
    meets = result.evidence.get("meets_bar")
    return bool(meets) if meets is not None else result.status == "pass"


def _licence(result: CriterionResult | None) -> bool | None:
    """Known open licence → True, missing/closed → False, unrecognised → None (unknown)."""
    if result is None or result.status == "na" or result.status == "partial":
        return None
    return result.status == "pass"


def legal_obligations(
    dataset: Dataset, spdr: SpdrEntry | None, results: list[CriterionResult]
) -> dict[str, bool | None]:
    """Each SPDR obligation met (True), not met (False) or unknown (None); {} for non-SPDR."""
    if spdr is None:
        return {}
    found = _by_id(results)
    return {
        "metadata": _status(found.get("completeness.legal_metadata")),
        "periodicity": _status(found.get("freshness.legal_periodicity")),
        "file_availability": _meets_bar(found.get("availability.files")),
        "api_availability": _meets_bar(found.get("availability.apis")) if spdr.apis else None,
        "open_licence": _licence(found.get("conformity.license")),
    }
