"""udata completeness helpers: ``X-Fields`` masks and API v2 resource paging.

``LIST_MASK`` is sent as the ``X-Fields`` header on list pages so that the portal only
serialises what ``udata_model`` reads (data.gouv.fr pages weigh several times less).
API v2 dataset payloads give ``resources`` as a link (``{"href": …, "total": n}``) instead
of a list; ``expand_resources`` walks ``/api/2/datasets/<id>/resources/?page=&page_size=``
and puts the list back, so both API versions normalise the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import requests

from observatory.model import SourceError
from observatory.net.fetch import HttpSettings

ORGANIZATION_FIELDS = "id,name,slug,page,uri"
RESOURCE_FIELDS = (
    "id,url,title,description,format,mime,type,filesize,checksum,created_at,last_modified,"
    "schema,extras,filetype,latest,preview_url,harvest"
)
DATASET_FIELDS = (
    "id,slug,title,uri,page,description,acronym,archived,private,featured,deleted,"
    f"organization{{{ORGANIZATION_FIELDS}}},owner{{first_name,last_name}},license,frequency,"
    "created_at,last_update,last_modified,temporal_coverage,spatial,tags,badges,"
    "contact_points,quality,metrics,extras,harvest,"
    f"resources{{{RESOURCE_FIELDS}}}"
)
LIST_MASK = f"data{{{DATASET_FIELDS}}},page,page_size,total,next_page,previous_page"
RESOURCE_LIST_MASK = f"data{{{RESOURCE_FIELDS}}},page,page_size,total,next_page"
V2_PAGE_SIZE = 100


def _now() -> datetime:
    return datetime.now(UTC)


def resources_link(payload: dict[str, Any]) -> tuple[str, int | None] | None:
    """(href, total) when the payload's resources are a v2 link, else None."""
    value = payload.get("resources")
    if isinstance(value, dict) and isinstance(value.get("href"), str):
        total = value.get("total")
        return value["href"], total if isinstance(total, int) else None
    return None


def first_resources_page(href: str, page_size: int = V2_PAGE_SIZE) -> str:
    """The link's first page with our page size (the portal's default is small)."""
    parts = urlsplit(href)
    return parts._replace(query=urlencode({"page": 1, "page_size": page_size})).geturl()


def expand_resources(
    payload: dict[str, Any],
    source: str,
    http: HttpSettings,
    session: requests.Session | None,
    max_pages: int = 100,
) -> list[SourceError]:
    """Replace a v2 resources link by the resources it pages through; return the errors.

    What was read before an error stays; a count short of ``total`` is reported.
    """
    from observatory.harvest.udata import get_json

    link = resources_link(payload)
    if link is None:
        return []
    href, total = link
    resources: list[Any] = []
    errors: list[SourceError] = []
    url: str | None = first_resources_page(href)
    seen: set[str] = set()
    headers = {"X-Fields": RESOURCE_LIST_MASK}
    while url and url not in seen and len(seen) < max_pages:
        seen.add(url)
        page, error = get_json(url, source, http, session, headers)
        if error:
            errors.append(error)
            break
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            errors.append(SourceError(source, url, "parse", f"{url}: not a resources page", _now()))
            break
        resources.extend(page["data"])
        following = page.get("next_page")
        url = urljoin(url, following) if isinstance(following, str) and following else None
    payload["resources"] = resources
    if total is not None and len(resources) < total:
        message = f"{href}: {len(resources)} of {total} resources read"
        errors.append(SourceError(source, href, "incomplete", message, _now()))
    return errors
