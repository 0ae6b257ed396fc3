"""data.gouv.fr's bulk catalogue exports (datasets and resources CSV) to the normalised model.

The exports (``export-dataset-*.csv``, ``export-resource-*.csv``) are ``;``-separated,
UTF-8, one row per dataset or resource; resources carry ``dataset.id`` and an ``extras``
JSON object with the platform's ``check:*`` / ``analysis:*`` keys. They are the fast path
to the whole portal: two downloads instead of thousands of API pages.

Rows are streamed with the ``csv`` module (never a whole-file DataFrame). Each row is
turned into the udata API payload it summarises and normalised by ``udata_model`` so the
records are the same as the API's. Datasets are held by id while the resources stream
past; a resource whose dataset is not in the datasets file gets a dataset built from its
``dataset.*`` columns. A row with too few fields (seen in real exports) is realigned when
the missing fields can only be empty ones, and reported either way.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import requests

from observatory.harvest.readers import Document, Reader
from observatory.harvest.udata_model import (
    dataset_from_udata,
    distribution_from_udata,
    service_from_udata,
)
from observatory.model import Dataset, HarvestPage, Organisation, Service, SourceError
from observatory.net.fetch import FetchError, HttpSettings, open_stream

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # descriptions can be long

DELIMITER = ";"
# Columns between these two may be dropped from a short row of the datasets export.
GAP_AFTER, GAP_BEFORE = "description_short", "featured"
DATASET_COLUMNS = ("id", "title")
DATASET_MARKERS = {"frequency", "temporal_coverage.start", "resources_count", "spatial.zones"}
RESOURCE_COLUMNS = ("dataset.id", "id", "url")
EXPORT_MAX_BYTES = 2_000_000_000  # the whole portal's resources export is ~0.5 GB


def _now() -> datetime:
    return datetime.now(UTC)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _bool(value: str | None) -> bool | None:
    value = (value or "").strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    return None


def _number(value: str | None) -> int | float | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def parse_extras(raw: str | None) -> tuple[dict[str, Any], str | None]:
    """The ``extras`` column: JSON, or a Python literal in older exports; (dict, problem)."""
    text = (raw or "").strip()
    if not text:
        return {}, None
    try:
        value = json.loads(text)
    except ValueError:
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return {}, f"extras are not JSON: {text[:60]!r}"
    if not isinstance(value, dict):
        return {}, "extras are not an object"
    return value, None


def header_kind(header: Iterable[str]) -> str | None:
    """'datasets', 'resources' or 'dataservices' for an export's header row, else None."""
    names = {h.strip().lstrip("\ufeff") for h in header}
    if all(c in names for c in RESOURCE_COLUMNS):
        return "resources"
    if all(c in names for c in DATASET_COLUMNS) and "base_api_url" in names:
        return "dataservices"
    if all(c in names for c in DATASET_COLUMNS) and names & DATASET_MARKERS:
        return "datasets"
    return None


def sniff_header(head: bytes) -> str | None:
    """The export kind (see ``header_kind``) when these bytes start a catalogue export."""
    first = head.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()[:1]
    if not first or DELIMITER not in first[0]:
        return None
    row = next(csv.reader(first, delimiter=DELIMITER), [])
    return header_kind(row)


def _realign(header: list[str], row: list[str]) -> tuple[list[str] | None, str | None]:
    """Fit a row to the header; (fitted row or None when hopeless, problem or None)."""
    if len(row) == len(header):
        return row, None
    if len(row) > len(header):
        return None, f"{len(row)} fields for {len(header)} columns"
    missing = len(header) - len(row)
    if GAP_AFTER in header and GAP_BEFORE in header:
        head_n = header.index(GAP_AFTER) + 1
        tail_n = len(header) - header.index(GAP_BEFORE)
        gap = len(header) - head_n - tail_n
        kept = row[head_n : len(row) - tail_n]
        if missing <= gap and not any(v.strip() for v in kept):
            fitted = row[:head_n] + [""] * gap + row[len(row) - tail_n :]
            return fitted, f"{len(row)} fields for {len(header)} columns; realigned"
    return None, f"{len(row)} fields for {len(header)} columns"


