"""Read numbered DCAT pages ahead in worker processes while the caller stores earlier ones.

A catalogue's page chain is sequential (``hydra:next``), but when pages are numbered
(``?page=N``), the next link is page N+1 and ``hydra:totalItems`` is known, the later
page URLs can be predicted. ``PagePrefetcher`` is a ``fetch_page`` for ``walk_pages``:
it returns the page asked for (from a worker, fetched and normalised there) and asks the
workers for the next few predicted pages. ``walk_pages`` still decides what is read —
loops, caps and a chain that leaves the prediction behave as without prefetching; a
wrongly predicted page is only wasted work, never harvested.
"""

from __future__ import annotations

import math
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from observatory.harvest.dcat import fetch_dcat_page
from observatory.model import HarvestPage
from observatory.net.fetch import HttpSettings, make_session

_SESSION: requests.Session | None = None


def _fetch_in_worker(url: str, catalogue_id: str, http: HttpSettings) -> HarvestPage:
    global _SESSION
    if _SESSION is None:
        _SESSION = make_session(http)
    return fetch_dcat_page(url, catalogue_id, http, _SESSION)


def page_number(url: str) -> int | None:
    """N of a ``?page=N`` URL, else None."""
    values = [v for k, v in parse_qsl(urlsplit(url).query) if k == "page"]
    return int(values[0]) if len(values) == 1 and values[0].isdigit() else None


def with_page(url: str, number: int) -> str:
    """The same URL asking for page ``number``."""
    parts = urlsplit(url)
    query = [(k, str(number) if k == "page" else v) for k, v in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def predicted_urls(url: str, page: HarvestPage, ahead: int) -> list[str]:
    """The next ``ahead`` page URLs when the chain is plainly numbered, else []."""
    number = page_number(url)
    if number is None or not page.next_url or not page.total or not page.datasets:
        return []
    if page.next_url != with_page(url, number + 1):
        return []
    last = math.ceil(page.total / len(page.datasets))
    return [with_page(url, n) for n in range(number + 1, min(number + ahead, last) + 1)]


class PagePrefetcher:
    """``fetch_page`` reading DCAT pages in ``workers`` processes, ``ahead`` pages early."""

    def __init__(
        self, catalogue_id: str, http: HttpSettings, workers: int = 1, ahead: int = 4
    ) -> None:
        self.catalogue_id = catalogue_id
        self.http = http
        self.ahead = ahead
        self.pool = ProcessPoolExecutor(max_workers=workers)
        self.pending: dict[str, Future[HarvestPage]] = {}

    def _submit(self, url: str) -> Future[HarvestPage]:
        return self.pool.submit(_fetch_in_worker, url, self.catalogue_id, self.http)

    def __call__(self, url: str) -> HarvestPage:
        future = self.pending.pop(url, None) or self._submit(url)
        page = future.result()
        wanted = predicted_urls(url, page, self.ahead)
        for stale in set(self.pending) - set(wanted):
            self.pending.pop(stale).cancel()
        for next_url in wanted:
            if next_url not in self.pending:
                self.pending[next_url] = self._submit(next_url)
        return page

    def close(self) -> None:
        for future in self.pending.values():
            future.cancel()
        self.pending.clear()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> PagePrefetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
