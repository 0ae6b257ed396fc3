"""The udata API of the sandbox portal: payloads shaped like data.gouv.fr's, and its routes.

``/api/1/datasets/`` (page, page_size, badge, organization, tag), ``/api/1/datasets/<id|slug>/``,
``/api/1/organizations/<id|slug>/`` and its ``datasets/``, ``/api/1/dataservices/``, API v2
``/api/2/datasets/<id>/`` and ``/api/2/datasets/<id>/resources/``. Unknown ids answer 404 JSON.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from observatory.sandbox.common import Response, json_response, not_found, object_id, stable_uuid
from observatory.sandbox.faults import FIREWALL_PAGE
from observatory.sandbox.files import FILES, file_bytes, sha1
from observatory.sandbox.schemas import schema_ref
from observatory.sandbox.state import SandboxState
from observatory.sandbox.udata_data import DATASERVICES, DATASETS, ORGS, RPG_LONG, Ds, Org, Res

Query = dict[str, str]
FREQUENCY_DAYS = {
    "hourly": 1 / 24,
    "daily": 1,
    "weekly": 7,
    "biweekly": 14,
    "monthly": 31,
    "bimonthly": 62,
    "quarterly": 93,
    "threeTimesAYear": 365,
    "semiannual": 365,
    "annual": 365,
    "biennial": 730,
}
CLOSED_FORMATS = {"pdf", "doc", "docx", "xls", "xlsx"}


def evolve(ds: Ds, generation: int) -> Ds:
    """The dataset as published at ``generation`` (≥ 1): the RPG gains licence and
    description; the COG is republished yesterday with more rows (Annecy's communes
    déléguées). The BAN file that starts answering 404 is handled by the file server."""
    if generation < 1:
        return ds
    if ds.key == "rpg":
        return dataclasses.replace(ds, license="lov2", description=RPG_LONG)
    if ds.key == "cog":
        first = dataclasses.replace(ds.resources[0], days_ago=1)
        return dataclasses.replace(ds, updated=1, resources=(first, *ds.resources[1:]))
    return ds


def file_ages(generation: int) -> dict[str, int]:
    """Days since each served file last changed, for its Last-Modified header."""
    return {r.path: r.days_ago for d in DATASETS for r in evolve(d, generation).resources}


# Datasets their producer withdraws: key -> first generation the portal no longer lists it.
WITHDRAWN_FROM = {"rapport": 2}


def datasets(state: SandboxState) -> list[Ds]:
    """The portal's datasets at the state's generation (withdrawn ones left out)."""
    return [
        evolve(ds, state.generation)
        for ds in DATASETS
        if state.generation < WITHDRAWN_FROM.get(ds.key, state.generation + 1)
    ]


def org_ref(state: SandboxState, org: Org) -> dict[str, Any]:
    return {
        "acronym": org.acronym,
        "badges": [{"kind": "public-service"}, {"kind": "certified"}],
        "class": "Organization",
        "id": org.id,
        "logo": None,
        "logo_thumbnail": None,
        "name": org.name,
        "page": f"{state.portal_url}/fr/organizations/{org.slug}/",
        "slug": org.slug,
        "uri": f"{state.portal_url}/api/1/organizations/{org.slug}/",
    }


def resource_payload(state: SandboxState, ds: Ds, res: Res) -> dict[str, Any]:
    url = state.base(res.role) + res.path
    data = _bytes_for(res.path, state.generation)
    modified = state.clock.iso(res.days_ago, 2)
    extras: dict[str, Any] = {}
    if res.check_status is not None:
        extras = {
            "check:status": res.check_status,
            "check:date": state.clock.iso(1, 4),
            "check:timeout": False,
            "check:headers:content-type": res.mime if res.check_status == 200 else None,
        }
        if res.check_status != 429:
            extras["check:available"] = res.check_status < 400
        if res.path == "/static/rge/bdtopo-export-departements.csv":
            extras["check:headers:content-type"] = "text/html; charset=utf-8"
    return {
        "checksum": {"type": "sha1", "value": sha1(data)} if data else None,
        "created_at": ds.created,
        "description": res.description,
        "extras": extras,
        "filesize": len(data) if data else None,
        "filetype": "file" if res.type != "api" else "remote",
        "format": res.fmt,
        "harvest": None,
        "id": stable_uuid(f"res:{res.key}"),
        "last_modified": modified,
        "latest": f"{state.portal_url}/fr/datasets/r/{stable_uuid(f'res:{res.key}')}",
        "metrics": {"views": 100 + len(res.key) * 37},
        "mime": res.mime,
        "preview_url": None,
        "schema": schema_ref(res.schema, state.base("schemas")) if res.schema else None,
        "title": res.title,
        "type": res.type,
        "url": url,
    }


def _bytes_for(path: str, generation: int) -> bytes | None:
    if path.startswith("/latest/"):
        path = "/static/" + path.removeprefix("/latest/")
    if path == "/static/rge/bdtopo-export-departements.csv":
        return FIREWALL_PAGE
    if path in FILES:
        return file_bytes(path, generation)
    return None


def quality(state: SandboxState, ds: Ds, resources: list[dict[str, Any]]) -> dict[str, Any]:
    """udata's nine quality criteria, computed the way data.gouv.fr does."""
    delta = FREQUENCY_DAYS.get(ds.frequency)
    due = state.clock.at(ds.updated) + timedelta(days=(delta or 0) + 1)
    q: dict[str, Any] = {
        "license": ds.license not in ("", "notspecified"),
        "temporal_coverage": ds.temporal is not None,
        "spatial": bool(ds.zones),
        "update_frequency": ds.frequency not in ("unknown", ""),
        "update_fulfilled_in_time": delta is None or due >= state.clock.at(0),
        "dataset_description_quality": len(ds.description) > 100,
        "has_resources": bool(resources),
        "has_open_format": any(r["format"] not in CLOSED_FORMATS for r in resources),
        "all_resources_available": all(r["extras"].get("check:available", True) for r in resources),
        "resources_documentation": any(
            r["type"] == "documentation" or r["description"] for r in resources
        ),
    }
    keys = [k for k in q if k != "has_resources"]
    q["score"] = sum(bool(q[k]) for k in keys) / 9 if resources else 0.0
    return q


