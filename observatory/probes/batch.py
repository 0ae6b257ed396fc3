"""Probe many URLs politely: a per-host concurrency budget, a request rate, a cool-off after 429.

Each host gets at most ``per_host`` workers, each draining that host's queue in order; hosts
run side by side. When a host answers 429 (or 503 with Retry-After), its remaining URLs are
not requested until the cool-off ends: they are recorded as "unknown", since hammering a
server that asked to slow down would both be rude and measure nothing. Small lists run on a
thread pool (one keep-alive session per worker); large ones on the asynchronous engine
(``probes.aio``), which applies the same rules (``probes.rules``) and the same politeness
(``probes.polite``) and gives the same results.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Literal, TypeVar

import requests

from observatory.model import ProbeResult
from observatory.net.fetch import HttpSettings
from observatory.probes.api import check_api
from observatory.probes.http import probe_url
from observatory.probes.phases import probe_session
from observatory.probes.polite import (
    DEFAULT_COOL_OFF,
    MAX_COOL_OFF,
    HeadMemory,
    HostBudget,
    HostPacer,
    cool_off_seconds,
    host_of,
)
from observatory.probes.rules import Validators
from observatory.registry import ApiCheck

__all__ = [
    "ASYNC_FROM",
    "DEFAULT_COOL_OFF",
    "MAX_COOL_OFF",
    "HostBudget",
    "check_apis",
    "cool_off_seconds",
    "group_by_host",
    "host_of",
    "probe_many",
    "run_per_host",
    "unique",
]

T = TypeVar("T")
ASYNC_FROM = 200  # probe_many switches to the asynchronous engine above this many URLs
Engine = Literal["auto", "threads", "async"]


def unique(urls: list[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def group_by_host(urls: list[str], max_batch: int = 200) -> list[list[str]]:
    """Unique URLs in batches of at most ``max_batch``, each batch holding a single host."""
    by_host: dict[str, list[str]] = {}
    for url in unique(urls):
        by_host.setdefault(host_of(url), []).append(url)
    return [
        group[i : i + max_batch]
        for group in by_host.values()
        for i in range(0, len(group), max_batch)
    ]


def run_per_host(
    items: list[T],
    host: Callable[[T], str],
    work: Callable[[T, requests.Session], ProbeResult],
    http: HttpSettings,
    *,
    per_host: int,
    workers: int,
    skip: Callable[[T, str], ProbeResult] | None = None,
) -> list[ProbeResult]:
    """Run ``work`` on every item, at most ``per_host`` at a time per host; keep item order."""
    queues: dict[str, deque[int]] = {}
    for index, item in enumerate(items):
        queues.setdefault(host(item), deque()).append(index)
    results: list[ProbeResult | None] = [None] * len(items)
    budget = HostBudget()

    def drain(name: str, queue: deque[int]) -> None:
        session = probe_session(http, pool_size=1)
        try:
            while True:
                try:
                    index = queue.popleft()  # deque.popleft is atomic across threads
                except IndexError:
                    return
                why = budget.cooling(name)
                if why and skip is not None:
                    results[index] = skip(items[index], why)
                    continue
                result = work(items[index], session)
                results[index] = result
                budget.note(name, result)
        finally:
            session.close()

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [
            pool.submit(drain, name, queue)
            for name, queue in queues.items()
            for _ in range(min(max(1, per_host), len(queue)))
        ]
        for future in futures:
            future.result()
    return [r for r in results if r is not None]


def probe_many(
    urls: list[str],
    http: HttpSettings,
    *,
    per_host: int = 4,
    slow_ms: float = 5000,
    workers: int = 32,
    pages: Collection[str] = (),
    rate: float | None = None,
    previous: Mapping[str, Validators] | None = None,
    engine: Engine = "auto",
    memory: HeadMemory | None = None,
) -> list[ProbeResult]:
    """Probe every unique URL (results in the order of first appearance).

    ``pages`` lists URLs whose expected answer is an HTML page (a landing page, an API
    documentation), so an HTML answer there is not taken for a block page. ``rate`` caps
    the requests per second to one host; ``previous`` maps a URL to the validators of its
    last probe, for conditional requests (``extra["changed"]``). ``engine`` "auto" uses the
    asynchronous engine above ``ASYNC_FROM`` URLs (``workers`` is the thread pool size).
    ``memory`` (one per call by default) keeps the hosts whose HEAD is not believed.
    """
    targets = unique(urls)
    memory = HeadMemory() if memory is None else memory
    if engine == "async" or (engine == "auto" and len(targets) > ASYNC_FROM):
        from observatory.probes.aio import probe_many_async, run_sync

        coro = probe_many_async(
            targets,
            http,
            per_host=per_host,
            slow_ms=slow_ms,
            pages=pages,
            rate=rate,
            previous=previous,
            memory=memory,
        )
        return run_sync(coro)
    now = datetime.now(UTC)
    html_expected = set(pages)
    known = previous or {}
    pacer = HostPacer(rate)

    def work(url: str, session: requests.Session) -> ProbeResult:
        return probe_url(
            url,
            http,
            session,
            slow_ms=slow_ms,
            expect_file=url not in html_expected,
            previous=known.get(url),
            before_request=lambda: pacer.wait(host_of(url)),
            memory=memory,
        )

    def skip(url: str, why: str) -> ProbeResult:
        return ProbeResult(url=url, outcome="unknown", reason=why, checked_at=now)

    return run_per_host(targets, host_of, work, http, per_host=per_host, workers=workers, skip=skip)


def check_apis(
    checks: list[ApiCheck],
    http: HttpSettings,
    *,
    slow_ms: float = 5000,
    per_host: int = 2,
    workers: int = 8,
) -> list[ProbeResult]:
    """Run every API sample request (results in the order of ``checks``)."""

    def work(check: ApiCheck, session: requests.Session) -> ProbeResult:
        return check_api(check, http, session, slow_ms=slow_ms)

    return run_per_host(
        list(checks), lambda c: host_of(c.url), work, http, per_host=per_host, workers=workers
    )
