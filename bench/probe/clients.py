"""The clients the benchmark compares, each run in a fresh process for its own peak RSS.

- ``sequential``: a plain ``requests`` loop (one keep-alive session, one HEAD after another);
- ``bare_aiohttp`` / ``bare_httpx``: an asynchronous client with no rules at all (no guard,
  no per-host limit, no GET fallback, nothing recorded but the status): the practical limit;
- ``observatory``: ``probe_many`` with the full rules and the per-host limits.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import resource
import time
from collections import Counter
from typing import Any

BARE_CONCURRENCY = 256


def sequential(urls: list[str], **_: Any) -> Counter[str]:
    import requests

    seen: Counter[str] = Counter()
    with requests.Session() as session:
        for url in urls:
            seen[str(session.head(url, timeout=(5, 20)).status_code)] += 1
    return seen


async def _bare(urls: list[str], fetch: Any, concurrency: int) -> Counter[str]:
    seen: Counter[str] = Counter()
    pending = iter(urls)

    async def worker() -> None:
        for url in pending:
            seen[str(await fetch(url))] += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return seen


def bare_aiohttp(urls: list[str], concurrency: int = BARE_CONCURRENCY, **_: Any) -> Counter[str]:
    import aiohttp

    async def main() -> Counter[str]:
        connector = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def fetch(url: str) -> int:
                async with session.head(url) as response:
                    return response.status

            return await _bare(urls, fetch, concurrency)

    return asyncio.run(main())


def bare_httpx(urls: list[str], concurrency: int = BARE_CONCURRENCY, **_: Any) -> Counter[str]:
    import httpx

    async def main() -> Counter[str]:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(limits=limits) as client:

            async def fetch(url: str) -> int:
                return (await client.head(url)).status_code

            return await _bare(urls, fetch, concurrency)

    return asyncio.run(main())


def observatory(
    urls: list[str], per_host: int = 4, rate: float | None = None, **_: Any
) -> Counter[str]:
    from observatory.net.fetch import HttpSettings
    from observatory.net.guard import parse_networks
    from observatory.probes.batch import probe_many

    http = HttpSettings(allowed=tuple(parse_networks(["127.0.0.0/8"])))
    results = probe_many(urls, http, per_host=per_host, rate=rate)
    return Counter(r.outcome for r in results)


CLIENTS = {
    "sequential": sequential,
    "bare_aiohttp": bare_aiohttp,
    "bare_httpx": bare_httpx,
    "observatory": observatory,
}


def _child(name: str, urls: list[str], options: dict[str, Any], conn: Any) -> None:
    start = time.perf_counter()
    outcomes = CLIENTS[name](urls, **options)
    wall = time.perf_counter() - start
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    conn.send(
        {
            "client": name,
            "urls": len(urls),
            "wall_s": wall,
            "per_s": len(urls) / wall if wall else 0.0,
            "cpu_s": cpu.ru_utime + cpu.ru_stime,
            "rss_mb": cpu.ru_maxrss / 1024,  # Linux: kilobytes
            "outcomes": dict(outcomes),
        }
    )


def measure(name: str, urls: list[str], **options: Any) -> dict[str, Any]:
    """Run one client on ``urls`` in a fresh (spawned) process; wall time, rate, peak RSS."""
    ctx = mp.get_context("spawn")
    mine, theirs = ctx.Pipe()
    child = ctx.Process(target=_child, args=(name, urls, options, theirs), daemon=True)
    child.start()
    theirs.close()
    try:
        return mine.recv()
    finally:
        child.join(timeout=30)
