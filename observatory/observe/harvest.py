"""The harvest stage: every source of the registry read page by page into ``Catalogue``s.

Every catalogue page goes through ``read_page`` (one front door for page reads); the runner
makes each page one unit of work. Numbered pages are read ahead (``PageLookAhead``). A
one-page catalogue the server says did not change since a complete harvest is taken from
the store (no download, no parsing).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from observatory.model import Catalogue, HarvestPage
from observatory.net.fetch import HttpSettings
from observatory.observe.runner import Runner
from observatory.registry import CatalogueEntry, Config
from observatory.storage.store import Store

PAGED_KINDS = ("dcat", "udata")  # read here page by page; other kinds whole, by their reader


def read_page(
    kind: str, url: str, catalogue_id: str, http: HttpSettings, shacl: int = 0
) -> HarvestPage:
    """One catalogue page of ``kind``; a DCAT page's first ``shacl`` datasets also get their
    SHACL verdict. The only place the engine reads a page."""
    from observatory.harvest.dcat import fetch_dcat_page
    from observatory.harvest.udata import fetch_udata_page

    if kind == "dcat":
        return fetch_dcat_page(url, catalogue_id, http, shacl=shacl)
    return fetch_udata_page(url, catalogue_id, http)


class PageLookAhead:
    """``fetch_page`` for ``walk_pages`` that reads numbered pages ahead, in threads.

    When the page just read names page N+1 as its next one and the total is known
    (``harvest.prefetch.predicted_urls``), the next ``ahead`` pages are requested at once
    (each in the caller's context, so a flow's task runs stay in the flow run), so the
    source prepares them while this one is normalised. ``walk_pages`` still decides what is
    read (loops, caps); a wrong guess is only wasted work.
    """

    def __init__(self, read: Callable[[str], HarvestPage], ahead: int = 2) -> None:
        self.read = read
        self.ahead = ahead
        self.pool = ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="page-ahead")
        self.pending: dict[str, Future[HarvestPage]] = {}

    def __call__(self, url: str) -> HarvestPage:
        from observatory.harvest.prefetch import predicted_urls

        future = self.pending.pop(url, None)
        page = future.result() if future is not None else self.read(url)
        for later in predicted_urls(url, page, self.ahead):
            if later not in self.pending:
                context = contextvars.copy_context()
                self.pending[later] = self.pool.submit(context.run, self.read, later)
        return page

    def __enter__(self) -> PageLookAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        for future in self.pending.values():
            future.cancel()
        self.pool.shutdown(wait=True)


def absorb(catalogue: Catalogue, pages: Iterable[HarvestPage]) -> None:
    """Add pages to a catalogue, keeping one record per dataset key."""
    seen = {d.key for d in catalogue.datasets}
    for page in pages:
        catalogue.pages += 1
        for dataset in page.datasets:
            if dataset.key not in seen:
                seen.add(dataset.key)
                catalogue.datasets.append(dataset)
        catalogue.services.extend(page.services)
        catalogue.organisations.extend(page.organisations)
        catalogue.errors.extend(page.errors)


def portal_catalogue(config: Config, http: HttpSettings, runner: Runner) -> Catalogue:
    """The SPDR datasets (by id), the organisation scopes and the APIs from the udata portal."""
    from observatory.harvest.paging import walk_pages
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
    for scope in config.organisations:
        first = udata_datasets_url(
            portal.url, organization=scope.id, page_size=config.settings.page_size
        )
        pages = walk_pages(
            first,
            lambda url: runner.call(read_page, "udata", url, portal.id, http),
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


def harvest_external(
    entry: CatalogueEntry, config: Config, http: HttpSettings, runner: Runner
) -> Catalogue:
    """A catalogue of the registry, page by page (numbered pages read ahead)."""
    from observatory.harvest.paging import walk_pages
    from observatory.pipeline import external_catalogue, failed_catalogue

    if entry.kind not in PAGED_KINDS:
        return runner.call(external_catalogue, entry, config, http)
    catalogue = Catalogue(id=entry.id, name=entry.name, kind=entry.kind, url=entry.url)
    shacl = config.settings.shacl_limit

    def read(url: str) -> HarvestPage:
        return runner.call(read_page, entry.kind, url, entry.id, http, shacl)

    try:
        with PageLookAhead(read) as fetch_page:
            cap = entry.max_pages or config.settings.max_pages
            absorb(catalogue, walk_pages(entry.url, fetch_page, cap, entry.id))
    except Exception as exc:
        failed = failed_catalogue(entry.id, entry.name, entry.kind, entry.url, exc)
        catalogue.errors.extend(failed.errors)
    return catalogue


def harvest_sources(
    store: Store, config: Config, http: HttpSettings, previous_id: int | None, runner: Runner
) -> tuple[list[Catalogue], list[str]]:
    """Every source: (catalogues, ids of catalogues taken from the store unchanged)."""
    from observatory.pipeline import catalogue_unchanged

    catalogues, reused, fresh = [harvest_portal(config, http, runner)], [], []
    pages = store.catalogue_pages(previous_id) if previous_id else {}
    cached = store.http_caches([e.url for e in config.catalogues])
    for entry in config.catalogues:
        again = None
        if pages.get(entry.id, 1) == 1:  # multi-page sources are read page by page
            unchanged, validators = catalogue_unchanged(entry.url, http, cached.get(entry.url))
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
