"""CKAN portals (``/api/3/action/package_search``) to the normalised model.

Pages are asked with ``rows`` and ``start``; the next page starts ``rows`` further and
none is asked past ``count`` (or after an empty page). A package becomes a ``Dataset``:
groups are its themes, ``extras`` (a key/value list) are kept and the usual DCAT ones
(frequency, spatial, temporal coverage, issued/modified…) read, top-level fields from
ckanext-scheming first. Every reader records problems on the page and never raises.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import requests

from observatory.harvest.dates import parse_date, parse_datetime
from observatory.harvest.readers import Document, Reader
from observatory.harvest.udata import get_json
from observatory.model import Dataset, Distribution, HarvestPage, Organisation, SourceError
from observatory.net.fetch import HttpSettings

SEARCH_PATH = "/api/3/action/package_search"
FREQUENCY_KEYS = ("frequency", "accrual_periodicity", "update_frequency", "accrualPeriodicity")
SPATIAL_KEYS = ("spatial", "spatial_text", "spatial_uri", "geographic_coverage")
START_KEYS = ("temporal_start", "temporal_coverage_from", "temporal_coverage_start")
END_KEYS = ("temporal_end", "temporal_coverage_to", "temporal_coverage_end")
ISSUED_KEYS = ("issued", "dcat_issued")
MODIFIED_KEYS = ("modified", "dcat_modified", "last_update")


def _now() -> datetime:
    return datetime.now(UTC)


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def portal_root(url: str) -> str:
    """The portal's base URL from any of its API or site URLs."""
    parts = urlsplit(url)
    path = parts.path.split("/api/3")[0].rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def ckan_search_url(portal_url: str, start: int = 0, rows: int = 100, **filters: str) -> str:
    """A ``package_search`` page URL (``fq`` filters, e.g. organization:xyz, kept as given)."""
    query = urlencode({"rows": rows, "start": start, **filters})
    return f"{portal_root(portal_url)}{SEARCH_PATH}?{query}"


def _next_url(url: str, count: int | None, returned: int) -> str | None:
    """The following page, or None past ``count`` or after an empty page.

    The next start is this start plus what was returned (a server may cap ``rows``).
    """
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    try:
        start = int(query.get("start", 0))
        rows = int(query.get("rows", 10))  # CKAN's default page size
    except ValueError:
        return None
    following = start + returned
    if returned == 0 or (count is not None and following >= count):
        return None
    query["start"] = str(following)
    query.setdefault("rows", str(rows))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _extras(package: dict[str, Any]) -> dict[str, Any]:
    """CKAN extras as a dict: the key/value list, values JSON-decoded when they are JSON."""
    out: dict[str, Any] = {}
    raw = package.get("extras")
    items = raw.items() if isinstance(raw, dict) else []
    if isinstance(raw, list):
        items = [(e.get("key"), e.get("value")) for e in raw if isinstance(e, dict)]
    for key, value in items:
        if not key:
            continue
        if isinstance(value, str) and value.strip()[:1] in ("{", "["):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        out[str(key)] = value
    return out


