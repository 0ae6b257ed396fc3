"""Walk paged sources safely, and harvest a whole catalogue of the registry.

``walk_pages`` follows ``next_url`` until a page has none, and stops (recording why on
the last page it yields) when the next URL was already read — a loop A→B→A or a page
pointing to itself — or when the page cap is reached. Pages read before stay.
``harvest_catalogue`` dispatches on the catalogue kind (udata, dcat, ckan, csw,
catalog-csv) and gathers the pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from urllib.parse import urldefrag

import requests

from observatory import progress
from observatory.model import Catalogue, HarvestPage, SourceError
from observatory.net.fetch import HttpSettings, make_session
from observatory.registry import CatalogueEntry


def _now() -> datetime:
    return datetime.now(UTC)


def _norm(url: str) -> str:
    return urldefrag(url.strip())[0]


def walk_pages(
    first_url: str,
    fetch_page: Callable[[str], HarvestPage],
    max_pages: int,
    source: str,
) -> Iterator[HarvestPage]:
    """Yield pages from ``first_url`` on; never loops forever, never loses what was read."""
    if max_pages < 1:
        message = f"page cap of {max_pages} pages: nothing read"
        yield HarvestPage(
            url=first_url, errors=[SourceError(source, first_url, "page-cap", message, _now())]
        )
        return
    seen: set[str] = set()
    url: str | None = first_url
    count = 0
    while url:
        seen.add(_norm(url))
        try:
            page = fetch_page(url)
        except Exception as exc:  # a crashing page reader: recorded, what was read stays
            message = f"{url}: reading the page failed: {type(exc).__name__}: {exc}"
            yield HarvestPage(url=url, errors=[SourceError(source, url, "crash", message, _now())])
            return
        count += 1
        progress.advance(f"Moisson {source}", len(page.datasets), page.total)
        next_url = page.next_url
        if next_url and _norm(next_url) in seen:
            what = "itself" if _norm(next_url) == _norm(url) else f"{next_url}, already read"
            message = f"page loop: {url} points to {what}; stopped after {count} pages"
            page.errors.append(SourceError(source, next_url, "page-loop", message, _now()))
            next_url = None
        elif next_url and count >= max_pages:
            message = f"page cap of {max_pages} pages reached; {next_url} and later not read"
            page.errors.append(SourceError(source, next_url, "page-cap", message, _now()))
            next_url = None
        yield page
        url = next_url


def absorb(catalogue: Catalogue, pages: Iterable[HarvestPage]) -> None:
    """Add pages to a catalogue, keeping one record per dataset, service and organisation."""
    datasets = {d.key for d in catalogue.datasets}
    services = {s.key for s in catalogue.services}
    orgs = {o.key for o in catalogue.organisations}
    for page in pages:
        catalogue.pages += 1
        for dataset in page.datasets:
            if dataset.key not in datasets:
                datasets.add(dataset.key)
                catalogue.datasets.append(dataset)
        for service in page.services:
            if service.key not in services:
                services.add(service.key)
                catalogue.services.append(service)
        for org in page.organisations:
            if org.key not in orgs:
                orgs.add(org.key)
                catalogue.organisations.append(org)
        catalogue.errors.extend(page.errors)


def _harvest_udata(
    catalogue: Catalogue,
    entry: CatalogueEntry,
    http: HttpSettings,
    max_pages: int,
    session: requests.Session,
    shacl: int = 0,
) -> None:
    """A whole udata portal: every dataset list page, then its dataservices."""
    from observatory.harvest.udata import (
        fetch_udata_dataservices,
        fetch_udata_page,
        udata_datasets_url,
    )

    first = entry.url if "/api/1/datasets" in entry.url else udata_datasets_url(entry.url)
    pages = walk_pages(
        first, lambda url: fetch_udata_page(url, entry.id, http, session), max_pages, entry.id
    )
    absorb(catalogue, pages)
    if "/api/" not in entry.url:
        services, errors = fetch_udata_dataservices(
            entry.url, entry.id, http, session, max_pages=max_pages
        )
        absorb(catalogue, [HarvestPage(url=entry.url, services=services, errors=errors)])
        catalogue.pages -= 1  # not a page of its own


def _harvest_dcat(
    catalogue: Catalogue,
    entry: CatalogueEntry,
    http: HttpSettings,
    max_pages: int,
    session: requests.Session,
    shacl: int = 0,
) -> None:
    from observatory.harvest.dcat import fetch_dcat_page

    pages = walk_pages(
        entry.url,
        lambda url: fetch_dcat_page(url, entry.id, http, session, shacl),
        max_pages,
        entry.id,
    )
    absorb(catalogue, pages)


def _harvest_ckan(
    catalogue: Catalogue,
    entry: CatalogueEntry,
    http: HttpSettings,
    max_pages: int,
    session: requests.Session,
    shacl: int = 0,
) -> None:
    from observatory.harvest.ckan import fetch_ckan_page, first_ckan_url

    pages = walk_pages(
        first_ckan_url(entry.url),
        lambda url: fetch_ckan_page(url, entry.id, http, session),
        max_pages,
        entry.id,
    )
    absorb(catalogue, pages)


def _harvest_csw(
    catalogue: Catalogue,
    entry: CatalogueEntry,
    http: HttpSettings,
    max_pages: int,
    session: requests.Session,
    shacl: int = 0,
) -> None:
    from observatory.harvest.csw import fetch_csw_page, getrecords_url

    pages = walk_pages(
        getrecords_url(entry.url),
        lambda url: fetch_csw_page(url, entry.id, http, session, shacl),
        max_pages,
        entry.id,
    )
    absorb(catalogue, pages)


def _harvest_catalog_csv(
    catalogue: Catalogue,
    entry: CatalogueEntry,
    http: HttpSettings,
    max_pages: int,
    session: requests.Session,
    shacl: int = 0,
) -> None:
    """The datasets export at ``entry.url``, with its sibling exports when named alike."""
    from observatory.harvest.catalog_csv import fetch_catalog_csv, remote_sibling

    urls = {"datasets": entry.url}
    resources = remote_sibling(entry.url, "resource")
    if resources:
        urls["resources"] = resources
    absorb(catalogue, [fetch_catalog_csv(urls, entry.id, http, session)])


READERS = {
    "udata": _harvest_udata,
    "dcat": _harvest_dcat,
    "ckan": _harvest_ckan,
    "csw": _harvest_csw,
    "catalog-csv": _harvest_catalog_csv,
}


def harvest_catalogue(
    entry: CatalogueEntry,
    http: HttpSettings,
    max_pages: int,
    session: requests.Session | None = None,
    shacl: int = 0,
) -> Catalogue:
    """Harvest one registry catalogue; errors are kept, never raised. With ``shacl`` > 0,
    DCAT and CSW pages also get the SHACL verdict of their first ``shacl`` datasets."""
    catalogue = Catalogue(id=entry.id, name=entry.name, kind=entry.kind, url=entry.url)
    own = session is None
    session = session or make_session(http)
    try:
        reader = READERS.get(entry.kind)
        if reader is None:
            message = f"catalogue kind '{entry.kind}' is not harvested by this module"
            catalogue.errors.append(
                SourceError(entry.id, entry.url, "unsupported", message, _now())
            )
        else:
            reader(catalogue, entry, http, max_pages, session, shacl)
    except Exception as exc:  # a bug must not lose the run: recorded with what was read
        message = f"harvest failed: {type(exc).__name__}: {exc}"
        catalogue.errors.append(SourceError(entry.id, entry.url, "crash", message, _now()))
    finally:
        if own:
            session.close()
    return catalogue
