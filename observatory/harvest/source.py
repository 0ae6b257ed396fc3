"""One source given by the user (a URL or a local file): its kind, its harvest, JSON lines.

The library side of ``observatory harvest SOURCE [--kind …] [--json]``. ``detect_kind``
tells the kinds of ``readers`` apart from the URL and the whole document's structure;
``harvest_source`` reads a URL through the reader's pages (guarded HTTP, page cap) or a
local file through the reader's ``read_file``; ``dataset_json_line`` is one output line.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from observatory.harvest import readers
from observatory.harvest.paging import Sink, absorb, harvest_catalogue, streamed
from observatory.harvest.rdf_parse import looks_like_html
from observatory.model import Catalogue, Dataset, SourceError
from observatory.net.fetch import FetchError, HttpSettings, open_stream

CSV_HEAD_BYTES = 65536  # a catalogue CSV export is told by its header row


class UnknownKind(ValueError):
    """The kind of a source cannot be told from its address and first bytes."""


def _now() -> datetime:
    return datetime.now(UTC)


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def detect_kind(source: str, content: bytes | None, content_type: str | None) -> str:
    """The kind of a source, as the readers tell it: its address
    (``readers.kind_of_url``), then its whole document's structure (``readers.kind_of``),
    then its suffix or Content-Type (``readers.kind_of_name``).

    Raises UnknownKind when nothing tells (an HTML page, an unknown file).
    """
    by_url = readers.kind_of_url(source) if is_url(source) else None
    if by_url:
        return by_url
    if content:
        found = readers.kind_of(readers.Document(content, content_type))
        if found:
            return found
        if looks_like_html(content):
            raise UnknownKind(f"{source}: an HTML page, not a catalogue; give --kind")
    by_name = readers.kind_of_name(source, content_type)
    if by_name:
        return by_name
    raise UnknownKind(f"{source}: cannot tell the kind of source; give --kind")


def _catalogue_id(source: str) -> str:
    if is_url(source):
        return urlsplit(source).hostname or "source"
    return Path(source).stem or "source"


def _plain(value: Any) -> Any:
    """What ``json`` cannot write by itself, as ``model.to_jsonable`` writes it: a record
    (dataclass) as its fields, a date as ISO text, a set as a list."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: getattr(value, name) for name in value.__dataclass_fields__}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dataset_json_line(dataset: Dataset) -> str:
    """One dataset as one line of JSON, with its ``distributions`` list: the same value as
    ``json.dumps(to_jsonable(dataset))``, without copying the record first (a fifth of
    the time ``observatory harvest --json`` took)."""
    return json.dumps(dataset, default=_plain, ensure_ascii=False)


# --- local files -----------------------------------------------------------------------
def _local_content(path: Path) -> bytes:
    """What kind detection reads of a local file: the whole file, or a CSV's header."""
    with path.open("rb") as f:
        return f.read(CSV_HEAD_BYTES) if path.suffix.lower() == ".csv" else f.read()


def _harvest_local(
    source: str, kind: str | None, cid: str, shacl: int = 0, sink: Sink | None = None
) -> Catalogue:
    path = Path(source)
    catalogue = Catalogue(id=cid, name=path.name, kind=kind or "unknown", url=str(path))
    if not path.exists():
        catalogue.errors.append(SourceError(cid, source, "not-found", f"{source}: no such file"))
        return catalogue
    try:
        if path.is_dir():
            kind = kind or readers.folder_kind()
            if kind is None:
                raise UnknownKind(f"{source}: no reader reads a folder; give a file")
        kind = kind or detect_kind(source, _local_content(path), None)
        catalogue.kind = kind
        absorb(catalogue, streamed([readers.reader(kind).read_file(path, cid, shacl)], sink))
    except UnknownKind as exc:
        catalogue.errors.append(SourceError(cid, source, "unknown-kind", str(exc), _now()))
    except OSError as exc:
        catalogue.errors.append(SourceError(cid, source, "read", f"{source}: {exc}", _now()))
    return catalogue


# --- URLs ------------------------------------------------------------------------------
def _peek(url: str, http: HttpSettings, limit: int | None = None) -> tuple[bytes, str | None]:
    """The body (up to ``limit`` or the byte cap) and Content-Type of a URL."""
    response, _ = open_stream(url, http, headers={"Accept": "*/*"})
    try:
        if response.status_code != 200:
            raise FetchError(
                url, f"http-{response.status_code}", f"answered {response.status_code}"
            )
        cap = limit or http.max_bytes
        chunks: list[bytes] = []
        size = 0
        for chunk in response.raw.stream(65536, decode_content=True):
            chunks.append(chunk)
            size += len(chunk)
            if size >= cap:
                break
        return b"".join(chunks)[:cap], response.headers.get("content-type")
    finally:
        response.close()


def _probe_portal(url: str, http: HttpSettings) -> str | None:
    """A portal's home page says nothing: ask the APIs the readers know (``portal_api``)."""
    parts = urlsplit(url)
    root = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
    for path, kind in readers.portal_apis():
        try:
            head, _ = _peek(root + path, http, limit=4096)
        except FetchError:
            continue
        if head.lstrip()[:1] == b"{":
            return kind
    return None


def _detect_remote(url: str, http: HttpSettings) -> str:
    by_url = readers.kind_of_url(url)
    if by_url:
        return by_url
    head, content_type = _peek(url, http)
    try:
        return detect_kind(url, head, content_type)
    except UnknownKind:
        found = _probe_portal(url, http) if looks_like_html(head) or not head else None
        if found:
            return found
        raise


def _harvest_remote(
    url: str,
    kind: str | None,
    http: HttpSettings,
    max_pages: int,
    cid: str,
    shacl: int = 0,
    sink: Sink | None = None,
    processes: int = 1,
) -> Catalogue:
    from observatory.registry import CatalogueEntry

    try:
        kind = kind or _detect_remote(url, http)
    except (FetchError, UnknownKind) as exc:
        catalogue = Catalogue(id=cid, name=url, kind="unknown", url=url)
        code = exc.kind if isinstance(exc, FetchError) else "unknown-kind"
        message = f"{url}: {exc.message}" if isinstance(exc, FetchError) else str(exc)
        catalogue.errors.append(SourceError(cid, url, code, message, _now()))
        return catalogue
    entry = CatalogueEntry(id=cid, name=url, kind=kind, url=url)
    return harvest_catalogue(entry, http, max_pages, shacl=shacl, sink=sink, processes=processes)


def harvest_source(
    source: str,
    kind: str | None,
    http: HttpSettings,
    max_pages: int,
    catalogue_id: str | None = None,
    shacl: int = 0,
    sink: Sink | None = None,
    processes: int = 1,
) -> Catalogue:
    """Harvest a URL or a local file (or a folder of catalogue exports); never raises.

    ``catalogue.failed`` is true when nothing could be read at all (the CLI exits 2). With
    ``shacl`` > 0, DCAT and CSW datasets (the first ``shacl`` of each page) also get their
    DCAT-AP SHACL verdict. With ``sink``, every page goes to it as it is read and the
    catalogue keeps no dataset (``observatory harvest --json`` prints them as they come).
    With ``processes`` > 1, a numbered catalogue's pages are read by that many worker
    processes.
    """
    if kind is not None:
        readers.reader(kind)  # NoReader (a ValueError) names the kinds known
    cid = catalogue_id or _catalogue_id(source)
    if is_url(source):
        return _harvest_remote(source, kind, http, max_pages, cid, shacl, sink, processes)
    return _harvest_local(source, kind, cid, shacl, sink)
