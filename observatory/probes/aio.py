"""Asynchronous probe engine (aiohttp): the rules of ``probes.http``, thousands of URLs a second.

The probe decisions come from ``probes.rules.plan``, exactly as in the threaded engine; this
module only sends requests. Safety is the same as ``net.fetch``: every hop goes through the
address guard, redirects are followed by hand up to the cap, bodies are read up to a cap.
DNS never blocks the event loop: each host is resolved once per batch in the loop's executor,
and the connector (``probes.aio_guard``) connects only to the addresses the guard checked, so
a name cannot resolve to an allowed address for the check and another one for the connection.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Collection, Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urljoin

import aiohttp

from observatory.model import ProbeResult
from observatory.net.fetch import CHUNK, FetchError, HttpSettings
from observatory.net.guard import RefusedURL
from observatory.probes.aio_guard import GuardedConnector, GuardedResolver
from observatory.probes.aio_phases import ssl_context
from observatory.probes.collector import fewer_collections
from observatory.probes.phases import recording
from observatory.probes.polite import HeadMemory, HostBudget, HostPacer, host_of
from observatory.probes.rules import Answer, Validators, plan

T = TypeVar("T")
REDIRECTS = (301, 302, 303, 307, 308)
IN_FLIGHT = 256  # requests in flight at most, over all hosts: beyond, the loop saturates


def request_error(url: str, exc: BaseException) -> FetchError:
    """The FetchError the threaded engine would give for the same failure."""
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return FetchError(url, "timeout", "timed out (ConnectTimeout)")
    if isinstance(exc, TimeoutError):
        return FetchError(url, "timeout", "timed out (ReadTimeout)")
    if isinstance(exc, aiohttp.ClientSSLError):
        return FetchError(url, "tls", f"TLS error: {exc}")
    if isinstance(exc, aiohttp.ClientConnectionError | OSError):
        return FetchError(url, "connection", f"connection failed: {exc}")
    return FetchError(url, "http", f"request failed: {exc}")


def lower_headers(response: aiohttp.ClientResponse) -> dict[str, str]:
    """Header names in lower case; repeated headers joined by ", " (as requests does)."""
    out: dict[str, str] = {}
    for key, value in response.headers.items():
        name = key.lower()
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


async def read_prefix(
    response: aiohttp.ClientResponse, cap: int, deadline: float
) -> tuple[bytes, bool]:
    """Read the (decompressed) body up to ``cap`` bytes before ``deadline``: (bytes, truncated)."""
    chunks: list[bytes] = []
    size = 0
    url = str(response.url)
    try:
        async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
            async for chunk in response.content.iter_chunked(CHUNK):
                size += len(chunk)
                if size > cap:
                    chunks.append(chunk[: cap - (size - len(chunk))])
                    return b"".join(chunks), True
                chunks.append(chunk)
    except aiohttp.ServerTimeoutError as exc:
        raise FetchError(url, "timeout", f"reading the body failed: {exc}") from None
    except TimeoutError:
        why = "total time limit reached while reading the body"
        raise FetchError(url, "timeout", why) from None
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        raise FetchError(url, "read", f"reading the body failed: {exc}") from None
    return b"".join(chunks), False


class AsyncProber:
    """One aiohttp session with the guard, the caps and the timeouts of ``HttpSettings``."""

    def __init__(
        self, http: HttpSettings, *, in_flight: int = IN_FLIGHT, pacer: HostPacer | None = None
    ) -> None:
        self.http = http
        self.in_flight = in_flight
        self.slots = asyncio.Semaphore(in_flight)
        self.pacer = pacer
        self.resolver = GuardedResolver(http.guard)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> AsyncProber:
        connector = GuardedConnector(
            limit=self.in_flight,
            resolver=self.resolver,
            ssl=ssl_context(self.http.ca_bundle),
        )
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=self.http.connect_timeout, sock_read=self.http.read_timeout
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=timeout,
            headers={"User-Agent": self.http.user_agent},
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            trust_env=False,  # no proxies from the environment: the guard must see the target
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def _open(
        self, url: str, method: str, headers: dict[str, str] | None
    ) -> tuple[aiohttp.ClientResponse, list[str]]:
        """Send the request through the guard on every hop (as ``net.fetch.open_stream``)."""
        assert self._session is not None, "use AsyncProber as an async context manager"
        seen: list[str] = []
        current = url
        while True:
            hop = f" (redirect to {current})" if seen else ""
            try:
                await self.resolver.check(current)
            except RefusedURL as exc:
                raise FetchError(url, "refused", exc.reason + hop) from None
            if current in seen:
                raise FetchError(url, "redirect-loop", f"redirect loop back to {current}")
            seen.append(current)
            try:
                response = await self._session.request(
                    method, current, headers=headers, allow_redirects=False
                )
            except RefusedURL as exc:  # from the connector: the address actually connected
                raise FetchError(url, "refused", exc.reason + hop) from None
            except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
                raise request_error(url, exc) from None
            location = response.headers.get("Location")
            if response.status in REDIRECTS and location:
                response.release()
                if len(seen) > self.http.max_redirects:
                    limit = self.http.max_redirects
                    raise FetchError(url, "redirect-loop", f"more than {limit} redirects")
                current = urljoin(current, location)
                if response.status == 303:
                    method = "GET"
                continue
            return response, seen[1:]

    async def request(
        self, url: str, method: str, *, read_bytes: int = 0, headers: dict[str, str] | None = None
    ) -> Answer:
        """Send one guarded request; read at most ``read_bytes`` of the body. Never raises."""
        answer = Answer(method=method)
        start = time.monotonic()
        try:
            with recording() as answer.phases:
                response, redirects = await self._open(url, method, headers)
        except FetchError as exc:
            answer.error = exc
            answer.latency_ms = (time.monotonic() - start) * 1000
            return answer
        answer.ttfb_ms = (time.monotonic() - start) * 1000
        answer.status = response.status
        answer.headers = lower_headers(response)
        answer.redirects = redirects
        answer.final_url = redirects[-1] if redirects else url
        try:
            if read_bytes and method != "HEAD":
                deadline = start + self.http.total_timeout
                answer.body, answer.truncated = await read_prefix(response, read_bytes, deadline)
        except FetchError as exc:
            answer.error = exc
        finally:
            response.release()
        answer.latency_ms = (time.monotonic() - start) * 1000
        return answer

    async def probe(
        self,
        url: str,
        *,
        slow_ms: float = 5000,
        expect_file: bool = True,
        now: datetime | None = None,
        previous: Validators | None = None,
        host: str | None = None,
        memory: HeadMemory | None = None,
    ) -> ProbeResult:
        """Same as ``probes.http.probe_url``, paced per host when the prober has a pacer.

        A request takes a slot (``in_flight``), then its host's rate slot, and leaves at once;
        latency is measured from there, so a busy client does not pass for a slow server.
        """
        checked_at = now or datetime.now(UTC)
        host = host_of(url) if host is None else host
        steps = plan(
            url,
            expect_file=expect_file,
            slow_ms=slow_ms,
            checked_at=checked_at,
            previous=previous,
            head_distrust=memory.distrust(host) if memory is not None else None,
        )
        step = next(steps)
        while True:
            async with self.slots:
                delay = self.pacer.claim(host) if self.pacer is not None else 0.0
                if not delay:
                    answer = await self.request(
                        url, step.method, read_bytes=step.read_bytes, headers=step.headers
                    )
            if delay:
                await asyncio.sleep(delay)
                continue
            try:
                step = steps.send(answer)
            except StopIteration as stop:
                if memory is not None:
                    memory.note(host, stop.value)
                return stop.value


async def probe_url_async(
    url: str,
    http: HttpSettings,
    *,
    slow_ms: float = 5000,
    expect_file: bool = True,
    now: datetime | None = None,
    previous: Validators | None = None,
) -> ProbeResult:
    """Probe one URL with a short-lived session (for many URLs, use ``probe_many_async``)."""
    async with AsyncProber(http) as prober:
        return await prober.probe(
            url, slow_ms=slow_ms, expect_file=expect_file, now=now, previous=previous
        )


async def probe_many_async(
    urls: list[str],
    http: HttpSettings,
    *,
    per_host: int = 4,
    slow_ms: float = 5000,
    pages: Collection[str] = (),
    rate: float | None = None,
    previous: Mapping[str, Validators] | None = None,
    in_flight: int = IN_FLIGHT,
    memory: HeadMemory | None = None,
) -> list[ProbeResult]:
    """Probe every unique URL, at most ``per_host`` at a time and ``rate``/s per host.

    Same results as the threaded ``probes.batch.probe_many``, in the order of first
    appearance; a host that asked to slow down is left alone for its cool-off.
    """
    targets = list(dict.fromkeys(urls))
    now = datetime.now(UTC)
    html_expected = set(pages)
    known = previous or {}
    queues: dict[str, deque[int]] = {}
    for index, url in enumerate(targets):
        queues.setdefault(host_of(url), deque()).append(index)
    results: list[ProbeResult | None] = [None] * len(targets)
    budget = HostBudget()
    memory = HeadMemory() if memory is None else memory

    async def drain(prober: AsyncProber, name: str, queue: deque[int]) -> None:
        while queue:
            index = queue.popleft()
            url = targets[index]
            why = budget.cooling(name)
            if why:
                results[index] = ProbeResult(url=url, outcome="unknown", reason=why, checked_at=now)
                continue
            result = await prober.probe(
                url,
                slow_ms=slow_ms,
                expect_file=url not in html_expected,
                previous=known.get(url),
                host=name,
                memory=memory,
            )
            results[index] = result
            budget.note(name, result)

    prober = AsyncProber(http, in_flight=in_flight, pacer=HostPacer(rate))
    with fewer_collections():
        async with prober:
            await asyncio.gather(
                *(
                    drain(prober, name, queue)
                    for name, queue in queues.items()
                    for _ in range(min(max(1, per_host), len(queue)))
                )
            )
    return [r for r in results if r is not None]


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from synchronous code, even when this thread already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