def _rows(
    stream: IO[str], source: str, where: str, errors: list[SourceError]
) -> Iterator[dict[str, str]]:
    """Dict rows of a ``;`` CSV export; misshapen rows reported (and realigned if safe)."""
    reader = csv.reader(stream, delimiter=DELIMITER)
    header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
    for number, row in enumerate(reader, start=2):
        if not row:
            continue
        fitted, problem = _realign(header, row)
        if problem:
            kind = "invalid-value" if fitted else "parse"
            message = f"{where} row {number}: {problem}" + ("" if fitted else "; row skipped")
            errors.append(SourceError(source, where, kind, message, _now()))
        if fitted is not None:
            yield dict(zip(header, fitted, strict=True))


def _zones(value: str | None) -> list[str]:
    return [z.strip() for z in (value or "").split(",") if z.strip()]


def _spatial(row: dict[str, str]) -> dict[str, Any] | None:
    zones, granularity = _zones(row.get("spatial.zones")), _clean(row.get("spatial.granularity"))
    return {"zones": zones, "granularity": granularity} if zones or granularity else None


def _harvest(row: dict[str, str], prefix: str = "harvest.") -> dict[str, Any] | None:
    found = {k[len(prefix) :]: v for k, v in row.items() if k.startswith(prefix) and v.strip()}
    return found or None


def dataset_payload(row: dict[str, str]) -> dict[str, Any]:
    """The udata API payload a datasets-export row summarises."""
    org_id = _clean(row.get("organization_id"))
    metrics = {
        k.removeprefix("metric."): n
        for k, v in row.items()
        if k.startswith("metric.") and isinstance(n := _number(v), int | float)
    }
    score = _number(row.get("quality_score"))
    return {
        "id": _clean(row.get("id")),
        "title": _clean(row.get("title")),
        "slug": _clean(row.get("slug")),
        "acronym": _clean(row.get("acronym")),
        "page": _clean(row.get("url")),
        "organization": {"id": org_id, "name": row.get("organization")} if org_id else None,
        "description": _clean(row.get("description")),
        "frequency": _clean(row.get("frequency")),
        "license": _clean(row.get("license")),
        "temporal_coverage": {
            "start": _clean(row.get("temporal_coverage.start")),
            "end": _clean(row.get("temporal_coverage.end")),
        },
        "spatial": _spatial(row),
        "featured": _bool(row.get("featured")),
        "archived": _bool(row.get("archived")),
        "private": _bool(row.get("private")),
        "created_at": _clean(row.get("created_at")),
        "last_modified": _clean(row.get("last_modified")),
        "last_update": _clean(row.get("last_update")),
        "tags": [t.strip() for t in (row.get("tags") or "").split(",") if t.strip()],
        "harvest": _harvest(row),
        "quality": {"score": score} if score is not None else None,
        "metrics": metrics,
    }


def resource_payload(row: dict[str, str], notes: list[str]) -> dict[str, Any]:
    """The udata API resource payload a resources-export row summarises."""
    extras, problem = parse_extras(row.get("extras"))
    if problem:
        notes.append(f"resource {row.get('id')}: {problem}")
    schema = {"name": _clean(row.get("schema_name")), "version": _clean(row.get("schema_version"))}
    downloads = _number(row.get("downloads"))
    if downloads is not None:
        extras.setdefault("downloads", downloads)
    return {
        "id": _clean(row.get("id")),
        "url": _clean(row.get("url")),
        "title": _clean(row.get("title")),
        "description": _clean(row.get("description")),
        "filetype": _clean(row.get("filetype")),
        "type": _clean(row.get("type")),
        "format": _clean(row.get("format")),
        "mime": _clean(row.get("mime")),
        "filesize": _clean(row.get("filesize")),
        "checksum": {"type": _clean(row.get("checksum.type")), "value": row.get("checksum.value")},
        "created_at": _clean(row.get("created_at")),
        "last_modified": _clean(row.get("modified")),
        "schema": schema,
        "preview_url": _clean(row.get("preview_url")),
        "harvest": _harvest(row),
        "extras": extras,
    }


