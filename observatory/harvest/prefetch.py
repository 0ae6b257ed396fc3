"""Read numbered catalogue pages ahead, in threads, while the caller normalises earlier ones.

A catalogue's page chain is sequential (``next_url``), but when pages are numbered
(``?page=N``), the next link is page N+1 and the total is known, the later page URLs can
be predicted (``predicted_urls``). ``PageLookAhead`` is a ``fetch_page`` for
``walk_pages``: it returns the page asked for and requests the next few predicted pages
at once. ``walk_pages`` still decides what is read — loops, caps and a chain that leaves
the prediction behave as without look-ahead; a wrongly predicted page is only wasted work,
never harvested.
"""

from __future__ import annotations

import contextvars
import math
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from observatory.model import HarvestPage


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


class PageLookAhead:
    """``fetch_page`` for ``walk_pages`` that reads numbered pages ahead.

    The next ``ahead`` predicted pages are requested at once, so the source prepares them
    while this one is normalised. By default they are read in threads, in the caller's
    context (so a flow's task runs stay in the flow run). With ``pool`` (worker processes,
    see ``workers``), they are read there by ``read_ahead``, and the pool is shut down
    with the look-ahead.
    """

    def __init__(
        self,
        read: Callable[[str], HarvestPage],
        ahead: int = 2,
        pool: Executor | None = None,
        read_ahead: Callable[[str], HarvestPage] | None = None,
    ) -> None:
        self.read = read
        self.ahead = ahead
        self.in_threads = pool is None
        self.pool = pool or ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="page-ahead")
        self.read_ahead = read_ahead or read
        self.pending: dict[str, Future[HarvestPage]] = {}

    def __call__(self, url: str) -> HarvestPage:
        future = self.pending.pop(url, None)
        page = future.result() if future is not None else self.read(url)
        for later in predicted_urls(url, page, self.ahead):
            if later not in self.pending:
                self.pending[later] = self._submit(later)
        return page

    def _submit(self, url: str) -> Future[HarvestPage]:
        if self.in_threads:
            context = contextvars.copy_context()
            return self.pool.submit(context.run, self.read_ahead, url)
        return self.pool.submit(self.read_ahead, url)

    def __enter__(self) -> PageLookAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        for future in self.pending.values():
            future.cancel()
        self.pool.shutdown(wait=True)