def _first(package: dict[str, Any], extras: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        for source in (package, extras):
            value = source.get(key)
            if value not in (None, "", [], {}):
                return value
    return None


def _names(items: Any, *fields: str) -> list[str]:
    out: list[str] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            label = next((_str(item.get(f)) for f in fields if _str(item.get(f))), None)
        else:
            label = _str(item)
        if label and label not in out:
            out.append(label)
    return out


def _when(value: Any, what: str, notes: list[str]) -> datetime | None:
    parsed, problem = parse_datetime(value)
    if problem:
        notes.append(f"{what}: {problem}")
    return parsed


def _spatial(value: Any) -> str | None:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _str(value)


def _size(value: Any) -> int | None:
    try:
        size = int(float(str(value)))
    except (TypeError, ValueError):
        return None
    return size if size >= 0 else None


def distribution_from_ckan(res: dict[str, Any], dataset_key: str, notes: list[str]) -> Distribution:
    """One CKAN resource."""
    rid = _str(res.get("id")) or _str(res.get("url")) or "unknown"
    fmt = _str(res.get("format"))
    known = {"id", "url", "name", "description", "format", "mimetype", "size", "last_modified"}
    extras = {k: v for k, v in res.items() if k not in known and v not in (None, "", [], {})}
    return Distribution(
        key=f"{dataset_key}:{rid}",
        url=_str(res.get("url")) or "",
        source_id=rid,
        title=_str(res.get("name")),
        description=_str(res.get("description")),
        format=fmt.lower().lstrip(".") if fmt else None,
        media_type=_str(res.get("mimetype")) or _str(res.get("mimetype_inner")),
        type="documentation" if res.get("resource_type") == "documentation" else "main",
        download_url=_str(res.get("download_url")),
        byte_size=_size(res.get("size")),
        checksum=_str(res.get("hash")),
        issued=_when(res.get("created"), f"resource {rid} created", notes),
        modified=_when(res.get("last_modified"), f"resource {rid} last_modified", notes),
        license=_str(res.get("license")),
        extras=extras,
    )


def _day(value: Any, what: str, notes: list[str]) -> Any:
    parsed, problem = parse_date(value)
    if problem:
        notes.append(f"{what}: {problem}")
    return parsed


def dataset_from_ckan(
    package: dict[str, Any], catalogue_id: str, portal_url: str, notes: list[str]
) -> Dataset:
    """Normalise one CKAN package; never raises on missing fields."""
    source_id = _str(package.get("id")) or _str(package.get("name")) or "unknown"
    key = f"{catalogue_id}:{source_id}"
    where = f"package {source_id}"
    extras = _extras(package)
    raw_org = package.get("organization")
    org: dict[str, Any] = raw_org if isinstance(raw_org, dict) else {}
    org_id = _str(org.get("id")) or _str(org.get("name"))
    org_name = _str(org.get("title")) or _str(org.get("name"))
    name = _str(package.get("name"))
    contact_name = _str(package.get("maintainer")) or _str(package.get("author"))
    contact_mail = _str(package.get("maintainer_email")) or _str(package.get("author_email"))
    contact = " ".join(p for p in (contact_name, f"<{contact_mail}>" if contact_mail else "") if p)
    modified = _first(package, extras, MODIFIED_KEYS)
    resources = [r for r in package.get("resources") or [] if isinstance(r, dict)]
    return Dataset(
        key=key,
        catalogue_id=catalogue_id,
        source_id=source_id,
        title=_str(package.get("title")) or name or "",
        uri=_str(extras.get("uri")) or _str(package.get("uri")),
        slug=name,
        description=_str(package.get("notes")),
        landing_page=f"{portal_root(portal_url)}/dataset/{name}" if name else None,
        organization_key=f"{catalogue_id}:{org_id}" if org_id else None,
        organization_name=org_name,
        license=_str(package.get("license_id")) or _str(package.get("license_url")),
        frequency=_str(_first(package, extras, FREQUENCY_KEYS)),
        issued=_when(
            _first(package, extras, ISSUED_KEYS) or package.get("metadata_created"),
            f"{where} issued",
            notes,
        ),
        modified=_when(modified, f"{where} modified", notes) if modified else None,
        metadata_modified=_when(
            package.get("metadata_modified"), f"{where} metadata_modified", notes
        ),
        temporal_start=_day(_first(package, extras, START_KEYS), f"{where} temporal start", notes),
        temporal_end=_day(_first(package, extras, END_KEYS), f"{where} temporal end", notes),
        spatial=_spatial(_first(package, extras, SPATIAL_KEYS)),
        keywords=_names(package.get("tags"), "display_name", "name"),
        themes=_names(package.get("groups"), "title", "display_name", "name"),
        access_rights=_str(_first(package, extras, ("access_rights",))),
        contact_point=contact or None,
        publisher=org_name or _str(package.get("author")),
        conforms_to=_names(_first(package, extras, ("conforms_to",)) or []),
        distributions=[distribution_from_ckan(r, key, notes) for r in resources],
        metrics={
            k: package[k] for k in ("num_resources", "num_tags") if isinstance(package.get(k), int)
        },
        extras={
            **extras,
            **{k: package[k] for k in ("state", "private", "type") if k in package},
        },
        deleted=package.get("state") == "deleted",
    )


def _organisation(package: dict[str, Any], cid: str, root: str) -> Organisation | None:
    org = package.get("organization")
    if not isinstance(org, dict):
        return None
    org_id = _str(org.get("id")) or _str(org.get("name"))
    if not org_id:
        return None
    slug = _str(org.get("name"))
    return Organisation(
        key=f"{cid}:{org_id}",
        name=_str(org.get("title")) or slug or org_id,
        source_id=org_id,
        slug=slug,
        url=f"{root}/organization/{slug}" if slug else None,
    )


def parse_ckan_search(payload: Any, url: str, catalogue_id: str) -> HarvestPage:
    """One decoded ``package_search`` answer to a page (pure, no HTTP)."""
    page = HarvestPage(url=url)
    result = payload.get("result") if isinstance(payload, dict) else None
    if not isinstance(result, dict) or not isinstance(result.get("results"), list):
        message = f"{url}: not a CKAN package_search answer (no result.results list)"
        page.errors.append(SourceError(catalogue_id, url, "parse", message, _now()))
        return page
    root = portal_root(url)
    orgs: dict[str, Organisation] = {}
    for index, package in enumerate(result["results"]):
        if not isinstance(package, dict):
            message = f"{url}: package {index} is not an object"
            page.errors.append(SourceError(catalogue_id, url, "parse", message, _now()))
            continue
        notes: list[str] = []
        try:
            page.datasets.append(dataset_from_ckan(package, catalogue_id, url, notes))
        except Exception as exc:  # one odd record must not lose the page
            message = f"{url}: package {index} could not be read: {type(exc).__name__}: {exc}"
            page.errors.append(SourceError(catalogue_id, url, "parse", message, _now()))
        page.errors.extend(
            SourceError(catalogue_id, url, "invalid-value", n, _now()) for n in notes
        )
        org = _organisation(package, catalogue_id, root)
        if org:
            orgs.setdefault(org.key, org)
    page.organisations = list(orgs.values())
    count = result.get("count")
    page.total = count if isinstance(count, int) else None
    page.next_url = _next_url(url, page.total, len(result["results"]))
    return page


def fetch_ckan_page(
    url: str, catalogue_id: str, http: HttpSettings, session: requests.Session | None = None
) -> HarvestPage:
    """GET one ``package_search`` page under the guard and caps; never raises."""
    payload, error = get_json(url, catalogue_id, http, session)
    if error:
        return HarvestPage(url=url, errors=[error])
    return parse_ckan_search(payload, url, catalogue_id)


def first_ckan_url(url: str, rows: int = 100) -> str:
    """The first search page for a portal URL, or the URL itself when it is a search."""
    if SEARCH_PATH in url:
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        query.setdefault("rows", str(rows))
        query.setdefault("start", "0")
        return urlunsplit(parts._replace(query=urlencode(query)))
    return ckan_search_url(url, rows=rows)


# --- the reader of the registry (observatory.harvest.readers) ---------------------------
def _detect(document: Document) -> bool:
    value = document.json
    return (
        isinstance(value, dict)
        and isinstance(value.get("result"), dict)
        and "results" in value["result"]
    )


def _read_page(
    url: str,
    catalogue_id: str,
    http: HttpSettings,
    *,
    session: requests.Session | None = None,
    shacl: int = 0,
) -> HarvestPage:
    return fetch_ckan_page(url, catalogue_id, http, session)


def _read_file(path: Path, catalogue_id: str, shacl: int) -> HarvestPage:
    base = path.resolve().as_uri()
    try:
        payload = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        error = SourceError(catalogue_id, base, "parse", f"{path}: not JSON: {exc}", _now())
        return HarvestPage(url=base, errors=[error])
    return parse_ckan_search(payload, base, catalogue_id)


def _claims_url(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return "/api/3/action/" in path or path.rstrip("/").endswith("/api/3")


READER = Reader(
    "ckan",
    first_ckan_url,
    _read_page,
    _read_file,
    _detect,
    claims_url=_claims_url,
    portal_api="/api/3/action/status_show",
)
