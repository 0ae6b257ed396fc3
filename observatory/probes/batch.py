"""Probe many URLs politely: a thread pool, a per-host concurrency budget, a cool-off after 429.

Each host gets at most ``per_host`` workers, each draining that host's queue in order with
its own keep-alive session; hosts run side by side in the pool. When a host answers 429
(or 503 with Retry-After), its remaining URLs are not requested until the cool-off ends:
they are recorded as "unknown", since hammering a server that asked to slow down would
both be rude and measure nothing.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar
from urllib.parse import urlsplit

import requests

from observatory.model import ProbeResult
from observatory.net.fetch import HttpSettings, make_session
from observatory.probes.api import check_api
from observatory.probes.http import probe_url
from observatory.registry import ApiCheck

T = TypeVar("T")
DEFAULT_COOL_OFF = 60.0  # seconds, when a 429 carries no usable Retry-After
MAX_COOL_OFF = 3600.0


def host_of(url: str) -> str:
    """The host name a per-host budget applies to ("" for a URL without one)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


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


def cool_off_seconds(retry_after: str | None, now: float | None = None) -> float:
    """Seconds to leave a host alone after it asked to slow down (Retry-After, capped)."""
    if not retry_after:
        return DEFAULT_COOL_OFF
    value = retry_after.strip()
    if value.isdigit():
        return min(float(value), MAX_COOL_OFF)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return DEFAULT_COOL_OFF
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, min(when.timestamp() - current, MAX_COOL_OFF))


class HostBudget:
    """Per-host cool-off deadlines, shared by the workers of one batch."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until: dict[str, tuple[float, str]] = {}

    def cooling(self, host: str) -> str | None:
        """Why ``host`` must be left alone now, or None."""
        with self._lock:
            until, why = self._until.get(host, (0.0, ""))
        return why if time.monotonic() < until else None

    def note(self, host: str, result: ProbeResult) -> None:
        if result.outcome != "unknown" or result.status not in (429, 503):
            return
        seconds = cool_off_seconds(result.extra.get("retry_after"))
        why = f"not requested: {host} asked to slow down (HTTP {result.status})"
        with self._lock:
            self._until[host] = (time.monotonic() + seconds, why)


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
        session = make_session(http, pool_size=1)
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
) -> list[ProbeResult]:
    """Probe every unique URL (results in the order of first appearance).

    ``pages`` lists URLs whose expected answer is an HTML page (a landing page, an API
    documentation), so an HTML answer there is not taken for a block page.
    """
    targets = unique(urls)
    now = datetime.now(UTC)
    html_expected = set(pages)

    def work(url: str, session: requests.Session) -> ProbeResult:
        expect_file = url not in html_expected
        return probe_url(url, http, session, slow_ms=slow_ms, expect_file=expect_file)

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
