"""udata API payloads (data.gouv.fr, ecologie.data.gouv.fr) to the normalised model.

Pure functions, no HTTP: a dataset payload of ``/api/1/datasets/`` becomes a ``Dataset``
with its resources as ``Distribution`` records (``check:*`` and ``analysis:*`` extras
kept), a dataservice payload becomes a ``Service``. Every field may be missing or None;
an unreadable date is dropped and described in ``notes`` when the caller passes a list.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from observatory.harvest.dates import parse_date, parse_datetime
from observatory.model import Dataset, Distribution, Organisation, SchemaRef, Service, shared

DATASET_EXTRA_KEYS = ("acronym", "archived", "private", "featured", "harvest", "page", "uri")
RESOURCE_EXTRA_KEYS = ("filetype", "latest", "preview_url", "harvest", "created_at")
SERVICE_EXTRA_KEYS = (
    "slug",
    "acronym",
    "access_type",
    "rate_limiting",
    "technical_documentation_url",
    "business_documentation_url",
    "authorization_request_url",
    "format",
    "is_restricted",
    "created_at",
    "metadata_modified_at",
    "archived_at",
    "deleted_at",
    "self_web_url",
)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _when(value: Any, what: str, notes: list[str] | None) -> datetime | None:
    parsed, problem = parse_datetime(value)
    if problem and notes is not None:
        notes.append(f"{what}: {problem}")
    return parsed


def _day(value: Any, what: str, notes: list[str] | None) -> date | None:
    parsed, problem = parse_date(value)
    if problem and notes is not None:
        notes.append(f"{what}: {problem}")
    return parsed


def organisation_from_udata(org: Any, catalogue_id: str) -> Organisation | None:
    """The organisation object embedded in a dataset or dataservice payload."""
    org = _dict(org)
    org_id = _str(org.get("id"))
    if not org_id:
        return None
    return Organisation(
        key=f"{catalogue_id}:{org_id}",
        name=shared(_str(org.get("name")) or org_id),
        source_id=org_id,
        slug=_str(org.get("slug")),
        url=_str(org.get("page")) or _str(org.get("uri")),
    )


def spatial_text(spatial: Any) -> str | None:
    """Zones, granularity and geometry presence as one line of text, None when empty."""
    spatial = _dict(spatial)
    parts: list[str] = []
    for zone in _list(spatial.get("zones")):
        label = _str(zone.get("id") or zone.get("name")) if isinstance(zone, dict) else _str(zone)
        if label:
            parts.append(label)
    granularity = _str(spatial.get("granularity"))
    if granularity:
        parts.append(f"granularity: {granularity}")
    if spatial.get("geom"):
        parts.append("geometry")
    return ", ".join(parts) or None


def _schema(value: Any) -> SchemaRef | None:
    value = _dict(value)
    ref = SchemaRef(
        name=_str(value.get("name")), version=_str(value.get("version")), url=_str(value.get("url"))
    )
    return ref if (ref.name or ref.version or ref.url) else None


def _checksum(value: Any) -> str | None:
    value = _dict(value)
    digest = _str(value.get("value"))
    if not digest:
        return None
    kind = _str(value.get("type"))
    return f"{kind}:{digest}" if kind else digest


def _size(value: Any) -> int | None:
    try:
        return int(value) if value is not None and int(value) >= 0 else None
    except (TypeError, ValueError):
        return None


def distribution_from_udata(
    res: dict[str, Any], dataset_key: str, notes: list[str] | None = None
) -> Distribution:
    """One udata resource; ``extras`` keeps the platform's check:* and analysis:* keys."""
    rid = _str(res.get("id")) or _str(res.get("url")) or "unknown"
    where = f"resource {rid}"
    extras = dict(_dict(res.get("extras")))
    for name in RESOURCE_EXTRA_KEYS:
        if res.get(name) is not None:
            extras.setdefault(name, res[name])
    fmt = _str(res.get("format"))
    return Distribution(
        key=f"{dataset_key}:{rid}",
        url=_str(res.get("url")) or "",
        source_id=rid,
        title=_str(res.get("title")),
        description=_str(res.get("description")),
        format=shared(fmt.lower().lstrip(".")) if fmt else None,
        media_type=shared(_str(res.get("mime"))),
        type=shared(_str(res.get("type")) or "main"),
        byte_size=_size(res.get("filesize")),
        checksum=_checksum(res.get("checksum")),
        issued=_when(res.get("created_at"), f"{where} created_at", notes),
        modified=_when(res.get("last_modified"), f"{where} last_modified", notes),
        schema=_schema(res.get("schema")),
        extras=extras,
    )