def dataset_payload(state: SandboxState, ds: Ds) -> dict[str, Any]:
    resources = [resource_payload(state, ds, r) for r in ds.resources]
    org = ORGS[ds.org]
    last_update = state.clock.iso(ds.updated, 0 if ds.updated == 0 else 5)
    temporal = {"start": ds.temporal[0], "end": ds.temporal[1]} if ds.temporal else None
    spatial = (
        {"zones": list(ds.zones), "granularity": ds.granularity, "geom": None}
        if ds.zones or ds.granularity
        else None
    )
    badges = [{"kind": "spd"}] if ds.spd else []
    harvest = None
    if ds.harvest:
        harvest = dict(
            ds.harvest,
            last_update=state.clock.iso(2, 1),
            remote_url=f"https://{ds.harvest['domain']}/datasets/{ds.slug}",
        )
    return {
        "acronym": None,
        "archived": None,
        "badges": badges,
        "contact_points": [],
        "created_at": ds.created,
        "deleted": None,
        "description": ds.description,
        "description_short": ds.description[:200] or None,
        "extras": {},
        "featured": ds.spd,
        "frequency": ds.frequency,
        "frequency_date": None,
        "harvest": harvest,
        "id": ds.id,
        "last_modified": last_update,
        "last_update": last_update,
        "license": ds.license,
        "metrics": {
            "discussions": 3,
            "followers": 40,
            "resources_downloads": 1200,
            "reuses": 5,
            "views": 20000,
        },
        "organization": org_ref(state, org),
        "owner": None,
        "page": f"{state.portal_url}/fr/datasets/{ds.slug}/",
        "private": False,
        "quality": quality(state, ds, resources),
        "resources": resources,
        "schema": None,
        "slug": ds.slug,
        "spatial": spatial,
        "tags": list(ds.tags),
        "temporal_coverage": temporal,
        "title": ds.title,
        "uri": f"{state.portal_url}/api/1/datasets/{ds.slug}/",
    }


