"""Reference views shown beside our scores on a dataset page: data.europa.eu MQA, the
data.gouv.fr quality score recomputed (with any disagreement with the platform), and the
L321-4 reference-data candidate assessment for datasets outside the SPDR."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from observatory.model import Dataset, ProbeResult, ValidationReport
from observatory.scoring.candidates import assess, is_spdr
from observatory.scoring.mqa import mqa_dataset

MQA_DIMENSIONS = {
    "findability": "Trouvabilité",
    "accessibility": "Accessibilité",
    "interoperability": "Interopérabilité",
    "reusability": "Réutilisabilité",
    "contextuality": "Contexte",
}
MQA_RATINGS = {
    "excellent": "Excellent",
    "good": "Bon",
    "sufficient": "Suffisant",
    "bad": "Insuffisant",
}
UDATA_LABELS = {
    "license": "Licence renseignée",
    "temporal_coverage": "Couverture temporelle renseignée",
    "spatial": "Couverture géographique renseignée",
    "update_frequency": "Fréquence renseignée",
    "update_fulfilled_in_time": "Mise à jour à temps",
    "dataset_description_quality": "Description de plus de 100 caractères",
    "has_open_format": "Au moins un format ouvert",
    "all_resources_available": "Toutes les ressources disponibles",
    "resources_documentation": "Ressources documentées",
}


def mqa_view(dataset: Dataset, probes: dict[str, ProbeResult]) -> dict[str, Any]:
    result = mqa_dataset(dataset, probes)
    return {
        "total": result.total,
        "max": result.max_total,
        "rating": MQA_RATINGS.get(result.rating.lower(), result.rating),
        "dimensions": [
            (MQA_DIMENSIONS.get(k, k), got, top) for k, (got, top) in result.dimensions().items()
        ],
        "unchecked": len(result.unchecked),
    }


def udata_view(dataset: Dataset, now: datetime) -> dict[str, Any]:
    from observatory.scoring.udata_quality import quality_mismatches, udata_quality

    ours = udata_quality(dataset, now)
    return {
        "score": ours["score"] * 100,
        "checks": [(label, ours[k]) for k, label in UDATA_LABELS.items() if k in ours],
        "platform": (dataset.quality or {}).get("score"),
        "mismatches": [
            (UDATA_LABELS.get(k, k), theirs, mine)
            for k, (theirs, mine) in quality_mismatches(dataset, now).items()
        ],
    }


def candidate_view(
    dataset: Dataset, validations: dict[str, ValidationReport]
) -> dict[str, Any] | None:
    if is_spdr(dataset):
        return None
    cand = assess(dataset, validations)
    return {"score": cand.score, "evidence": cand.evidence, "pivots": bool(cand.pivots)}
