"""Recognition: producers whose scores improved most since the previous run, and what
they fixed (criteria that went from failed or partial to passed)."""

from __future__ import annotations

from dataclasses import dataclass, field

from observatory.publish.pages import Organisation
from observatory.publish.views import DatasetRow, SiteData


@dataclass
class Fixed:
    row: DatasetRow
    label: str


@dataclass
class Laureate:
    org: Organisation
    before: float
    after: float
    fixed: list[Fixed] = field(default_factory=list)

    @property
    def gain(self) -> float:
        return round(self.after - self.before, 1)


def fixed_criteria(row: DatasetRow, data: SiteData) -> list[Fixed]:
    before = data.previous_scores.get(row.dataset.key)
    if row.score is None or before is None:
        return []
    old = {r.criterion_id: r.status for r in before.results}
    return [
        Fixed(row, r.label or r.criterion_id)
        for r in row.score.results
        if r.status == "pass" and old.get(r.criterion_id) in ("fail", "partial")
    ]


def laureates(data: SiteData, orgs: list[Organisation], limit: int = 20) -> list[Laureate]:
    """Organisations whose mean overall score (datasets scored in both runs) rose, or that
    fixed at least one criterion; biggest gain first."""
    out = []
    for org in orgs:
        rows = data.rows(org.datasets)
        pairs = [
            (r.previous_overall, r.overall)
            for r in rows
            if r.overall is not None and r.previous_overall is not None
        ]
        fixed = [f for r in rows for f in fixed_criteria(r, data)]
        if not pairs and not fixed:
            continue
        before = sum(p[0] for p in pairs) / len(pairs) if pairs else 0.0
        after = sum(p[1] for p in pairs) / len(pairs) if pairs else 0.0
        laureate = Laureate(org, round(before, 1), round(after, 1), fixed)
        if laureate.gain > 0 or fixed:
            out.append(laureate)
    out.sort(key=lambda la: (-la.gain, -len(la.fixed), la.org.name.lower()))
    return out[:limit]