def org_payload(state: SandboxState, org: Org) -> dict[str, Any]:
    count = sum(1 for d in DATASETS if d.org == org.key)
    return org_ref(state, org) | {
        "business_number_id": None,
        "created_at": "2014-03-01T10:00:00+00:00",
        "deleted": None,
        "description": org.description,
        "extras": {},
        "last_modified": state.clock.iso(5, 8),
        "members": [],
        "metrics": {
            "datasets": count,
            "dataservices": 0,
            "followers": 12,
            "reuses": 4,
            "views": 5000,
        },
        "url": None,
    }


def dataservice_payload(state: SandboxState, spec: tuple) -> dict[str, Any]:
    key, title, path, sample, ds_keys, availability = spec
    base = state.base("apis") + path
    linked = [d for d in DATASETS if d.key in ds_keys]
    org = ORGS[linked[0].org]
    return {
        "id": object_id(f"api:{key}"),
        "slug": key,
        "title": title,
        "acronym": None,
        "description": f"{title} : service en ligne du service public de la donnée.",
        "base_api_url": base,
        "endpoint_description_url": base + "openapi.json",
        "machine_documentation_url": base + "openapi.json",
        "technical_documentation_url": None,
        "business_documentation_url": None,
        "authorization_request_url": None,
        "availability": availability,
        "rate_limiting": "50 requêtes/s/IP",
        "access_type": "open",
        "license": "lov2",
        "format": "REST",
        "organization": org_ref(state, org),
        "owner": None,
        "created_at": "2020-01-15T10:00:00+00:00",
        "metadata_modified_at": state.clock.iso(20, 9),
        "archived_at": None,
        "deleted_at": None,
        "private": False,
        "tags": [key],
        "harvest": None,
        "datasets": [
            {
                "class": "Dataset",
                "id": d.id,
                "title": d.title,
                "uri": f"{state.portal_url}/api/1/datasets/{d.id}/",
                "page": f"{state.portal_url}/fr/datasets/{d.slug}/",
            }
            for d in linked
        ],
        "self_api_url": f"{state.portal_url}/api/1/dataservices/{key}/",
        "self_web_url": f"{state.portal_url}/fr/dataservices/{key}/",
        "extras": {"sample_request": base + sample},
    }


def _int(value: str | None, default: int, high: int = 1000) -> int:
    try:
        return max(1, min(high, int(value or default)))
    except ValueError:
        return default


def paged(
    state: SandboxState, path: str, query: Query, items: list[Any], default_size: int = 20
) -> dict[str, Any]:
    """A udata list page with absolute next/previous links (None at the ends)."""
    page, size = _int(query.get("page"), 1), _int(query.get("page_size"), default_size)
    chunk = items[(page - 1) * size : page * size]

    def link(n: int) -> str:
        return f"{state.portal_url}{path}?" + urlencode(query | {"page": n, "page_size": size})

    return {
        "data": chunk,
        "page": page,
        "page_size": size,
        "total": len(items),
        "next_page": link(page + 1) if page * size < len(items) else None,
        "previous_page": link(page - 1) if page > 1 and items else None,
    }


def find_dataset(state: SandboxState, ident: str) -> Ds | None:
    """A listed dataset by id or slug."""
    return next((d for d in datasets(state) if ident in (d.id, d.slug)), None)


def _find_org(ident: str) -> Org | None:
    return next((o for o in ORGS.values() if ident in (o.id, o.slug, o.key)), None)


def _filter(state: SandboxState, query: Query) -> list[Ds]:
    found = datasets(state)
    if query.get("badge"):
        found = [d for d in found if query["badge"] == "spd" and d.spd]
    if query.get("organization"):
        org = _find_org(query["organization"])
        found = [d for d in found if org is not None and d.org == org.key]
    if query.get("tag"):
        found = [d for d in found if query["tag"] in d.tags]
    return found


