"""SQLAlchemy tables of the store: identities (stable by key) and per-run observations.

Identity tables (``catalogues``, ``organisations``, ``datasets``, ``distributions``,
``services``) hold one row per key with first/last seen; what a run saw is kept in
``*_observations`` rows as JSON (the exact record) so every run stays readable as it was.
Datetime columns hold UTC; SQLite drops the offset, so values are made aware again on load.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC and always loaded aware (naive means UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class SafeText(TypeDecorator[str]):
    """Text that PostgreSQL accepts whatever a stranger's catalogue holds (NUL replaced)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return _no_nul(value)

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """``process_bind_param`` without TypeDecorator's per-value wrapper: a run binds
        millions of text values."""
        inner = self.impl_instance.bind_processor(dialect)
        if inner is None:
            return _no_nul
        return lambda value: inner(_no_nul(value))


def _no_nul(value: str | None) -> str | None:
    return value.replace("\x00", "\ufffd") if value else value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), str: SafeText(), dict[str, Any]: JSON()}


def _run_fk() -> Any:
    return ForeignKey("runs.id", ondelete="CASCADE")


class Run(Base):
    __tablename__ = "runs"
    __table_args__ = (
        Index(None, "kind", "started_at"),
        Index(None, "kind", "status", "started_at"),  # previous finished run of a kind
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str]
    status: Mapped[str]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    summary: Mapped[dict[str, Any]]


class CatalogueRow(Base):
    """One harvested source (identity; name, kind and url are the latest seen)."""

    __tablename__ = "catalogues"

    id: Mapped[str] = mapped_column(SafeText, primary_key=True)
    name: Mapped[str]
    kind: Mapped[str]
    url: Mapped[str]
    first_seen_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    last_seen_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))


