"""Harvest a udata portal's API: dataset list pages, datasets by id, dataservices.

Every function reads through the guarded ``net.fetch`` and never raises for a source
problem: HTTP errors, timeouts, oversized or non-JSON bodies become ``SourceError``
records on the returned page (or list). Normalisation lives in ``udata_model``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

import requests

from observatory.harvest.readers import Document, Reader
from observatory.harvest.udata_model import (
    dataset_from_udata,
    organisation_from_udata,
    service_from_udata,
)
from observatory.harvest.udata_v2 import LIST_MASK, expand_resources
from observatory.model import HarvestPage, Organisation, Service, SourceError
from observatory.net.fetch import FetchError, HttpSettings, fetch

JSON_HEADERS = {"Accept": "application/json"}


def _now() -> datetime:
    return datetime.now(UTC)


def _api(portal_url: str, path: str) -> str:
    return portal_url.rstrip("/") + "/api/1/" + path.lstrip("/")


def udata_datasets_url(
    portal_url: str,
    *,
    badge: str | None = None,
    organization: str | None = None,
    tag: str | None = None,
    page_size: int = 100,
) -> str:
    """The first page of ``/api/1/datasets/`` with the given filters."""
    params = {"badge": badge, "organization": organization, "tag": tag, "page_size": page_size}
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return _api(portal_url, "datasets/") + "?" + query


def get_json(
    url: str,
    source: str,
    http: HttpSettings,
    session: requests.Session | None,
    headers: dict[str, str] | None = None,
) -> tuple[Any, SourceError | None]:
    """GET a JSON document; return (payload, None) or (None, the error)."""
    try:
        response = fetch(url, http, session, headers=JSON_HEADERS | (headers or {}))
    except FetchError as exc:
        return None, SourceError(source, url, exc.kind, f"{url}: {exc.message}", _now())
    try:
        return json.loads(response.content), None
    except (ValueError, UnicodeDecodeError) as exc:
        kind = response.content_type or "no content type"
        message = f"{url}: not JSON ({kind}): {exc}"
        return None, SourceError(source, url, "parse", message, _now())


def _normalise_all(
    items: list[Any], catalogue_id: str, url: str, page: HarvestPage, make: Callable[..., Any]
) -> list[Any]:
    """Normalise each item; a broken item is an error on the page, the others stay."""
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            message = f"{url}: item {index} is not an object"
            page.errors.append(SourceError(catalogue_id, url, "parse", message, _now()))
            continue
        notes: list[str] = []
        try:
            out.append(make(item, catalogue_id, notes))
        except Exception as exc:  # one odd record must not lose the page
            message = f"{url}: item {index} could not be read: {type(exc).__name__}: {exc}"
            page.errors.append(SourceError(catalogue_id, url, "parse", message, _now()))
        page.errors.extend(
            SourceError(catalogue_id, url, "invalid-value", note, _now()) for note in notes
        )
    return out


def _organisations(payloads: list[Any], cid: str) -> list[Organisation]:
    found: dict[str, Organisation] = {}
    for payload in payloads:
        if isinstance(payload, dict):
            org = organisation_from_udata(payload.get("organization"), cid)
            if org:
                found.setdefault(org.key, org)
    return list(found.values())


def _expand_all(
    items: list[Any],
    catalogue_id: str,
    http: HttpSettings,
    session: requests.Session | None,
    page: HarvestPage,
) -> None:
    """API v2 payloads: fetch the resources they only link to."""
    for item in items:
        if isinstance(item, dict):
            page.errors.extend(expand_resources(item, catalogue_id, http, session))


def fetch_udata_page(
    url: str,
    catalogue_id: str,
    http: HttpSettings,
    session: requests.Session | None = None,
    x_fields: str | None = LIST_MASK,
) -> HarvestPage:
    """One ``/api/1/datasets/``-style list page; errors go to ``page.errors``.

    ``x_fields`` is sent as the ``X-Fields`` mask (None sends none): only the fields
    the normaliser reads are serialised by the portal.
    """
    page = HarvestPage(url=url)
    headers = {"X-Fields": x_fields} if x_fields else None
    payload, error = get_json(url, catalogue_id, http, session, headers)
    if error:
        page.errors.append(error)
        return page
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        message = f"{url}: not a udata list page (no 'data' list)"
        page.errors.append(SourceError(catalogue_id, url, "parse", message, _now()))
        return page
    items = payload["data"]
    _expand_all(items, catalogue_id, http, session, page)
    page.datasets = _normalise_all(items, catalogue_id, url, page, dataset_from_udata)
    page.organisations = _organisations(items, catalogue_id)
    next_page = payload.get("next_page")
    page.next_url = urljoin(url, next_page) if isinstance(next_page, str) and next_page else None
    total = payload.get("total")
    page.total = total if isinstance(total, int) else None
    return page


def fetch_udata_datasets(
    portal_url: str,
    ids: list[str],
    catalogue_id: str,
    http: HttpSettings,
    session: requests.Session | None = None,
    spdr_keys: dict[str, str] | None = None,
) -> HarvestPage:
    """Datasets by id or slug (``/api/1/datasets/<id>/``); a missing one is a named error.

    ``spdr_keys`` maps a requested id (or slug) to its SPDR registry key, set on the dataset.
    """
    spdr_keys = spdr_keys or {}
    page = HarvestPage(url=_api(portal_url, "datasets/"))
    payloads: list[Any] = []
    for ident in ids:
        url = _api(portal_url, f"datasets/{quote(ident, safe='')}/")
        payload, error = get_json(url, catalogue_id, http, session)
        if error:
            error.message = f"dataset {ident}: {error.message}"
            page.errors.append(error)
            continue
        _expand_all([payload], catalogue_id, http, session, page)
        found = _normalise_all([payload], catalogue_id, url, page, dataset_from_udata)
        for dataset in found:
            dataset.spdr = (
                spdr_keys.get(ident)
                or spdr_keys.get(dataset.source_id)
                or (spdr_keys.get(dataset.slug) if dataset.slug else None)
            )
            page.datasets.append(dataset)
            payloads.append(payload)
    page.organisations = _organisations(payloads, catalogue_id)
    page.total = len(page.datasets)
    return page


def _merge_service(found: dict[str, Service], service: Service) -> None:
    known = found.get(service.key)
    if known is None:
        found[service.key] = service
        return
    for key in service.dataset_keys:
        if key not in known.dataset_keys:
            known.dataset_keys.append(key)


def fetch_udata_dataservices(
    portal_url: str,
    catalogue_id: str,
    http: HttpSettings,
    session: requests.Session | None = None,
    max_pages: int = 100,
    dataset_ids: list[str] | None = None,
    page_size: int = 100,
) -> tuple[list[Service], list[SourceError]]:
    """The portal's APIs (``/api/1/dataservices/``), all of them or those serving datasets.

    With ``dataset_ids``, asks ``?dataset=<id>`` for each and keeps a service only when it
    lists that dataset (or gives no list, trusting the server's filter); the dataset's key
    is added to the service's ``dataset_keys``. Returns (services, errors), never raises.
    """
    from observatory.harvest.paging import walk_pages

    found: dict[str, Service] = {}
    errors: list[SourceError] = []
    queries: list[tuple[str | None, str]] = []
    base = _api(portal_url, "dataservices/")
    if dataset_ids is None:
        queries.append((None, f"{base}?{urlencode({'page_size': page_size})}"))
    else:
        for ident in dataset_ids:
            query = urlencode({"dataset": ident, "page_size": page_size})
            queries.append((ident, f"{base}?{query}"))
    for wanted, first in queries:

        def read(url: str, wanted: str | None = wanted) -> HarvestPage:
            return _dataservice_page(url, catalogue_id, http, session, wanted)

        for page in walk_pages(first, read, max_pages, catalogue_id):
            errors.extend(page.errors)
            for service in page.services:
                _merge_service(found, service)
    return list(found.values()), errors


def _ids(listed: list[Any]) -> set[str]:
    return {str(d.get("id")) if isinstance(d, dict) else str(d) for d in listed}


def _dataservice_page(
    url: str,
    catalogue_id: str,
    http: HttpSettings,
    session: requests.Session | None,
    wanted: str | None,
) -> HarvestPage:
    """One dataservices list page; with ``wanted``, only services of that dataset."""
    page = HarvestPage(url=url)
    payload, error = get_json(url, catalogue_id, http, session)
    if error:
        page.errors.append(error)
        return page
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        message = f"{url}: not a udata list page (no 'data' list)"
        page.errors.append(SourceError(catalogue_id, url, "parse", message, _now()))
        return page

    def make(item: dict[str, Any], cid: str, _notes: list[str]) -> Service | None:
        listed = item.get("datasets")
        if wanted and isinstance(listed, list) and wanted not in _ids(listed):
            return None  # the server ignored the filter: not a service of that dataset
        service = service_from_udata(item, cid)
        if wanted and f"{cid}:{wanted}" not in service.dataset_keys:
            service.dataset_keys.append(f"{cid}:{wanted}")
        return service

    services = _normalise_all(payload["data"], catalogue_id, url, page, make)
    page.services = [s for s in services if s is not None]
    next_page = payload.get("next_page")
    page.next_url = urljoin(url, next_page) if isinstance(next_page, str) and next_page else None
    return page


# --- the reader of the registry (observatory.harvest.readers) ---------------------------
def _detect(document: Document) -> bool:
    value = document.json
    if not isinstance(value, dict):
        return False
    if isinstance(value.get("data"), list) and ("next_page" in value or "page" in value):
        return True  # a list page
    return "resources" in value and ("slug" in value or "last_update" in value)  # one dataset


_API_PATH = re.compile(r"/api/[12]/(datasets|organizations|dataservices)(/|$)")
_ONE_DATASET = re.compile(r"/api/[12]/datasets/([^/?#]+)/?$")


def _claims_url(url: str) -> bool:
    """A udata API address (not an RDF rendering of it, whose structure tells)."""
    from observatory.harvest.dcat import RDF_SUFFIXES

    path = urlsplit(url).path.lower()
    return bool(_API_PATH.search(path)) and not path.endswith((*RDF_SUFFIXES, ".n3"))


def first_udata_url(url: str) -> str:
    """The first dataset list page of a portal (or the list URL itself)."""
    return url if "/api/1/datasets" in url else udata_datasets_url(url)


def _one_dataset(url: str) -> str | None:
    """The id of a single dataset's API address (``/api/1/datasets/<id>/``), else None."""
    found = _ONE_DATASET.search(urlsplit(url).path)
    return found.group(1) if found and found.group(1) != "search" else None


def _read_page(
    url: str,
    catalogue_id: str,
    http: HttpSettings,
    *,
    session: requests.Session | None = None,
    shacl: int = 0,
) -> HarvestPage:
    """A dataset list page, or a single dataset's record (a one-page catalogue)."""
    one = _one_dataset(url)
    if one is not None:
        portal = url[: url.index("/api/")]
        return fetch_udata_datasets(portal, [one], catalogue_id, http, session)
    return fetch_udata_page(url, catalogue_id, http, session)


def udata_document(document: Any, base: str, catalogue_id: str) -> HarvestPage:
    """A saved udata list page or single dataset payload."""
    items = document.get("data") if isinstance(document, dict) else None
    if not isinstance(items, list):
        items = [document]
    page = HarvestPage(url=base)
    for item in items:
        if not isinstance(item, dict):
            continue
        notes: list[str] = []
        page.datasets.append(dataset_from_udata(item, catalogue_id, notes))
        page.errors.extend(
            SourceError(catalogue_id, base, "invalid-value", n, _now()) for n in notes
        )
    if not page.datasets:
        message = f"{base}: no udata dataset"
        page.errors.append(SourceError(catalogue_id, base, "parse", message, _now()))
    return page


def _read_file(path: Path, catalogue_id: str, shacl: int) -> HarvestPage:
    base = path.resolve().as_uri()
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        error = SourceError(catalogue_id, base, "parse", f"{path}: not JSON: {exc}", _now())
        return HarvestPage(url=base, errors=[error])
    return udata_document(document, base, catalogue_id)


def _dataservices(
    catalogue_url: str,
    catalogue_id: str,
    http: HttpSettings,
    session: requests.Session,
    max_pages: int,
) -> HarvestPage | None:
    """A portal's APIs, read once after its dataset pages (not for a bare list URL)."""
    if "/api/" in catalogue_url:
        return None
    services, errors = fetch_udata_dataservices(
        catalogue_url, catalogue_id, http, session, max_pages=max_pages
    )
    return HarvestPage(url=catalogue_url, services=services, errors=errors)


READER = Reader(
    "udata",
    first_udata_url,
    _read_page,
    _read_file,
    _detect,
    after_pages=_dataservices,
    claims_url=_claims_url,
    portal_api="/api/1/site/",
)