def portal_response(
    state: SandboxState, path: str, query: Query, fields: str | None = None
) -> Response:
    """Answer one request to the portal's udata API, trimmed by an ``X-Fields`` mask."""
    response = _portal_response(state, path, query)
    mask = parse_mask(fields) if fields else None
    if mask and response.status == 200 and response.content_type.startswith("application/json"):
        response.body = json.dumps(
            apply_mask(json.loads(response.body), mask), ensure_ascii=False
        ).encode("utf-8")
    return response


def _portal_response(state: SandboxState, path: str, query: Query) -> Response:
    if path in ("/api/1/datasets/", "/api/1/datasets"):
        items = [dataset_payload(state, d) for d in _filter(state, query)]
        return json_response(paged(state, "/api/1/datasets/", query, items))
    if path in ("/api/1/dataservices/", "/api/1/dataservices"):
        items = [dataservice_payload(state, spec) for spec in DATASERVICES]
        return json_response(paged(state, "/api/1/dataservices/", query, items))
    if m := re.fullmatch(r"/api/1/datasets/([^/]+)/?", path):
        ds = find_dataset(state, m.group(1))
        return json_response(dataset_payload(state, ds)) if ds else not_found("Dataset not found")
    if m := re.fullmatch(r"/api/1/organizations/([^/]+)/(datasets/?)?", path):
        org = _find_org(m.group(1))
        if org is None:
            return not_found("Organization not found")
        if not m.group(2):
            return json_response(org_payload(state, org))
        items = [dataset_payload(state, d) for d in datasets(state) if d.org == org.key]
        return json_response(paged(state, path, query, items))
    if m := re.fullmatch(r"/api/2/datasets/([^/]+)/(resources/?)?", path):
        return _v2(state, m.group(1), bool(m.group(2)), path, query)
    if m := re.fullmatch(r"/fr/datasets/r/([0-9a-f-]+)/?", path):
        return _latest(state, m.group(1))
    return not_found()


def _v2(state: SandboxState, ident: str, resources: bool, path: str, query: Query) -> Response:
    ds = find_dataset(state, ident)
    if ds is None:
        return not_found("Dataset not found")
    payload = dataset_payload(state, ds)
    if resources:
        return json_response(paged(state, path, query, payload["resources"], 50))
    payload["resources"] = {
        "rel": f"{state.portal_url}/api/2/datasets/{ds.id}/resources/",
        "type": "GET",
        "total": len(payload["resources"]),
    }
    return json_response(payload)


def _latest(state: SandboxState, rid: str) -> Response:
    """``/fr/datasets/r/<id>``: redirect to the resource's current URL, like data.gouv.fr."""
    for ds in datasets(state):
        for res in ds.resources:
            if stable_uuid(f"res:{res.key}") == rid:
                location = state.base(res.role) + res.path
                return Response(302, b"", "text/plain", headers={"Location": location})
    return not_found("Resource not found")


def parse_mask(text: str) -> dict[str, Any] | None:
    """Parse an ``X-Fields`` mask like ``data{id,title,resources{url}},next_page``."""
    stack: list[dict[str, Any]] = [{}]
    name = ""
    for ch in text.replace(" ", "") + ",":
        if ch in ",{}":
            if name:
                stack[-1][name] = {}
            if ch == "{":
                if not name:
                    return None
                stack.append(stack[-1][name])
            elif ch == "}":
                if len(stack) == 1:
                    return None
                stack.pop()
            name = ""
        else:
            name += ch
    return stack[0] if len(stack) == 1 else None


def apply_mask(data: Any, mask: dict[str, Any]) -> Any:
    """Keep only the masked keys (lists are masked item by item); empty masks keep all."""
    if not mask:
        return data
    if isinstance(data, list):
        return [apply_mask(item, mask) for item in data]
    if isinstance(data, dict):
        return {k: apply_mask(data[k], sub) for k, sub in mask.items() if k in data}
    return data
