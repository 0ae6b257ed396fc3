"""The one normalised model every harvester produces and every criterion reads.

Whatever the source (udata API, DCAT-AP, CKAN, CSW, catalogue CSV), a harvest yields
``Dataset`` records holding ``Distribution`` records, plus ``Service`` (APIs) and
``Organisation`` records. Probes, validations and scores reference them by ``key``.

Keys are stable strings: ``"<catalogue_id>:<source id>"`` so the same dataset seen in
two catalogues stays two records, and history can follow one record across runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any, Literal, TypeVar

Outcome = Literal["up", "down", "degraded", "unknown", "refused"]
Status = Literal["pass", "fail", "partial", "na"]
Pillar = Literal["completeness", "freshness", "conformity", "availability"]
PILLARS: tuple[Pillar, ...] = ("completeness", "freshness", "conformity", "availability")


TextOrNone = TypeVar("TextOrNone", bound=str | None)
SHARED_UP_TO = 256  # characters: longer texts are not repeated enough to be worth keeping


def shared(text: TextOrNone) -> TextOrNone:
    """One object for equal short texts that recur across records (a format, a licence, a
    content type, a probe's reason): 250,000 files hold a few hundred distinct ones, and a
    copy each cost about 60 bytes. Bounded in count and length, unlike ``sys.intern``, so a
    source sending a new or huge value every time only churns the cache."""
    if text is None or len(text) > SHARED_UP_TO:
        return text
    _first_seen(text)  # two threads missing at once each get their own object back:
    return _first_seen(text)  # the second lookup returns the one the cache kept


@lru_cache(maxsize=8192)
def _first_seen(text: Any) -> Any:
    return text


@dataclass(slots=True)
class SchemaRef:
    """A Table Schema declared by a resource (udata ``schema`` or DCAT ``dct:conformsTo``)."""

    name: str | None = None
    version: str | None = None
    url: str | None = None


@dataclass(slots=True)
class Distribution:
    """A downloadable file or an access point of a dataset (udata resource, dcat:Distribution)."""

    key: str
    url: str
    source_id: str | None = None
    title: str | None = None
    description: str | None = None
    format: str | None = None  # declared format, lower case ("csv", "zip", "geojson", …)
    media_type: str | None = None  # declared MIME type
    type: str = "main"  # udata resource type: main, documentation, api, update, code, other
    download_url: str | None = None  # DCAT downloadURL when distinct from accessURL
    byte_size: int | None = None
    checksum: str | None = None
    issued: datetime | None = None
    modified: datetime | None = None
    license: str | None = None
    schema: SchemaRef | None = None
    extras: dict[str, Any] = field(default_factory=dict)  # platform observations (check:*)


@dataclass(slots=True)
class Dataset:
    """A dataset as described by its catalogue, normalised."""

    key: str
    catalogue_id: str
    source_id: str
    title: str
    uri: str | None = None
    slug: str | None = None
    description: str | None = None
    landing_page: str | None = None
    organization_key: str | None = None
    organization_name: str | None = None
    license: str | None = None
    frequency: str | None = None  # udata vocabulary ("daily") or EU authority URI
    issued: datetime | None = None
    modified: datetime | None = None  # last update of the data (udata last_update)
    metadata_modified: datetime | None = None
    temporal_start: date | None = None
    temporal_end: date | None = None
    spatial: str | None = None  # zone ids, granularity or a geometry, as text
    keywords: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    badges: list[str] = field(default_factory=list)
    access_rights: str | None = None
    contact_point: str | None = None
    publisher: str | None = None
    conforms_to: list[str] = field(default_factory=list)
    distributions: list[Distribution] = field(default_factory=list)
    quality: dict[str, Any] | None = None  # the platform's own score object (udata)
    metrics: dict[str, Any] = field(default_factory=dict)  # reuses, followers, views…
    extras: dict[str, Any] = field(default_factory=dict)
    spdr: str | None = None  # SPDR registry key ("sirene", "ban", …) when a reference dataset
    deleted: bool = False

    def content_hash(self) -> str:
        """A digest of the whole record, to recognise an unchanged dataset (``codec``)."""
        from observatory.storage.codec import content_hash

        return content_hash(self)


@dataclass
class Service:
    """An API (udata dataservice, dcat:DataService)."""

    key: str
    catalogue_id: str
    source_id: str
    title: str
    endpoint_url: str | None = None
    description: str | None = None
    endpoint_description: str | None = None
    dataset_keys: list[str] = field(default_factory=list)
    organization_key: str | None = None
    declared_availability: float | None = None
    license: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class Organisation:
    key: str
    name: str
    source_id: str | None = None
    slug: str | None = None
    url: str | None = None


@dataclass
class SourceError:
    """A problem met while reading a source: the run records it and goes on."""

    source: str  # the catalogue id or URL
    url: str | None
    kind: str  # short machine code: "timeout", "http-404", "parse", "too-large", "page-loop", …
    message: str  # what went wrong, readable by a person
    at: datetime | None = None


@dataclass
class HarvestPage:
    """One page of a paged source: what it held and where the next page is."""

    url: str
    datasets: list[Dataset] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    next_url: str | None = None
    total: int | None = None
    errors: list[SourceError] = field(default_factory=list)


@dataclass
class Catalogue:
    """A source the observatory harvests, and what the last harvest of it gave."""

    id: str
    name: str
    kind: str  # udata | dcat | csw | ckan | catalog-csv
    url: str
    datasets: list[Dataset] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    pages: int = 0

    @property
    def failed(self) -> bool:
        """True when nothing could be read from the source at all."""
        return not self.datasets and not self.services and bool(self.errors)


@dataclass(slots=True)
class ProbeResult:
    """One availability check of one URL (a file download or an API request)."""

    url: str
    outcome: Outcome
    reason: str  # why that outcome, in plain words
    checked_at: datetime
    target: Literal["file", "api"] = "file"
    check_name: str | None = None  # API sample request name, if any
    method: str | None = None  # HEAD or GET (the one that decided)
    status: int | None = None
    final_url: str | None = None
    content_type: str | None = None
    content_length: int | None = None
    last_modified: str | None = None
    etag: str | None = None
    latency_ms: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # phases, cert expiry, assertions…


@dataclass(slots=True)
class ValidationError:
    type: str  # frictionless error type: type-error, constraint-error, missing-cell, …
    row: int | None
    field: str | None
    message: str


@dataclass
class ValidationReport:
    """Table Schema validation of one resource."""

    url: str
    distribution_key: str | None
    schema_url: str | None
    valid: bool
    checked_at: datetime
    errors: list[ValidationError] = field(default_factory=list)
    error_counts: dict[str, int] = field(default_factory=dict)
    row_count: int | None = None
    detected_format: str | None = None  # sniffed from the bytes: csv, zip, html, json…
    partial: bool = False  # True when validation stopped at a cap
    fatal: str | None = None  # the file or schema could not be read at all
    stats: dict[str, Any] = field(default_factory=dict)  # empty cells per column, …


@dataclass(slots=True)
class CriterionResult:
    """One criterion applied to one dataset: outcome, evidence and how to fix it."""

    criterion_id: str
    pillar: Pillar
    status: Status
    score: float | None  # 0..1, None when not applicable
    weight: float
    evidence: dict[str, Any] = field(default_factory=dict)
    fix_hint: str | None = None  # plain French, None when nothing to fix
    label: str = ""  # short French label


class SharedResults:
    """Criterion results with the same values made one object, to be read, never changed:
    a 50,000-dataset run's 1,250,000 results are then a few hundred or thousand objects
    (a publication's outlines of the previous run, the DQV writer's copy, a run's scores
    loaded without their evidence)."""

    def __init__(self) -> None:
        self._pool: dict[tuple[Any, ...], CriterionResult] = {}

    def get(
        self,
        criterion_id: str,
        pillar: Pillar,
        status: Status,
        score: float | None,
        weight: float,
        fix_hint: str | None = None,
        label: str = "",
    ) -> CriterionResult:
        """The one result with these values (its evidence empty)."""
        values = (criterion_id, pillar, status, score, weight, fix_hint, label)
        found = self._pool.get(values)
        if found is None:
            found = CriterionResult(*values[:5], fix_hint=fix_hint, label=label)
            self._pool[values] = found
        return found


#: One point of a dataset's score history: (run id, run start, overall, pillars).
ScorePoint = tuple[int, datetime, float | None, dict[str, float | None]]


@dataclass(slots=True)
class DatasetScore:
    dataset_key: str
    results: list[CriterionResult]
    pillars: dict[str, float | None]  # pillar -> 0..100, None when nothing applied
    overall: float | None  # 0..100
    #: obligation -> met (True) / not met (False) / unknown (None); the availability ones hold
    #: a monthly verdict string instead (``observatory.availability.legal``).
    legal: dict[str, bool | str | None] = field(default_factory=dict)


@cache
def field_names(cls: Any) -> tuple[str, ...]:
    """The field names of a dataclass, looked up once per class."""
    return tuple(f.name for f in fields(cls))


#: Values ``to_jsonable`` gives back as they are, by exact type (a subclass, such as
#: markupsafe's ``Markup``, takes the general path): most of the values it meets.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _key(key: Any) -> str:
    """A dict key as JSON text writes it (``true``, ``null``, ``1.5``, a str subclass's
    characters); a key JSON cannot have (a tuple, a date) as its ``str``."""
    if isinstance(key, str):
        return str.__str__(key)
    if key is None or isinstance(key, bool | int | float):
        return json.dumps({key: 0})[2:-5]
    return str(key)


def to_jsonable(obj: Any) -> Any:
    """Dataclasses, dates and containers to plain JSON values (dates as ISO strings)."""
    if type(obj) in _PLAIN:
        return obj
    if hasattr(obj, "__dataclass_fields__") and not isinstance(obj, type):
        # as ``asdict`` then this function, without asdict's deep copies
        return {k: to_jsonable(getattr(obj, k)) for k in field_names(obj.__class__)}
    if isinstance(obj, dict):
        return {k if type(k) is str else _key(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    return obj


@dataclass
class RunInfo:
    id: int
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "running"  # running | ok | partial | failed
    kind: str = "observe"
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass
class CatalogueStatus:
    """How reading one source went during a run."""

    id: str
    name: str
    kind: str
    url: str
    ok: bool
    dataset_count: int = 0
    errors: list[SourceError] = field(default_factory=list)


@dataclass
class ReferenceView:
    """One dataset's scores on other yardsticks in one run, computed once by the observe
    run and stored with it (``scoring.reference_views``): data.gouv.fr's quality score
    recomputed, the data.europa.eu MQA and, outside the SPDR, the L321-4 candidate
    assessment. Plain JSON values, so a past run renders as it did."""

    dataset_key: str
    udata: dict[str, Any] = field(default_factory=dict)
    mqa: dict[str, Any] = field(default_factory=dict)
    candidate: dict[str, Any] | None = None


@dataclass
class Snapshot:
    """Everything one run observed and concluded: what publishing reads from the store."""

    run: RunInfo
    catalogues: list[CatalogueStatus] = field(default_factory=list)
    datasets: list[Dataset] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    probes: list[ProbeResult] = field(default_factory=list)
    validations: list[ValidationReport] = field(default_factory=list)
    scores: dict[str, DatasetScore] = field(default_factory=dict)  # by dataset key
    views: dict[str, ReferenceView] = field(default_factory=dict)  # by dataset key