SERVICE_TEXT_COLUMNS = (
    "id",
    "title",
    "slug",
    "acronym",
    "description",
    "base_api_url",
    "machine_documentation_url",
    "technical_documentation_url",
    "business_documentation_url",
    "authorization_request_url",
    "availability",
    "rate_limiting",
    "access_type",
    "license",
    "created_at",
    "metadata_modified_at",
)


def dataservice_payload(row: dict[str, str]) -> dict[str, Any]:
    """The udata API dataservice payload a dataservices-export row summarises."""
    payload: dict[str, Any] = {k: _clean(row.get(k)) for k in SERVICE_TEXT_COLUMNS}
    org_id = _clean(row.get("organization_id"))
    payload["organization"] = {"id": org_id, "name": row.get("organization")} if org_id else None
    payload["datasets"] = [d.strip() for d in (row.get("datasets") or "").split(",") if d.strip()]
    payload["self_web_url"] = _clean(row.get("url"))
    return payload


def _stub_payload(row: dict[str, str]) -> dict[str, Any]:
    """A dataset known only from the ``dataset.*`` columns of its resources."""
    return dataset_payload(_dataset_columns(row))


def _dataset_columns(row: dict[str, str]) -> dict[str, str]:
    return {k[len("dataset.") :]: v for k, v in row.items() if k.startswith("dataset.")}


def _organisation(row: dict[str, str], cid: str) -> Organisation | None:
    org_id = _clean(row.get("organization_id"))
    if not org_id:
        return None
    name = _clean(row.get("organization")) or org_id
    return Organisation(key=f"{cid}:{org_id}", name=name, source_id=org_id)


class CatalogCsvReader:
    """Joins the two exports by dataset id while streaming them."""

    def __init__(self, catalogue_id: str, source: str) -> None:
        self.cid = catalogue_id
        self.source = source
        self.datasets: dict[str, Dataset] = {}
        self.organisations: dict[str, Organisation] = {}
        self.services: list[Service] = []
        self.errors: list[SourceError] = []

    def _notes(self, where: str, notes: list[str]) -> None:
        for note in notes:
            self.errors.append(
                SourceError(self.cid, where, "invalid-value", f"{where}: {note}", _now())
            )

    def _add_org(self, row: dict[str, str]) -> None:
        org = _organisation(row, self.cid)
        if org:
            self.organisations.setdefault(org.key, org)

    def read_datasets(self, stream: IO[str], where: str) -> None:
        for row in _rows(stream, self.cid, where, self.errors):
            notes: list[str] = []
            dataset = dataset_from_udata(dataset_payload(row), self.cid, notes)
            if dataset.source_id == "unknown":
                self.errors.append(
                    SourceError(self.cid, where, "parse", f"{where}: a row has no id", _now())
                )
                continue
            owner = _clean(row.get("owner"))
            if owner and not dataset.organization_name:
                dataset.organization_name = dataset.publisher = owner
            self._notes(where, notes)
            self._add_org(row)
            self.datasets[dataset.source_id] = dataset

    def read_resources(self, stream: IO[str], where: str) -> None:
        for row in _rows(stream, self.cid, where, self.errors):
            dataset_id = _clean(row.get("dataset.id"))
            if not dataset_id:
                message = f"{where}: resource {row.get('id')} has no dataset.id"
                self.errors.append(SourceError(self.cid, where, "parse", message, _now()))
                continue
            notes: list[str] = []
            dataset = self.datasets.get(dataset_id)
            if dataset is None:
                dataset = dataset_from_udata(_stub_payload(row), self.cid, notes)
                dataset.extras["from_resources_export_only"] = True
                self._add_org(_dataset_columns(row))
                self.datasets[dataset_id] = dataset
            dist = distribution_from_udata(resource_payload(row, notes), dataset.key, notes)
            dataset.distributions.append(dist)
            self._notes(where, notes)

    def read_dataservices(self, stream: IO[str], where: str) -> None:
        for row in _rows(stream, self.cid, where, self.errors):
            if not _clean(row.get("id")):
                continue
            self.services.append(service_from_udata(dataservice_payload(row), self.cid))
            self._add_org(row)

    def finish(self) -> HarvestPage:
        """The joined page; a dataset without ``last_update`` takes its latest resource's."""
        for dataset in self.datasets.values():
            if dataset.modified is None:
                dates = [d.modified for d in dataset.distributions if d.modified]
                if dates:
                    dataset.modified = max(dates)
                    dataset.extras["modified_from"] = "resources"
        return HarvestPage(
            url=self.source,
            datasets=list(self.datasets.values()),
            services=self.services,
            organisations=list(self.organisations.values()),
            total=len(self.datasets),
            errors=self.errors,
        )


