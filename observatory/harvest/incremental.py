"""Incremental harvest: which datasets are new, changed, unchanged or deleted since last run.

Pure logic over what the store knew after the previous run of a catalogue (per dataset
key: its content hash and metadata modification date) and what this harvest read.
A dataset is unchanged when its content hash is the same, or (``trust_dates``) when the
catalogue gives the same metadata modification date: udata's ``last_modified`` does not
move when only metrics (views, followers) move. Datasets missing from this harvest are
called deleted only when the harvest was complete: a page that failed, a page cap or a
crash may hide datasets, and a dataset must never be marked deleted for that. Deleted
datasets are marked, not forgotten; one that comes back is ``restored``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from observatory.model import Catalogue, Dataset, SourceError
from observatory.storage.codec import same_hash

# Error kinds that describe one value, never a lost page: they leave a harvest complete.
HARMLESS_ERRORS = frozenset({"invalid-value"})


@dataclass(frozen=True)
class Known:
    """What the previous run recorded for one dataset key."""

    content_hash: str
    modified: datetime | None = None  # the dataset's metadata_modified then
    deleted: bool = False  # already marked deleted


@dataclass
class Changes:
    """The classification of one catalogue's datasets against the previous run."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)  # marked deleted before, back now
    deleted: list[str] = field(default_factory=list)
    deletions_skipped: str | None = None  # why no deletion was inferred, when so

    @property
    def to_process(self) -> list[str]:
        """Keys whose probes, validations and scores must be computed again."""
        return self.new + self.changed + self.restored

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "restored": len(self.restored),
            "deleted": len(self.deleted),
        }


def incomplete_reasons(errors: Iterable[SourceError]) -> list[str]:
    """Errors that may have hidden datasets (anything but a note on one value)."""
    return [f"{e.kind}: {e.message}" for e in errors if e.kind not in HARMLESS_ERRORS]


def harvest_complete(catalogue: Catalogue) -> bool:
    """True when every page was read: only then can absence mean deletion."""
    return not incomplete_reasons(catalogue.errors)


def _same(dataset: Dataset, known: Known, trust_dates: bool) -> bool:
    """Same record date (when trusted, checked first: it is cheap), or same content hash."""
    if (
        trust_dates
        and dataset.metadata_modified is not None
        and known.modified is not None
        and _moment(dataset.metadata_modified) == _moment(known.modified)
    ):
        return True
    return same_hash(dataset, known.content_hash)


def _moment(value: datetime | date) -> datetime:
    """Comparable instants: naive values are UTC, a bare date is its UTC midnight."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _as_known(value: Known | str) -> Known:
    return value if isinstance(value, Known) else Known(content_hash=value)


def classify(
    datasets: Iterable[Dataset],
    previous: Mapping[str, Known | str],
    *,
    complete: bool,
    trust_dates: bool = True,
) -> Changes:
    """Sort this harvest's datasets against ``previous`` (key -> Known or content hash).

    ``complete`` says whether the harvest read every page (see ``harvest_complete``);
    when it is False nothing is called deleted and ``deletions_skipped`` says why.
    """
    changes = Changes()
    seen: set[str] = set()
    for dataset in datasets:
        if dataset.key in seen:
            continue
        seen.add(dataset.key)
        before = previous.get(dataset.key)
        if before is None:
            changes.new.append(dataset.key)
            continue
        known = _as_known(before)
        if known.deleted:
            changes.restored.append(dataset.key)
        elif _same(dataset, known, trust_dates):
            changes.unchanged.append(dataset.key)
        else:
            changes.changed.append(dataset.key)
    missing = sorted(
        key for key, value in previous.items() if key not in seen and not _as_known(value).deleted
    )
    if not complete:
        if missing:
            changes.deletions_skipped = (
                f"{len(missing)} datasets absent but the harvest was incomplete: "
                "none marked deleted"
            )
        return changes
    changes.deleted = missing
    return changes


def classify_catalogue(
    catalogue: Catalogue, previous: Mapping[str, Known | str], trust_dates: bool = True
) -> Changes:
    """``classify`` over a harvested catalogue, its completeness read from its errors."""
    complete = harvest_complete(catalogue)
    changes = classify(catalogue.datasets, previous, complete=complete, trust_dates=trust_dates)
    if not complete and changes.deletions_skipped:
        reasons = incomplete_reasons(catalogue.errors)
        changes.deletions_skipped += f" ({reasons[0]})"
    return changes


def deleted_stubs(
    catalogue_id: str, keys: Iterable[str], titles: Mapping[str, str]
) -> list[Dataset]:
    """Records for deleted datasets (``deleted=True``) so a run can keep them visible."""
    return [
        Dataset(
            key=key,
            catalogue_id=catalogue_id,
            source_id=key.split(":", 1)[1] if ":" in key else key,
            title=titles.get(key, ""),
            deleted=True,
        )
        for key in keys
    ]
