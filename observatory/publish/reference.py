"""Reference views shown beside our scores on a dataset page: data.europa.eu MQA, the
data.gouv.fr quality score recomputed (with any disagreement with the platform), and the
L321-4 reference-data candidate assessment for datasets outside the SPDR.

The observe run computed and stored them (``scoring.reference_views``); a page lays out
what the store holds. Only a snapshot without them (built by hand, or stored before runs
kept them) has them computed here, by the same function, from the snapshot itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from observatory.model import Dataset, ReferenceView
from observatory.publish.views import SiteData
from observatory.scoring.mqa import DIMENSIONS
from observatory.scoring.reference_views import reference_view

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


def views_for(
    data: SiteData, dataset: Dataset, stored: Mapping[str, ReferenceView]
) -> ReferenceView:
    """The views of ``dataset`` in ``stored`` (a batch's, ``data.details.views``), computed
    from the snapshot when none is stored."""
    found = stored.get(dataset.key)
    if found is not None:
        return found
    return reference_view(
        dataset, data.probes, data.validations_by_dist, data.current.run.started_at
    )


def mqa_total(data: SiteData, dataset: Dataset) -> float:
    """The MQA total of ``dataset`` in the current run (computed when none is stored)."""
    found = data.mqa_totals().get(dataset.key)
    return found if found is not None else float(views_for(data, dataset, {}).mqa["total"])


def mqa_view(view: ReferenceView) -> dict[str, Any]:
    mqa = view.mqa
    dimensions = mqa.get("dimensions", {})
    rating = str(mqa.get("rating", ""))
    return {
        "total": mqa.get("total"),
        "max": mqa.get("max"),
        "rating": MQA_RATINGS.get(rating.lower(), rating),
        "dimensions": [
            (MQA_DIMENSIONS.get(k, k), *dimensions[k]) for k in DIMENSIONS if k in dimensions
        ],
        "unchecked": len(mqa.get("unchecked", [])),
    }


def udata_view(view: ReferenceView) -> dict[str, Any]:
    udata = view.udata
    checks = udata.get("checks", {})
    return {
        "score": udata.get("score", 0.0) * 100,
        "checks": [(label, checks[k]) for k, label in UDATA_LABELS.items() if k in checks],
        "platform": udata.get("platform"),
        "mismatches": [
            (UDATA_LABELS.get(k, k), theirs, mine)
            for k, theirs, mine in udata.get("mismatches", [])
        ],
    }


def candidate_view(view: ReferenceView) -> dict[str, Any] | None:
    cand = view.candidate
    if cand is None:
        return None
    return {"score": cand["score"], "evidence": cand["evidence"], "pivots": bool(cand["pivots"])}
