"""The harvest stage: every source of the registry read page by page into ``Catalogue``s.

Every catalogue is read as ``observatory harvest`` reads it (``paging.harvest_catalogue``:
the reader of its kind, from ``harvest.readers``); the runner makes each page one unit of
work (``readers.read_page``), numbered pages are read ahead. A kind without a reader is an
error of that source; the run goes on. A one-page catalogue the server says did not change
since a complete harvest is taken from the store (no download, no parsing).
"""

from __future__ import annotations

from observatory.harvest import readers
from observatory.harvest.paging import absorb, harvest_catalogue, walk_pages
from observatory.model import Catalogue
from observatory.net.fetch import HttpSettings, SessionPerThread
from observatory.observe.runner import Runner
from observatory.registry import CatalogueEntry, Config
from observatory.storage.store import Store


def portal_catalogue(config: Config, http: HttpSettings, runner: Runner) -> Catalogue:
    """The SPDR datasets (by id), the organisation scopes and the APIs from the udata portal."""
    from observatory.harvest.udata import (
        fetch_udata_dataservices,
        fetch_udata_datasets,
        udata_datasets_url,
    )

    portal = config.portal
    catalogue = Catalogue(id=portal.id, name=portal.name, kind="udata", url=portal.url)
    spdr_keys = {entry.id: entry.key for entry in config.spdr}
    page = fetch_udata_datasets(portal.url, list(spdr_keys), portal.id, http, spdr_keys=spdr_keys)
    # DCAT-AP SHACL verdicts of the SPDR datasets, from the portal's per-dataset RDF
    from observatory.harvest.udata_rdf import check_datasets_rdf

    shacl = config.settings.shacl_limit
    page.errors += check_datasets_rdf(page.datasets, portal.url, portal.id, http, limit=shacl)
    absorb(catalogue, [page])
    with SessionPerThread(http) as sessions:  # the scopes' pages share a connection
        for scope in config.organisations:
            first = udata_datasets_url(
                portal.url, organization=scope.id, page_size=config.settings.page_size
            )
            pages = walk_pages(
                first,
                lambda url: runner.call(
                    readers.read_page, "udata", url, portal.id, http, 0, sessions.get()
                ),
                config.settings.max_pages,
                f"{portal.name} — {scope.name}",
            )
            absorb(catalogue, pages)
    services, errors = fetch_udata_dataservices(
        portal.url, portal.id, http, dataset_ids=list(spdr_keys)
    )
    catalogue.services.extend(services)
    catalogue.errors.extend(errors)
    return catalogue


def harvest_portal(config: Config, http: HttpSettings, runner: Runner) -> Catalogue:
    from observatory.pipeline import failed_catalogue

    try:
        return portal_catalogue(config, http, runner)
    except Exception as exc:  # a crashing source is recorded, the run goes on
        p = config.portal
        return failed_catalogue(p.id, p.name, "udata", p.url, exc)


#: Numbered pages of a catalogue the engine asks ahead of the one being read.
AHEAD = 2


def harvest_external(
    entry: CatalogueEntry, config: Config, http: HttpSettings, runner: Runner
) -> Catalogue:
    """A catalogue of the registry, as ``observatory harvest`` reads it, each page one
    unit of work of ``runner`` (numbered pages read ahead)."""
    cap = entry.max_pages or config.settings.max_pages
    shacl = config.settings.shacl_limit
    return harvest_catalogue(entry, http, cap, shacl=shacl, call=runner.call, ahead=AHEAD)


def harvest_sources(
    store: Store, config: Config, http: HttpSettings, previous_id: int | None, runner: Runner
) -> tuple[list[Catalogue], list[str]]:
    """Every source: (catalogues, ids of catalogues taken from the store unchanged)."""
    from observatory.pipeline import catalogue_unchanged

    catalogues, reused, fresh = [harvest_portal(config, http, runner)], [], []
    pages = store.catalogue_pages(previous_id) if previous_id else {}
    known = readers.kinds()
    firsts = {
        e.id: readers.reader(e.kind).first_url(e.url) for e in config.catalogues if e.kind in known
    }
    cached = store.http_caches(list(firsts.values()))
    for entry in config.catalogues:
        again, first = None, firsts.get(entry.id)
        if first and pages.get(entry.id, 1) == 1:  # multi-page sources are read page by page
            unchanged, validators = catalogue_unchanged(first, http, cached.get(first))
            if validators is not None:
                fresh.append(validators)
            if unchanged and previous_id is not None and pages.get(entry.id) == 1:
                again = store.saved_catalogue(previous_id, entry.id)
        if again is not None:
            reused.append(entry.id)
            again.name, again.kind, again.url = entry.name, entry.kind, entry.url
        catalogues.append(again or harvest_external(entry, config, http, runner))
    if fresh:
        store.save_http_cache(fresh)
    return catalogues, reused
