"""One source given by the user (a URL or a local file): its kind, its harvest, JSON lines.

The library side of ``observatory harvest SOURCE [--kind …] [--json]``. ``detect_kind``
tells udata, DCAT, CSW, CKAN and catalogue CSV exports apart from the URL and the first
bytes; ``harvest_source`` reads a URL through the paged harvesters (guarded HTTP, page
cap) or a local file through the same parsers; ``dataset_json_line`` is one output line.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from observatory.harvest import catalog_csv
from observatory.harvest.ckan import parse_ckan_search
from observatory.harvest.csw import parse_csw_page
from observatory.harvest.dcat import parse_dcat
from observatory.harvest.paging import absorb, harvest_catalogue
from observatory.harvest.rdf_parse import looks_like_html, sniff_format
from observatory.harvest.udata import fetch_udata_datasets
from observatory.harvest.udata_model import dataset_from_udata
from observatory.model import Catalogue, Dataset, HarvestPage, SourceError, to_jsonable
from observatory.net.fetch import FetchError, HttpSettings, make_session, open_stream

KINDS = ("udata", "dcat", "csw", "ckan", "catalog-csv")
HEAD_BYTES = 65536
RDF_SUFFIXES = {
    ".rdf": "application/rdf+xml",
    ".xml": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".json": "application/ld+json",
    ".nt": "application/n-triples",
}
_UDATA_ONE = re.compile(r"/api/[12]/datasets/([^/?#]+)/?$")


class UnknownKind(ValueError):
    """The kind of a source cannot be told from its address and first bytes."""


def _now() -> datetime:
    return datetime.now(UTC)


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def _kind_from_url(url: str) -> str | None:
    """Strong hints of the address alone (API paths, CSW parameters)."""
    parts = urlsplit(url)
    path = parts.path.lower()
    query = {k.lower(): v[-1].lower() for k, v in parse_qs(parts.query).items()}
    if "/api/3/action/" in path or path.rstrip("/").endswith("/api/3"):
        return "ckan"
    if query.get("service") == "csw" or query.get("request") in ("getrecords", "getcapabilities"):
        return "csw"
    if path.rstrip("/").endswith("/csw"):
        return "csw"
    if "/site/catalog" in path or path.endswith(tuple(RDF_SUFFIXES) + (".n3",)):
        return None if path.endswith((".json", ".xml")) else "dcat"
    if re.search(r"/api/[12]/(datasets|organizations|dataservices)(/|$)", path):
        return "udata"
    return None


def _kind_from_json(head: str) -> str | None:
    try:
        document = json.loads(head)
    except ValueError:
        document = None
    if isinstance(document, dict):
        if isinstance(document.get("result"), dict) and "results" in document["result"]:
            return "ckan"
        if "@context" in document or "@graph" in document:
            return "dcat"
        if isinstance(document.get("data"), list) and ("next_page" in document):
            return "udata"
        if "resources" in document and ("slug" in document or "last_update" in document):
            return "udata"
    if isinstance(document, list):
        return "dcat"  # an expanded JSON-LD document
    # A truncated head: look for telling keys.
    if '"@context"' in head or '"@graph"' in head:
        return "dcat"
    if '"next_page"' in head and '"data"' in head:
        return "udata"
    if '"results"' in head and '"count"' in head:
        return "ckan"
    return None


def _kind_from_bytes(head: bytes) -> str | None:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not text:
        return None
    if text[0] in "{[":
        return _kind_from_json(text)
    if text.startswith("<"):
        start = text[:4096]
        if re.search(r"<(\w+:)?(GetRecordsResponse|Capabilities)\b", start):
            return "csw" if "opengis.net/cat/csw" in start else None
        if re.search(r"<(\w+:)?ExceptionReport\b", start) and "opengis.net/ows" in start:
            return "csw"
        if looks_like_html(head):
            return None
    if catalog_csv.sniff_header(head):
        return "catalog-csv"
    return "dcat" if sniff_format(head) else None


def detect_kind(source: str, head: bytes | None, content_type: str | None) -> str:
    """The kind of a source from its address, first bytes and Content-Type.

    Raises UnknownKind when nothing tells (an HTML page, an unknown file).
    """
    by_url = _kind_from_url(source) if is_url(source) else None
    if by_url:
        return by_url
    if head:
        found = _kind_from_bytes(head)
        if found:
            return found
    declared = (content_type or "").split(";")[0].strip().lower()
    if declared in ("text/csv", "application/csv") or source.lower().endswith(".csv"):
        return "catalog-csv"
    suffix = Path(urlsplit(source).path).suffix.lower()
    if suffix in RDF_SUFFIXES or declared in ("text/turtle", "application/rdf+xml"):
        return "dcat"
    raise UnknownKind(f"{source}: cannot tell the kind of source; give --kind")


def _catalogue_id(source: str) -> str:
    if is_url(source):
        return urlsplit(source).hostname or "source"
    return Path(source).stem or "source"


def dataset_json_line(dataset: Dataset) -> str:
    """One dataset as one line of JSON, with its ``distributions`` list."""
    return json.dumps(to_jsonable(dataset), ensure_ascii=False)


# --- local files -----------------------------------------------------------------------
def _read_local(path: Path, kind: str, cid: str, shacl: int = 0) -> HarvestPage:
    """A local file read through the same parsers as the network pages."""
    if kind == "catalog-csv":
        return catalog_csv.read_catalog_csv(catalog_csv.find_exports(path), cid)
    content = path.read_bytes()
    base = path.resolve().as_uri()
    if kind == "dcat":
        return parse_dcat(content, RDF_SUFFIXES.get(path.suffix.lower()), base, cid, shacl=shacl)
    if kind == "csw":
        return parse_csw_page(content, base, cid, shacl)
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        return HarvestPage(
            url=base, errors=[SourceError(cid, base, "parse", f"{path}: not JSON: {exc}", _now())]
        )
    if kind == "ckan":
        return parse_ckan_search(document, base, cid)
    return _udata_document(document, base, cid)


def _udata_document(document: Any, base: str, cid: str) -> HarvestPage:
    """A saved udata list page or single dataset payload."""
    items = document.get("data") if isinstance(document, dict) else None
    if not isinstance(items, list):
        items = [document]
    page = HarvestPage(url=base)
    for item in items:
        if not isinstance(item, dict):
            continue
        notes: list[str] = []
        page.datasets.append(dataset_from_udata(item, cid, notes))
        page.errors.extend(SourceError(cid, base, "invalid-value", n, _now()) for n in notes)
    if not page.datasets:
        page.errors.append(SourceError(cid, base, "parse", f"{base}: no udata dataset", _now()))
    return page


def _local_head(path: Path) -> bytes:
    if path.is_dir():
        exports = catalog_csv.find_exports(path)
        return exports["datasets"].read_bytes()[:HEAD_BYTES] if "datasets" in exports else b""
    with path.open("rb") as f:
        return f.read(HEAD_BYTES)


def _harvest_local(source: str, kind: str | None, cid: str, shacl: int = 0) -> Catalogue:
    path = Path(source)
    catalogue = Catalogue(id=cid, name=path.name, kind=kind or "unknown", url=str(path))
    if not path.exists():
        catalogue.errors.append(SourceError(cid, source, "not-found", f"{source}: no such file"))
        return catalogue
    try:
        kind = kind or ("catalog-csv" if path.is_dir() else None)
        kind = kind or detect_kind(source, _local_head(path), None)
        catalogue.kind = kind
        absorb(catalogue, [_read_local(path, kind, cid, shacl)])
    except UnknownKind as exc:
        catalogue.errors.append(SourceError(cid, source, "unknown-kind", str(exc), _now()))
    except OSError as exc:
        catalogue.errors.append(SourceError(cid, source, "read", f"{source}: {exc}", _now()))
    return catalogue


# --- URLs ------------------------------------------------------------------------------
def _peek(url: str, http: HttpSettings) -> tuple[bytes, str | None]:
    """The first bytes and Content-Type of a URL (the body is not read further)."""
    response, _ = open_stream(url, http, headers={"Accept": "*/*"})
    try:
        if response.status_code != 200:
            raise FetchError(
                url, f"http-{response.status_code}", f"answered {response.status_code}"
            )
        head = next(response.raw.stream(HEAD_BYTES, decode_content=True), b"")
        return head[:HEAD_BYTES], response.headers.get("content-type")
    finally:
        response.close()


def _probe_portal(url: str, http: HttpSettings) -> str | None:
    """A portal's home page says nothing: ask the udata and CKAN APIs it would have."""
    parts = urlsplit(url)
    root = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
    for path, kind in (("/api/1/site/", "udata"), ("/api/3/action/status_show", "ckan")):
        try:
            head, _ = _peek(root + path, http)
        except FetchError:
            continue
        if head.lstrip()[:1] == b"{":
            return kind
    return None