KINDS = ("datasets", "resources", "dataservices")  # read in this order: datasets first


def _reader_for(reader: CatalogCsvReader, kind: str) -> Any:
    return {
        "datasets": reader.read_datasets,
        "resources": reader.read_resources,
        "dataservices": reader.read_dataservices,
    }[kind]


def read_catalog_csv(exports: dict[str, Path], catalogue_id: str) -> HarvestPage:
    """Read local export files by kind (see ``find_exports``); never raises for a bad file."""
    source = str(next(iter(exports.values()), ""))
    reader = CatalogCsvReader(catalogue_id, source)
    for kind in KINDS:
        path = exports.get(kind)
        if path is None:
            continue
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                _reader_for(reader, kind)(stream, str(path))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            message = f"{path}: cannot be read: {type(exc).__name__}: {exc}"
            reader.errors.append(SourceError(catalogue_id, str(path), "parse", message, _now()))
    return reader.finish()


def read_catalog_bytes(bodies: dict[str, tuple[str, bytes]], catalogue_id: str) -> HarvestPage:
    """Same as ``read_catalog_csv`` over downloaded bodies: kind -> (url, body)."""
    source = next(iter(bodies.values()), ("", b""))[0]
    reader = CatalogCsvReader(catalogue_id, source)
    for kind in KINDS:
        if kind not in bodies:
            continue
        url, body = bodies[kind]
        try:
            _reader_for(reader, kind)(io.StringIO(body.decode("utf-8-sig"), newline=""), url)
        except (UnicodeDecodeError, csv.Error) as exc:
            message = f"{url}: cannot be read: {type(exc).__name__}: {exc}"
            reader.errors.append(SourceError(catalogue_id, url, "parse", message, _now()))
    return reader.finish()


def sibling_of(datasets_path: Path, word: str) -> Path | None:
    """The export next to a datasets export whose name has ``word`` for ``dataset``."""
    name = datasets_path.name
    candidates = [name.replace("datasets", word + "s"), name.replace("dataset", word)]
    for candidate in candidates:
        path = datasets_path.with_name(candidate)
        if candidate != name and path.is_file():
            return path
    return None


def _kind_of(path: Path) -> str | None:
    with path.open("rb") as f:
        return sniff_header(f.read(4096))


def find_exports(path: Path) -> dict[str, Path]:
    """Export files by kind ('datasets', 'resources', 'dataservices') from a folder or a file.

    Given the datasets file, its siblings named like it (``datasets`` → ``resources``,
    ``dataservices``) join it; in a folder, those siblings are preferred to other files.
    """
    found: dict[str, Path] = {}
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.is_file() and child.suffix.lower() == ".csv":
                kind = _kind_of(child)
                if kind:
                    found.setdefault(kind, child)
    else:
        kind = _kind_of(path)
        found[kind or "datasets"] = path
    datasets = found.get("datasets")
    if datasets is not None:
        for kind, word in (("resources", "resource"), ("dataservices", "dataservice")):
            sibling = sibling_of(datasets, word)
            if sibling is not None and _kind_of(sibling) == kind:
                found[kind] = sibling
    return found


