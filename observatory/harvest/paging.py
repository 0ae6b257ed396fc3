"""Walk paged sources safely, and harvest a whole catalogue of the registry.

``walk_pages`` follows ``next_url`` until a page has none, and stops (recording why on
the last page it yields) when the next URL was already read — a loop A→B→A or a page
pointing to itself — or when the page cap is reached. Pages read before stay.
``harvest_catalogue`` reads a registry catalogue through the reader of its kind
(``readers.read_page``, ``readers.read_after``) and gathers the pages: the one way
``observatory harvest``, ``observatory check`` and the observe engine read a catalogue.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urldefrag

import requests

from observatory import progress
from observatory.harvest import readers, workers
from observatory.harvest.prefetch import PageLookAhead
from observatory.model import Catalogue, HarvestPage, SourceError
from observatory.net.fetch import HttpSettings, SessionPerThread, make_session
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


#: Receives every page as it is read; the catalogue then keeps no dataset of its own.
Sink = Callable[[HarvestPage], None]


def streamed(pages: Iterable[HarvestPage], sink: Sink | None) -> Iterator[HarvestPage]:
    """Pages handed to ``sink`` first, then yielded without their datasets (memory stays
    bounded by one page); unchanged when there is no sink."""
    for page in pages:
        if sink is not None:
            sink(page)
            page.datasets = []
        yield page


#: Runs one unit of work, ``call(fn, *args)`` (the engine: one task run per page).
Call = Callable[..., Any]


def _direct(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


def read_catalogue(
    catalogue: Catalogue,
    http: HttpSettings,
    max_pages: int,
    session: requests.Session | None,
    shacl: int = 0,
    sink: Sink | None = None,
    call: Call = _direct,
    ahead: int = 0,
    processes: int = 1,
) -> None:
    """Every page of one catalogue through the reader of its kind (``ahead`` > 0: numbered
    pages read ahead in threads; ``processes`` > 1: in that many worker processes), then
    the reader's extra records."""
    kind, cid = catalogue.kind, catalogue.id
    with SessionPerThread(http) as sessions:

        def read(url: str) -> HarvestPage:
            own = session or sessions.get()  # the pages a thread reads share a connection
            page: HarvestPage = call(readers.read_page, kind, url, cid, http, shacl, own)
            return page

        found = readers.reader(kind)
        first = found.first_url(catalogue.url)
        with _fetcher(read, kind, cid, http, shacl, ahead, processes) as fetch:
            absorb(catalogue, streamed(walk_pages(first, fetch, max_pages, cid), sink))
    if found.after_pages is None:
        return
    more = call(readers.read_after, kind, catalogue.url, cid, http, max_pages, session)
    if more is not None:
        absorb(catalogue, [more])
        catalogue.pages -= 1  # not a page of its own


def _fetcher(
    read: Callable[[str], HarvestPage],
    kind: str,
    cid: str,
    http: HttpSettings,
    shacl: int,
    ahead: int,
    processes: int,
) -> contextlib.AbstractContextManager[Callable[[str], HarvestPage]]:
    """How pages are read: here one by one, ahead in threads, or ahead in processes."""
    read_there = workers.page_reader(kind, cid, http, shacl) if processes > 1 else None
    if read_there is not None:
        pool = workers.page_workers(kind, processes)
        return PageLookAhead(read, processes, pool=pool, read_ahead=read_there)
    return PageLookAhead(read, ahead) if ahead > 0 else contextlib.nullcontext(read)


def harvest_catalogue(
    entry: CatalogueEntry,
    http: HttpSettings,
    max_pages: int,
    session: requests.Session | None = None,
    shacl: int = 0,
    sink: Sink | None = None,
    call: Call | None = None,
    ahead: int = 0,
    processes: int = 1,
) -> Catalogue:
    """Harvest one registry catalogue through the reader of its kind; errors are kept,
    never raised (a kind without a reader is one, naming the kind and the source).

    With ``shacl`` > 0, DCAT and CSW pages also get the SHACL verdict of their first
    ``shacl`` datasets. With ``sink``, every page goes to it as it is read and the
    catalogue keeps no dataset. ``call`` runs each page read (the engine: as task runs,
    each opening its own connections); ``ahead`` pages are read ahead when numbered,
    by ``processes`` worker processes when that is more than 1 (``workers``)."""
    catalogue = Catalogue(id=entry.id, name=entry.name, kind=entry.kind, url=entry.url)
    if entry.kind not in readers.kinds():
        catalogue.errors.append(readers.no_reader_error(entry.kind, entry.id, entry.url))
        return catalogue
    own = session is None and call is None and ahead == 0  # no session shared by threads
    session = make_session(http) if own else session
    try:
        read_catalogue(
            catalogue, http, max_pages, session, shacl, sink, call or _direct, ahead, processes
        )
    except Exception as exc:  # a bug must not lose the run: recorded with what was read
        message = f"harvest failed: {type(exc).__name__}: {exc}"
        catalogue.errors.append(SourceError(entry.id, entry.url, "crash", message, _now()))
    finally:
        if own and session is not None:
            session.close()
    return catalogue
