"""Helpers of the observe stages: probe and validation targets, run status, HTTP validators,
site recovery. The observe engine (``observatory.observe``) and ``observatory check``
compose them; nothing here imports Prefect.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from observatory.model import (
    Catalogue,
    CatalogueStatus,
    Dataset,
    ProbeResult,
    SourceError,
    ValidationReport,
)
from observatory.net.fetch import HttpSettings
from observatory.registry import Config, SpdrEntry
from observatory.scoring.context import target

if TYPE_CHECKING:
    from observatory.probes.rules import Validators
    from observatory.storage.cache import HttpValidators

TABULAR_FORMATS = {"csv", "tsv", "txt", "zip", "csv.gz"}


def http_settings(config: Config) -> HttpSettings:
    return HttpSettings.from_settings(config.settings)


def catalogue_status(catalogue: Catalogue) -> CatalogueStatus:
    return CatalogueStatus(
        id=catalogue.id,
        name=catalogue.name,
        kind=catalogue.kind,
        url=catalogue.url,
        ok=not catalogue.failed,
        dataset_count=len(catalogue.datasets),
        errors=list(catalogue.errors),
    )


def failed_catalogue(id_: str, name: str, kind: str, url: str, exc: BaseException) -> Catalogue:
    """A source whose harvest crashed: recorded as failed, the run goes on."""
    error = SourceError(
        source=id_, url=url, kind="crash", message=f"{type(exc).__name__}: {exc}", at=now_utc()
    )
    return Catalogue(id=id_, name=name, kind=kind, url=url, errors=[error])


def probe_targets(datasets: Iterable[Dataset]) -> list[str]:
    """Every distinct download URL to probe (documentation pages excluded)."""
    urls: dict[str, None] = {}
    for dataset in datasets:
        for dist in dataset.distributions:
            if dist.type != "documentation":
                urls.setdefault(target(dist), None)
    return list(urls)


@dataclass(frozen=True)
class ValidationTarget:
    distribution_key: str
    url: str
    schema_url: str


def validation_targets(datasets: Iterable[Dataset]) -> list[ValidationTarget]:
    """Tabular resources that declare a Table Schema by URL."""
    targets = []
    for dataset in datasets:
        for dist in dataset.distributions:
            schema_url = dist.schema.url if dist.schema else None
            fmt = (dist.format or "").lower()
            if schema_url and (fmt in TABULAR_FORMATS or not fmt):
                targets.append(
                    ValidationTarget(dist.key, dist.download_url or dist.url, schema_url)
                )
    return targets


def batches(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@dataclass
class Observation:
    """What one run gathered, before scoring."""

    catalogues: list[Catalogue]
    probes: list[ProbeResult] = field(default_factory=list)
    api_probes: dict[str, list[ProbeResult]] = field(default_factory=dict)  # by SPDR key
    validations: list[ValidationReport] = field(default_factory=list)

    @property
    def datasets(self) -> list[Dataset]:
        return [d for c in self.catalogues for d in c.datasets]


def spdr_entry(dataset: Dataset, config: Config) -> SpdrEntry | None:
    from observatory.scoring.context import spdr_entry as entry

    return entry(dataset, config)


def now_utc() -> datetime:
    return datetime.now(UTC)


# -- incremental runs: reuse what did not change -------------------------------------------


def probe_validators(cached: Mapping[str, HttpValidators]) -> dict[str, Validators]:
    """Stored validators as the probe engine's conditional-request input."""
    from observatory.probes.rules import Validators

    return {url: Validators(v.etag, v.last_modified, v.content_length) for url, v in cached.items()}


def validators_to_save(
    probes: Iterable[ProbeResult], cached: Mapping[str, HttpValidators], now: datetime
) -> list[HttpValidators]:
    """What to remember for the next run: the newest validators seen (a 304 keeps the old),
    and since when they hold (the probe schedule reads a file's age from it)."""
    from observatory.observe.schedule import changed_at
    from observatory.storage.cache import HttpValidators

    out = []
    for p in probes:
        if p.target != "file" or p.outcome not in ("up", "degraded"):
            continue
        old = cached.get(p.url)
        etag = p.etag or (old.etag if old and p.status == 304 else None)
        modified = p.last_modified or (old.last_modified if old and p.status == 304 else None)
        length = p.content_length if p.status != 304 else (old.content_length if old else None)
        if etag or modified or length is not None:
            new = HttpValidators(p.url, etag, modified, length)
            out.append(replace(new, changed_at=changed_at(old, new, p.status, now)))
    return out


def spdr_urls(datasets: Iterable[Dataset], config: Config) -> set[str]:
    """Download URLs of the reference datasets (asked on every run: a legal obligation)."""
    return set(probe_targets(d for d in datasets if spdr_entry(d, config) is not None))


def split_validations(
    targets: list[ValidationTarget],
    probes: Mapping[str, ProbeResult],
    cached: Mapping[str, HttpValidators],
    latest: Mapping[str, ValidationReport],
    not_requested: Collection[str] = (),
) -> tuple[list[ValidationTarget], list[ValidationReport]]:
    """(targets to validate again, reports reused) — a file is reused only when the server
    says it did not change by ETag or Last-Modified (a 304, or equal validators), or when
    it was not requested at all (``not_requested``: its recent probe was reused), and the
    last report was made from the same URL against the same schema."""
    todo, reused = [], []
    for t in targets:
        probe, old, known = probes.get(t.url), latest.get(t.distribution_key), cached.get(t.url)
        strong = known is not None and bool(known.etag or known.last_modified)
        unchanged = probe is not None and probe.extra.get("changed") is False and strong
        unchanged = unchanged or t.url in not_requested
        if unchanged and old and old.url == t.url and old.schema_url == t.schema_url:
            stats = {**old.stats, "reused": True, "validated_at": old.checked_at.isoformat()}
            reused.append(replace(old, stats=stats))
        else:
            todo.append(t)
    return todo, reused


def recover_site(out_dir: Path) -> list[str]:
    """Repair what a publisher killed mid-swap left: restore the previous site when the
    folder is missing, delete half-built temporary folders and the old file versions a
    file-by-file publication kept to undo itself. Returns what was done."""
    out_dir = Path(out_dir).absolute()
    done = []
    backups = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if not out_dir.exists() and backups:
        backups[-1].rename(out_dir)
        done.append(f"restored {out_dir} from {backups[-1].name}")
        backups = backups[:-1]
    temporary = [out_dir.parent.glob(f".{out_dir.name}.{kind}-*") for kind in ("new", "undo")]
    for stale in [*backups, *temporary[0], *temporary[1]]:
        shutil.rmtree(stale, ignore_errors=True)
        done.append(f"removed {stale.name}")
    return done


def catalogue_unchanged(
    url: str, http: HttpSettings, cached: HttpValidators | None
) -> tuple[bool, HttpValidators | None]:
    """Ask the server whether a catalogue's first page changed (If-None-Match /
    If-Modified-Since); returns (unchanged, validators to store). Errors say "changed"."""
    from observatory.net.fetch import FetchError, fetch
    from observatory.storage.cache import HttpValidators

    headers = cached.conditional_headers() if cached else {}
    try:
        response = fetch(url, http, headers=headers or None, accept_status=(200, 304))
    except FetchError:
        return False, None
    if response.status == 304:
        return True, cached
    etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
    fresh = HttpValidators(url, etag, modified) if etag or modified else None
    return False, fresh