def _contact(payload: dict[str, Any]) -> str | None:
    for cp in _list(payload.get("contact_points")):
        cp = _dict(cp)
        name, email = _str(cp.get("name")), _str(cp.get("email"))
        parts = [p for p in (name, f"<{email}>" if email else _str(cp.get("contact_form"))) if p]
        if parts:
            return " ".join(parts)
    return None


def _metrics(value: Any) -> dict[str, Any]:
    return {k: v for k, v in _dict(value).items() if isinstance(v, int | float)}


def dataset_from_udata(
    payload: dict[str, Any], catalogue_id: str, notes: list[str] | None = None
) -> Dataset:
    """Normalise one udata dataset payload (API v1); never raises on missing fields."""
    source_id = _str(payload.get("id")) or _str(payload.get("slug")) or "unknown"
    key = f"{catalogue_id}:{source_id}"
    where = f"dataset {source_id}"
    org = organisation_from_udata(payload.get("organization"), catalogue_id)
    owner = _dict(payload.get("owner"))
    owner_name = " ".join(
        p for p in (_str(owner.get("first_name")), _str(owner.get("last_name"))) if p
    )
    temporal = _dict(payload.get("temporal_coverage"))
    extras = dict(_dict(payload.get("extras")))
    for name in DATASET_EXTRA_KEYS:
        if payload.get(name) is not None:
            extras.setdefault(name, payload[name])
    if payload.get("spatial"):
        extras.setdefault("spatial", payload["spatial"])
    resources = [r for r in _list(payload.get("resources")) if isinstance(r, dict)]
    return Dataset(
        key=key,
        catalogue_id=catalogue_id,
        source_id=source_id,
        title=_str(payload.get("title")) or "",
        uri=_str(payload.get("uri")),
        slug=_str(payload.get("slug")),
        description=_str(payload.get("description")),
        landing_page=_str(payload.get("page")),
        organization_key=org.key if org else None,
        organization_name=org.name if org else (owner_name or None),
        license=shared(_str(payload.get("license"))),
        frequency=shared(_str(payload.get("frequency"))),
        issued=_when(payload.get("created_at"), f"{where} created_at", notes),
        modified=_when(payload.get("last_update"), f"{where} last_update", notes),
        metadata_modified=_when(payload.get("last_modified"), f"{where} last_modified", notes),
        temporal_start=_day(temporal.get("start"), f"{where} temporal_coverage.start", notes),
        temporal_end=_day(temporal.get("end"), f"{where} temporal_coverage.end", notes),
        spatial=spatial_text(payload.get("spatial")),
        keywords=[shared(t) for t in (_str(t) for t in _list(payload.get("tags"))) if t],
        badges=[b for b in (_str(_dict(x).get("kind")) for x in _list(payload.get("badges"))) if b],
        contact_point=_contact(payload),
        publisher=org.name if org else (owner_name or None),
        distributions=[distribution_from_udata(r, key, notes) for r in resources],
        quality=payload["quality"] if isinstance(payload.get("quality"), dict) else None,
        metrics=_metrics(payload.get("metrics")),
        extras=extras,
        deleted=bool(payload.get("deleted")),
    )


def _served_ids(value: Any) -> list[str] | None:
    """Dataset ids of a dataservice, or None when the API gives only a link to them."""
    if not isinstance(value, list):
        return None
    ids = [_str(d.get("id")) if isinstance(d, dict) else _str(d) for d in value]
    return [i for i in ids if i]


def service_from_udata(payload: dict[str, Any], catalogue_id: str) -> Service:
    """Normalise one udata dataservice payload (``/api/1/dataservices/``)."""
    source_id = _str(payload.get("id")) or _str(payload.get("slug")) or "unknown"
    org = organisation_from_udata(payload.get("organization"), catalogue_id)
    try:
        availability = float(payload["availability"])
    except (KeyError, TypeError, ValueError):
        availability = None
    extras = {k: payload[k] for k in SERVICE_EXTRA_KEYS if payload.get(k) is not None}
    served = _served_ids(payload.get("datasets"))
    return Service(
        key=f"{catalogue_id}:{source_id}",
        catalogue_id=catalogue_id,
        source_id=source_id,
        title=_str(payload.get("title")) or "",
        endpoint_url=_str(payload.get("base_api_url")),
        description=_str(payload.get("description")),
        endpoint_description=_str(payload.get("machine_documentation_url"))
        or _str(payload.get("endpoint_description_url"))
        or _str(payload.get("technical_documentation_url")),
        dataset_keys=[f"{catalogue_id}:{i}" for i in served or []],
        organization_key=org.key if org else None,
        declared_availability=availability,
        license=_str(payload.get("license")),
        extras=extras,
    )
