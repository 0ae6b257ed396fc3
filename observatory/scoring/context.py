"""What a criterion may read: the dataset, the clock, probes, validations, the SPDR entry,
the availability history and the previous run; and the one builder of that context
(``build_contexts``), used by the observe engine and by ``observatory check``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from observatory.model import (
    Dataset,
    DatasetScore,
    Distribution,
    ProbeResult,
    ValidationReport,
)
from observatory.registry import Config, SpdrEntry
from observatory.scoring.history import UrlAvailability, judged_uptimes

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
    uptime: dict[str, float] = field(default_factory=dict)  # url -> judged 30-day uptime 0..1
    availability: Mapping[str, UrlAvailability] = field(default_factory=dict)  # url -> figures
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
        """The latest probe of a distribution's file (``target``)."""
        return self.probes.get(target(dist))

    def uptime_for(self, dist: Distribution) -> float | None:
        """The judged 30-day uptime of a distribution's file (``target``)."""
        return self.uptime.get(target(dist))

    def validation_for(self, dist: Distribution) -> ValidationReport | None:
        return self.validations.get(dist.key)

    def availability_for(self, url: str) -> UrlAvailability | None:
        """30-day and calendar-month figures of a file or API URL (monthly legal verdicts)."""
        return self.availability.get(url)


@dataclass
class ScoringInputs:
    """What the datasets of one scoring batch are scored from (shared, read-only)."""

    now: datetime
    probes: dict[str, ProbeResult] = field(default_factory=dict)  # latest file probe by URL
    api_probes: Mapping[str, list[ProbeResult]] = field(default_factory=dict)  # by SPDR key
    validations: dict[str, ValidationReport] = field(default_factory=dict)
    previous_validations: dict[str, ValidationReport] = field(default_factory=dict)
    previous_scores: Mapping[str, DatasetScore] = field(default_factory=dict)
    availability: Mapping[str, UrlAvailability] = field(default_factory=dict)  # by URL


def spdr_entry(dataset: Dataset, config: Config) -> SpdrEntry | None:
    """The reference-dataset entry of ``dataset`` (by SPDR key, else by portal id)."""
    by_key = {e.key: e for e in config.spdr}
    if dataset.spdr:
        return by_key.get(dataset.spdr)
    if dataset.catalogue_id == config.portal.id:
        return config.spdr_by_id().get(dataset.source_id)
    return None


def build_contexts(
    datasets: Iterable[Dataset],
    inputs: ScoringInputs,
    config: Config,
    spdr_of: Callable[[Dataset, Config], SpdrEntry | None] = spdr_entry,
) -> Iterator[ScoringContext]:
    """One context per dataset: the only place a ``ScoringContext`` is assembled.
    ``spdr_of`` tells a reference dataset (``observatory check`` also knows one met
    outside the portal, by its id)."""
    uptime = judged_uptimes(inputs.availability)
    for dataset in datasets:
        entry = spdr_of(dataset, config)
        yield ScoringContext(
            dataset=dataset,
            now=inputs.now,
            probes=inputs.probes,
            api_probes=list(inputs.api_probes.get(entry.key, [])) if entry else [],
            validations=inputs.validations,
            spdr=entry,
            previous=inputs.previous_scores.get(dataset.key),
            previous_validations=inputs.previous_validations,
            uptime=uptime,
            availability=inputs.availability,
        )


def target(dist: Distribution) -> str:
    """The URL a distribution's file is probed at (``pipeline.probe_targets``): its download
    URL, else its access URL. Scoring reads the probes and history of that URL only, the
    ones a run loads and compares with the previous run's."""
    return dist.download_url or dist.url


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