class CatalogueRun(Base):
    """How reading one source went during one run (a CatalogueStatus)."""

    __tablename__ = "catalogue_runs"
    __table_args__ = (UniqueConstraint("run_id", "catalogue_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(_run_fk())
    catalogue_id: Mapped[str] = mapped_column(ForeignKey("catalogues.id"), index=True)
    name: Mapped[str]
    kind: Mapped[str]
    url: Mapped[str]
    ok: Mapped[bool] = mapped_column(Boolean)
    dataset_count: Mapped[int]
    pages: Mapped[int]


class SourceErrorRow(Base):
    __tablename__ = "source_errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(_run_fk(), index=True)
    catalogue_run_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_runs.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str]
    url: Mapped[str | None]
    kind: Mapped[str]
    message: Mapped[str]
    at: Mapped[datetime | None]


class _Identity:
    """Columns shared by the identity tables: the stable key and when it was seen."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(SafeText, unique=True)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    first_seen_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    last_seen_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))


class OrganisationRow(_Identity, Base):
    __tablename__ = "organisations"

    name: Mapped[str]


class OrganisationObservation(Base):
    __tablename__ = "organisation_observations"
    __table_args__ = (UniqueConstraint("run_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(_run_fk())
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    catalogue_run_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_runs.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict[str, Any]] = mapped_column("metadata")


class DatasetRow(_Identity, Base):
    __tablename__ = "datasets"

    catalogue_id: Mapped[str] = mapped_column(index=True)
    source_id: Mapped[str]
    title: Mapped[str]
    organization_key: Mapped[str | None] = mapped_column(index=True)
    spdr: Mapped[str | None] = mapped_column(index=True)
    # when a complete harvest of its catalogue first missed it; None while it is published
    deleted_at: Mapped[datetime | None]


class DatasetObservation(Base):
    """One dataset as one run saw it: the full record (without distributions) as JSON.

    An unchanged dataset's row is a thin copy of the previous run's (``storage.carry``):
    it shares the record and the distribution rows of the observation it copies
    (``distributions_of``; its own ``metadata`` is JSON null). A deleted one is its last record,
    carried from run to run with ``deleted_at`` set (the date a complete harvest first
    missed it), so every run holds the whole state of its sources.
    """

    __tablename__ = "dataset_observations"
    __table_args__ = (UniqueConstraint("run_id", "dataset_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(_run_fk())
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id"), index=True)
    catalogue_run_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_runs.id", ondelete="CASCADE"), index=True
    )
    # the record's digest and own date (incremental harvest); empty in a carried copy
    content_hash: Mapped[str]
    metadata_modified: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]  # set when the dataset is gone from its source
    # a carried copy: the observation whose record and distribution rows are this one's
    # (an id of this table; no foreign key, so that SQLite adds it in place; see checks.py)
    distributions_of: Mapped[int | None]
    # JSON null in a carried copy (the record is the shared observation's), like its
    # content_hash ('') and metadata_modified (NULL)
    data: Mapped[dict[str, Any] | None] = mapped_column("metadata", nullable=False)


class DistributionRow(_Identity, Base):
    """A distribution; its last seen run is the last one that saved its dataset's record
    (runs that carry the dataset over unchanged share that run's distribution rows)."""

    __tablename__ = "distributions"

    url: Mapped[str]


class DistributionObservation(Base):
    """One distribution of one dataset observation, in its declared order."""

    __tablename__ = "distribution_observations"
    __table_args__ = (
        UniqueConstraint("dataset_observation_id", "position"),
        Index(None, "run_id", "dataset_observation_id", "position"),  # snapshot load order
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(_run_fk())  # indexed first in the index above
    dataset_observation_id: Mapped[int] = mapped_column(
        ForeignKey("dataset_observations.id", ondelete="CASCADE")
    )
    distribution_id: Mapped[int] = mapped_column(ForeignKey("distributions.id"), index=True)
    position: Mapped[int]
    url: Mapped[str]
    format: Mapped[str | None]
    data: Mapped[dict[str, Any]] = mapped_column("metadata")


class ServiceRow(_Identity, Base):
    __tablename__ = "services"

    catalogue_id: Mapped[str] = mapped_column(index=True)
    title: Mapped[str]
    endpoint_url: Mapped[str | None]


class ServiceObservation(Base):
    __tablename__ = "service_observations"
    __table_args__ = (UniqueConstraint("run_id", "service_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(_run_fk())
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    catalogue_run_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_runs.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict[str, Any]] = mapped_column("metadata")


class ProbeRow(Base):
    """One availability check. ``url_hash`` indexes URLs of any length (btree entry limits)."""

    __tablename__ = "probe_results"
    __table_args__ = (Index(None, "url_hash", "checked_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(_run_fk(), index=True)
    url: Mapped[str]
    url_hash: Mapped[str]
    outcome: Mapped[str]
    reason: Mapped[str]
    checked_at: Mapped[datetime] = mapped_column(index=True)
    target: Mapped[str]
    check_name: Mapped[str | None]
    method: Mapped[str | None]
    status: Mapped[int | None]
    final_url: Mapped[str | None]
    content_type: Mapped[str | None]
    content_length: Mapped[int | None] = mapped_column(BigInteger)
    last_modified: Mapped[str | None]
    etag: Mapped[str | None]
    latency_ms: Mapped[float | None] = mapped_column(Float)
    extra: Mapped[dict[str, Any]]


class RunProbeRange(Base):
    """Probes of earlier runs that a run used as its own (younger than ``reprobe_after``),
    as ranges of consecutive probe ids: every run lists the probes its scores rest on
    without copying availability history, in a few rows when it reused a whole run's."""

    __tablename__ = "run_probe_ranges"

    run_id: Mapped[int] = mapped_column(_run_fk(), primary_key=True)
    first_id: Mapped[int] = mapped_column(primary_key=True)  # ids of probe_results, inclusive
    last_id: Mapped[int]


class ValidationRow(Base):
    __tablename__ = "validation_reports"
    __table_args__ = (Index(None, "distribution_key", "run_id"),)  # latest validation of a file

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(_run_fk(), index=True)
    url: Mapped[str]
    distribution_key: Mapped[str | None] = mapped_column(index=True)
    schema_url: Mapped[str | None]
    valid: Mapped[bool] = mapped_column(Boolean)
    checked_at: Mapped[datetime]
    errors: Mapped[list[Any]] = mapped_column(JSON)
    error_counts: Mapped[dict[str, Any]]
    row_count: Mapped[int | None] = mapped_column(BigInteger)
    detected_format: Mapped[str | None]
    partial: Mapped[bool] = mapped_column(Boolean)
    fatal: Mapped[str | None]
    stats: Mapped[dict[str, Any]]


class DatasetScoreRow(Base):
    """Pillar and overall scores of one dataset in one run (0..100, None when nothing applied).

    A score that changed in a few criteria shares the criterion results of an earlier full
    set (``results_of``) and holds rows only where it differs (``storage.deltas``). A score
    carried over to a later run unchanged is a thin row: ``score_of`` names the row holding
    its values and criterion results, and its own value columns are empty (JSON null).
    """

    __tablename__ = "dataset_scores"
    __table_args__ = (
        UniqueConstraint("run_id", "dataset_key"),
        Index(None, "dataset_key", "run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(_run_fk())
    dataset_key: Mapped[str]
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("datasets.id"), index=True)
    overall: Mapped[float | None] = mapped_column(Float)
    completeness: Mapped[float | None] = mapped_column(Float)
    freshness: Mapped[float | None] = mapped_column(Float)
    conformity: Mapped[float | None] = mapped_column(Float)
    availability: Mapped[float | None] = mapped_column(Float)
    pillars: Mapped[dict[str, Any]]
    legal: Mapped[dict[str, Any]]
    # when the criteria were applied (a score carried over to a later run keeps its date)
    scored_at: Mapped[datetime | None]
    # the same record and probes give this score at any instant before this one
    # (scoring.engine.Assessment; None: not known, saved before 0009)
    holds_until: Mapped[datetime | None]
    results_of: Mapped[int | None]  # an id of this table (checked by checks.py)
    # a carried copy: the id of the full row of this table whose score it is (checks.py)
    score_of: Mapped[int | None]
    # codec.score_digest of the score as saved: the next run finds an equal score by it
    # without reading its criterion results (None: saved before 0008)
    digest: Mapped[str | None]


class CriterionResultRow(Base):
    __tablename__ = "criterion_results"
    __table_args__ = (
        UniqueConstraint("dataset_score_id", "position"),
        Index(None, "run_id", "dataset_score_id", "position"),  # snapshot load order
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(_run_fk())  # indexed first in the index above
    dataset_score_id: Mapped[int] = mapped_column(
        ForeignKey("dataset_scores.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    criterion_id: Mapped[str]
    pillar: Mapped[str]
    status: Mapped[str]
    score: Mapped[float | None] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]]
    fix_hint: Mapped[str | None]
    label: Mapped[str]


class ReferenceViewRow(Base):
    """One dataset's reference views in one run (``model.ReferenceView``): data.gouv.fr's
    quality score recomputed, the data.europa.eu MQA and the L321-4 candidate assessment,
    computed by the observe run so that its pages render later exactly as they did. The
    views themselves are a shared document (``reference_view_documents``): a dataset whose
    views did not change costs its run one small row."""

    __tablename__ = "reference_views"
    __table_args__ = (UniqueConstraint("run_id", "dataset_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(_run_fk())
    dataset_key: Mapped[str]
    document_id: Mapped[int] = mapped_column(ForeignKey("reference_view_documents.id"))


class ReferenceViewDocument(Base):
    """The views of one or more datasets, stored once by the digest of their JSON text."""

    __tablename__ = "reference_view_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(SafeText, unique=True)  # storage.views.digest
    udata: Mapped[dict[str, Any]]
    mqa: Mapped[dict[str, Any]]
    candidate: Mapped[dict[str, Any] | None]  # None for a SPDR dataset


class ProbeRollupRow(Base):
    """Seconds up/degraded/down/unknown, probe counts and latency histogram of one URL in
    one hour or day: what is left of raw probes once pruned (monthly figures survive)."""

    __tablename__ = "probe_rollups"
    __table_args__ = (UniqueConstraint("url_hash", "period", "bucket_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str]
    url_hash: Mapped[str]
    period: Mapped[str]  # hour | day
    bucket_start: Mapped[datetime]
    target: Mapped[str]
    up_seconds: Mapped[float] = mapped_column(Float)
    degraded_seconds: Mapped[float] = mapped_column(Float)
    down_seconds: Mapped[float] = mapped_column(Float)
    unknown_seconds: Mapped[float] = mapped_column(Float)
    counts: Mapped[dict[str, Any]]
    latency_count: Mapped[int]
    latency_sum: Mapped[float] = mapped_column(Float)
    latency_hist: Mapped[list[Any]] = mapped_column(JSON)


class ProbeRollupMark(Base):
    """Per URL, the instant before which its time lives in rollups, not in raw probes."""

    __tablename__ = "probe_rollup_marks"

    url_hash: Mapped[str] = mapped_column(SafeText, primary_key=True)
    url: Mapped[str]
    rolled_until: Mapped[datetime]
    max_gap_seconds: Mapped[float] = mapped_column(Float)


class RunLock(Base):
    """Who runs a flow kind now: one row per lock name, with a heartbeat (crash takeover)."""

    __tablename__ = "run_locks"

    name: Mapped[str] = mapped_column(SafeText, primary_key=True)
    owner: Mapped[str]  # random token of the holder
    host: Mapped[str]
    pid: Mapped[int]
    run_id: Mapped[int | None]
    acquired_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]


class HttpCacheRow(Base):
    """Validators (ETag, Last-Modified) last seen for a URL, for conditional requests."""

    __tablename__ = "http_cache"

    url_hash: Mapped[str] = mapped_column(SafeText, primary_key=True)
    url: Mapped[str]
    etag: Mapped[str | None]
    last_modified: Mapped[str | None]
    content_length: Mapped[int | None] = mapped_column(BigInteger)
    content_hash: Mapped[str | None]
    run_id: Mapped[int | None]
    fetched_at: Mapped[datetime]
    changed_at: Mapped[datetime | None]  # validators first seen then (probe schedule)


class FileStructureRow(Base):
    """A structure (columns, types, declared schema) of one SPDR file, from the run that
    first read it: one row per change, so consecutive rows of a URL are its changes."""

    __tablename__ = "file_structures"
    __table_args__ = (Index(None, "url_hash", "first_seen"), Index(None, "spdr", "first_seen"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    spdr: Mapped[str]
    url: Mapped[str]
    url_hash: Mapped[str]
    signature: Mapped[str]
    structure: Mapped[dict[str, Any]]
    first_seen: Mapped[datetime]
    run_id: Mapped[int | None]