def _detect_remote(url: str, http: HttpSettings) -> str:
    by_url = _kind_from_url(url)
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
    url: str, kind: str | None, http: HttpSettings, max_pages: int, cid: str, shacl: int = 0
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
    one = _UDATA_ONE.search(urlsplit(url).path) if kind == "udata" else None
    if one and one.group(1) not in ("search",):
        catalogue = Catalogue(id=cid, name=url, kind=kind, url=url)
        portal = url[: url.index("/api/")]
        with make_session(http) as session:
            absorb(catalogue, [fetch_udata_datasets(portal, [one.group(1)], cid, http, session)])
        return catalogue
    entry = CatalogueEntry(id=cid, name=url, kind=kind, url=url)  # type: ignore[arg-type]
    return harvest_catalogue(entry, http, max_pages, shacl=shacl)


def harvest_source(
    source: str,
    kind: str | None,
    http: HttpSettings,
    max_pages: int,
    catalogue_id: str | None = None,
    shacl: int = 0,
) -> Catalogue:
    """Harvest a URL or a local file (or a folder of catalogue exports); never raises.

    ``catalogue.failed`` is true when nothing could be read at all (the CLI exits 2). With
    ``shacl`` > 0, DCAT and CSW datasets (the first ``shacl`` of each page) also get their
    DCAT-AP SHACL verdict.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    cid = catalogue_id or _catalogue_id(source)
    if is_url(source):
        return _harvest_remote(source, kind, http, max_pages, cid, shacl)
    return _harvest_local(source, kind, cid, shacl)