class _CappedRaw(io.RawIOBase):
    """A streamed HTTP body read through a byte cap and a deadline."""

    def __init__(self, response: Any, max_bytes: int, deadline: float, url: str) -> None:
        self.chunks = response.raw.stream(64 * 1024, decode_content=True)
        self.buffer = b""
        self.size = 0
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.url = url

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self.buffer:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise FetchError(self.url, "too-large", f"larger than {self.max_bytes:,} bytes")
            if time.monotonic() > self.deadline:
                raise FetchError(self.url, "timeout", "total time limit reached while reading")
            self.buffer = chunk
        n = min(len(target), len(self.buffer))
        target[:n] = self.buffer[:n]
        self.buffer = self.buffer[n:]
        return n


def remote_sibling(url: str, word: str) -> str | None:
    """The URL of a sibling export when the datasets URL's file name says ``dataset``."""
    head, _, name = url.rpartition("/")
    for old, new in (("datasets", word + "s"), ("dataset", word)):
        if old in name:
            return f"{head}/{name.replace(old, new)}"
    return None


def fetch_catalog_csv(
    urls: dict[str, str],
    catalogue_id: str,
    http: HttpSettings,
    session: requests.Session | None = None,
    max_bytes: int = EXPORT_MAX_BYTES,
) -> HarvestPage:
    """Stream remote exports (kind -> URL) through the guard into one page; never raises.

    The exports of a whole portal weigh hundreds of MB: they are streamed row by row, under
    ``max_bytes`` per file (not ``http.max_bytes``) and ``http.total_timeout`` × 10.
    """
    reader = CatalogCsvReader(catalogue_id, next(iter(urls.values()), ""))
    for kind in KINDS:
        url = urls.get(kind)
        if not url:
            continue
        try:
            response, _ = open_stream(url, http, session, headers={"Accept": "text/csv"})
        except FetchError as exc:
            message = f"{url}: {exc.message}"
            reader.errors.append(SourceError(catalogue_id, url, exc.kind, message, _now()))
            continue
        try:
            if response.status_code != 200:
                message = f"{url}: answered HTTP {response.status_code}"
                kind_code = f"http-{response.status_code}"
                reader.errors.append(SourceError(catalogue_id, url, kind_code, message, _now()))
                continue
            deadline = time.monotonic() + http.total_timeout * 10
            raw = io.BufferedReader(_CappedRaw(response, max_bytes, deadline, url))
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            _reader_for(reader, kind)(text, url)
        except FetchError as exc:
            message = f"{url}: {exc.message}; rows read before kept"
            reader.errors.append(SourceError(catalogue_id, url, exc.kind, message, _now()))
        except (UnicodeDecodeError, csv.Error, OSError) as exc:
            message = f"{url}: cannot be read: {type(exc).__name__}: {exc}"
            reader.errors.append(SourceError(catalogue_id, url, "parse", message, _now()))
        finally:
            response.close()
    return reader.finish()


# --- the reader of the registry (observatory.harvest.readers) ---------------------------
def _detect(document: Document) -> bool:
    return sniff_header(document.content[:65536]) is not None  # the header row's columns


def _read_page(
    url: str,
    catalogue_id: str,
    http: HttpSettings,
    *,
    session: requests.Session | None = None,
    shacl: int = 0,
) -> HarvestPage:
    """The datasets export at ``url``, with its sibling exports when named alike."""
    urls = {"datasets": url}
    resources = remote_sibling(url, "resource")
    if resources:
        urls["resources"] = resources
    return fetch_catalog_csv(urls, catalogue_id, http, session)


def _read_file(path: Path, catalogue_id: str, shacl: int) -> HarvestPage:
    return read_catalog_csv(find_exports(path), catalogue_id)


def _claims_name(source: str, content_type: str) -> bool:
    return content_type in ("text/csv", "application/csv") or source.lower().endswith(".csv")


READER = Reader(
    "catalog-csv",
    str,
    _read_page,
    _read_file,
    _detect,
    claims_name=_claims_name,
    reads_folders=True,
)
