"""What a criterion may read: the dataset, the clock, probes, validations, the SPDR entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from observatory.model import (
    Dataset,
    DatasetScore,
    Distribution,
    ProbeResult,
    ValidationReport,
)
from observatory.registry import SpdrEntry

#: Resource types that are not data downloads (udata vocabulary).
NON_DATA_TYPES = frozenset({"documentation", "api", "code"})

TABULAR_FORMATS = frozenset({"csv", "tsv", "xls", "xlsx", "ods", "parquet", "txt"})


@dataclass
class ScoringContext:
    """Everything known about one dataset at scoring time. Criteria do no I/O."""

    dataset: Dataset
    now: datetime
    probes: dict[str, ProbeResult] = field(default_factory=dict)  # latest file probe by URL
    api_probes: list[ProbeResult] = field(default_factory=list)  # SPDR API checks
    validations: dict[str, ValidationReport] = field(default_factory=dict)  # by distribution key
    spdr: SpdrEntry | None = None
    previous: DatasetScore | None = None
    previous_validations: dict[str, ValidationReport] = field(default_factory=dict)
    uptime: dict[str, float] = field(default_factory=dict)  # url -> 30-day uptime share 0..1
    #: availability obligation -> monthly verdict (``availability.legal.headline``), when the
    #: caller read the store; otherwise the obligation reads "insufficient data".
    legal_availability: dict[str, str] = field(default_factory=dict)

    @property
    def utc_now(self) -> datetime:
        return aware(self.now)

    def downloads(self) -> list[Distribution]:
        """Distributions that are data files (not documentation, API or code links)."""
        return [d for d in self.dataset.distributions if (d.type or "main") not in NON_DATA_TYPES]

    def probe_for(self, dist: Distribution) -> ProbeResult | None:
        """The latest probe of a distribution, by download URL then access URL."""
        for url in (dist.download_url, dist.url):
            if url and url in self.probes:
                return self.probes[url]
        return None

    def uptime_for(self, dist: Distribution) -> float | None:
        for url in (dist.download_url, dist.url):
            if url and url in self.uptime:
                return self.uptime[url]
        return None

    def validation_for(self, dist: Distribution) -> ValidationReport | None:
        return self.validations.get(dist.key)


def aware(value: datetime) -> datetime:
    """A timezone-aware datetime; naive values are taken as UTC (udata sends UTC)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def last_update(dataset: Dataset) -> datetime | None:
    """The data's last update: the dataset date, else the newest resource date."""
    if dataset.modified is not None:
        return aware(dataset.modified)
    dates = [aware(d.modified) for d in dataset.distributions if d.modified is not None]
    return max(dates) if dates else None


def is_tabular(dist: Distribution) -> bool:
    fmt = (dist.format or "").lower().lstrip(".")
    mime = (dist.media_type or "").lower()
    return fmt in TABULAR_FORMATS or mime in ("text/csv", "text/tab-separated-values")
