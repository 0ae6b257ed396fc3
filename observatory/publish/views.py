"""Look-ups over a Snapshot and the table rows the pages show.

Everything here is plain data: templates only lay it out. Scores are compared with the
previous run by dataset key; probes and validations are matched to resources by URL and
distribution key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from observatory import i18n
from observatory.model import (
    PILLARS,
    CriterionResult,
    Dataset,
    DatasetScore,
    Distribution,
    ProbeResult,
    Snapshot,
    ValidationReport,
)
from observatory.publish import labels, paths
from observatory.publish.details import Details, SnapshotDetails


@dataclass(frozen=True, slots=True)
class PillarCell:
    pillar: str
    label: str
    value: float | None
    previous: float | None
    change: labels.Change


@dataclass(slots=True)
class DatasetRow:
    """One dataset as a table row: scores, changes, legal items and page links."""

    dataset: Dataset
    page: str
    score: DatasetScore | None
    pillars: list[PillarCell]
    overall: float | None
    previous_overall: float | None
    overall_change: labels.Change
    legal: list[labels.LegalItem]
    org_key: str | None
    org_name: str | None
    org_page: str | None
    catalogue_page: str | None


@dataclass(frozen=True)
class EvidenceItem:
    key: str
    text: str
    href: str | None
    lines: tuple[str, ...] = ()  # a list of records (e.g. SHACL results), one line each


@dataclass
class CriterionRow:
    result: CriterionResult
    pillar_label: str
    status_label: str
    evidence: list[EvidenceItem] = field(default_factory=list)


@dataclass
class ResourceRow:
    distribution: Distribution
    href: str | None
    probe: ProbeResult | None
    outcome_label: str
    validation: ValidationReport | None
    validation_text: str


def org_key_of(dataset: Dataset) -> str | None:
    """The grouping key of a dataset's organisation (name when no key)."""
    if dataset.organization_key:
        return dataset.organization_key
    if dataset.organization_name:
        return f"name:{dataset.organization_name}"
    return None


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return labels.fmt_datetime(value)
    if isinstance(value, date):
        return labels.fmt_date(value)
    if isinstance(value, float):
        return labels.fmt_number(value, 2)
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(_scalar_text(v) for v in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return str(value)


def evidence_items(evidence: dict[str, Any]) -> list[EvidenceItem]:
    """Evidence as (key, text, safe link) triples for a small definition list."""
    return [
        EvidenceItem(str(k), _record_text(str(k), v), paths.web_url(v), _record_lines(v))
        for k, v in evidence.items()
    ]


def _record_lines(value: Any) -> tuple[str, ...]:
    """A list of dicts as one line each (their values joined), else ()."""
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        return ()
    return tuple(
        " · ".join(_record_text(k, x) for k, x in record.items() if x not in (None, "", []))
        for record in value
    )


def _record_text(key: str, value: Any) -> str:
    """One value of an evidence record: coded strings (outcome, reason…) in French."""
    if isinstance(value, str):
        return i18n.catalogue().evidence_value(str(key), value)
    return _scalar_text(value)


def validation_text(report: ValidationReport | None) -> str:
    """One line on a Table Schema validation, in French."""
    if report is None:
        return "non validé"
    if report.fatal:
        return f"illisible : {report.fatal}"
    suffix = " (validation partielle)" if report.partial else ""
    if report.valid:
        rows = f", {labels.fmt_number(report.row_count)} lignes" if report.row_count else ""
        return f"valide{rows}{suffix}"
    counts = report.error_counts or _count_errors(report)
    parts = [f"{kind} : {labels.fmt_number(n)}" for kind, n in sorted(counts.items())]
    return "erreurs — " + ("; ".join(parts) or "non détaillées") + suffix


def _count_errors(report: ValidationReport) -> dict[str, int]:
    counts: dict[str, int] = {}
    for error in report.errors:
        counts[error.type] = counts.get(error.type, 0) + 1
    return counts


WORST_N = 20  # datasets with the lowest scores (or first fixes) shown on a summary page


def worst(rows: list[DatasetRow], n: int = WORST_N) -> list[DatasetRow]:
    """The ``n`` scored datasets with the lowest overall score (ties by title)."""
    scored = [r for r in rows if r.overall is not None]
    return sorted(scored, key=lambda r: (r.overall, r.dataset.title.lower()))[:n]


class SiteData:
    """Indexes over the current and previous snapshots, built once per publication."""

    def __init__(
        self, current: Snapshot, previous: Snapshot | None, details: Details | None = None
    ) -> None:
        self.current = current
        #: the evidence and views of ``current``, when it was loaded without them
        self.details: Details = details or SnapshotDetails(current)
        self._mqa_totals: dict[str, float] | None = None
        self.previous = previous
        self.datasets = {d.key: d for d in current.datasets}
        self._rows: dict[str, DatasetRow] = {}
        self.previous_keys = (
            {d.key for d in previous.datasets} | set(previous.scores) if previous else set()
        )
        self.previous_scores = previous.scores if previous else {}
        self.catalogue_ids = {c.id for c in current.catalogues}
        self.org_names = {o.key: o.name for o in current.organisations}
        self.org_urls = {o.key: o.url for o in current.organisations}
        self.probes = _latest_by_url(current.probes)
        self.validations_by_dist = {
            v.distribution_key: v for v in _by_time(current.validations) if v.distribution_key
        }
        self.validations_by_url = {v.url: v for v in _by_time(current.validations)}

    def mqa_totals(self) -> dict[str, float]:
        """Dataset key -> its stored MQA total (read once)."""
        if self._mqa_totals is None:
            self._mqa_totals = self.details.mqa_totals()
        return self._mqa_totals

    def org_name(self, dataset: Dataset) -> str | None:
        key = dataset.organization_key
        return (self.org_names.get(key) if key else None) or dataset.organization_name or key

    def row(self, dataset: Dataset) -> DatasetRow:
        """Scores of one dataset with their change since the previous run (built once per
        dataset: listings, themes, organisations and catalogues all ask for it)."""
        made = self._rows.get(dataset.key)
        if made is None or made.dataset is not dataset:
            made = self._rows[dataset.key] = self._make_row(dataset)
        return made

    def _make_row(self, dataset: Dataset) -> DatasetRow:
        score = self.current.scores.get(dataset.key)
        before = self.previous_scores.get(dataset.key)
        existed = self.previous is None or dataset.key in self.previous_keys
        cells = []
        for pillar in PILLARS:
            value = score.pillars.get(pillar) if score else None
            prev = before.pillars.get(pillar) if before else None
            cells.append(
                PillarCell(
                    pillar,
                    labels.PILLAR_LABELS[pillar],
                    value,
                    prev,
                    labels.change(value, prev, existed),
                )
            )
        overall = score.overall if score else None
        prev_overall = before.overall if before else None
        org_key = org_key_of(dataset)
        return DatasetRow(
            dataset=dataset,
            page=paths.dataset_page(dataset.key),
            score=score,
            pillars=cells,
            overall=overall,
            previous_overall=prev_overall,
            overall_change=labels.change(overall, prev_overall, existed),
            legal=labels.legal_items(score.legal) if score else [],
            org_key=org_key,
            org_name=self.org_name(dataset),
            org_page=paths.organisation_page(org_key) if org_key else None,
            catalogue_page=(
                paths.catalogue_page(dataset.catalogue_id)
                if dataset.catalogue_id in self.catalogue_ids
                else None
            ),
        )

    def rows(self, datasets: Iterable[Dataset]) -> list[DatasetRow]:
        return [self.row(d) for d in datasets]

    def criteria(self, score: DatasetScore | None) -> list[CriterionRow]:
        """Criterion results grouped by pillar, heaviest first."""
        if score is None:
            return []
        order = {p: i for i, p in enumerate(PILLARS)}
        results = sorted(score.results, key=lambda r: (order.get(r.pillar, 9), -r.weight))
        return [
            CriterionRow(
                result=r,
                pillar_label=labels.PILLAR_LABELS.get(r.pillar, r.pillar),
                status_label=labels.STATUS_LABELS.get(r.status, r.status),
                evidence=evidence_items(r.evidence),
            )
            for r in results
        ]

    def probe_for(self, *urls: str | None) -> ProbeResult | None:
        for url in urls:
            if url and url in self.probes:
                return self.probes[url]
        return None

    def resources(self, dataset: Dataset) -> list[ResourceRow]:
        """Each distribution with its latest probe and validation."""
        rows = []
        for dist in dataset.distributions:
            probe = self.probe_for(dist.url, dist.download_url)
            report = self.validations_by_dist.get(dist.key) or self.validations_by_url.get(dist.url)
            rows.append(
                ResourceRow(
                    distribution=dist,
                    href=paths.web_url(dist.url),
                    probe=probe,
                    outcome_label=labels.outcome_label(probe.outcome) if probe else "non sondé",
                    validation=report,
                    validation_text=validation_text(report),
                )
            )
        return rows


def _by_time(items: list[ValidationReport]) -> list[ValidationReport]:
    return sorted(items, key=lambda v: _ts(v.checked_at))


def _ts(value: datetime) -> float:
    return value.timestamp() if value.tzinfo else value.replace(tzinfo=None).timestamp()


def _latest_by_url(probes: list[ProbeResult]) -> dict[str, ProbeResult]:
    latest: dict[str, ProbeResult] = {}
    for probe in sorted(probes, key=lambda p: _ts(p.checked_at)):
        latest[probe.url] = probe
    return latest
