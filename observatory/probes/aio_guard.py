"""The guard where aiohttp's sockets connect (the asynchronous side of ``net.connect``).

``GuardedResolver`` resolves each host once per session (in the executor, through the
policy's resolver, so a test can inject one) and checks every address; ``GuardedConnector``
sends every host through it, IP literals included (aiohttp would otherwise skip the
resolver for them), so the address that was checked is the address that is connected.
TLS SNI and certificate checks keep the host name (aiohttp passes it as ``hostname``).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aiohttp.abc import AbstractResolver, ResolveResult

from observatory.net.guard import Guard, IPAddress, RefusedURL
from observatory.net.url import parse_target
from observatory.probes.aio_phases import PhaseConnector

if TYPE_CHECKING:
    from aiohttp.tracing import Trace


UNSEEN = object()


class GuardedResolver(AbstractResolver):
    """One lookup per host and session; only checked addresses are handed to aiohttp."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self._lookups: dict[str, asyncio.Future[list[IPAddress]]] = {}
        self._verdicts: dict[str, object] = {}  # per host: refusal or None

    async def checked(self, host: str, port: int) -> list[IPAddress]:
        """The checked addresses of ``host``; raises RefusedURL (no resolution, refused)."""
        future = self._lookups.get(host)
        if future is None:
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(None, self.guard.lookup, host, port)
            self._lookups[host] = future
        found = future.result() if future.done() else await asyncio.shield(future)
        if host not in self._verdicts:
            self._verdicts[host] = self.guard.verdict(host, found)
        reason = self._verdicts[host]
        if reason is not None:
            raise RefusedURL(host, str(reason))
        return found

    async def check(self, url: str) -> None:
        """Hygiene of ``url`` and the check of its host's addresses (raises RefusedURL).

        Verdicts are kept per host: thousands of URLs of one host cost one check.
        """
        target = parse_target(url)
        reason = self._verdicts.get(target.host, UNSEEN)
        if reason is UNSEEN:
            if target.ip is not None:
                reason = self._verdicts[target.host] = self.guard.literal_refusal(target.ip)
            else:
                try:
                    await self.checked(target.host, target.port)
                    reason = None
                except RefusedURL as exc:
                    reason = exc.reason
        if reason is not None:
            raise RefusedURL(url, str(reason))

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_UNSPEC
    ) -> list[ResolveResult]:
        results: list[ResolveResult] = []
        for ip in await self.checked(host, port):
            fam = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
            if family in (0, fam):
                results.append(
                    ResolveResult(
                        hostname=host,
                        host=str(ip),
                        port=port,
                        family=fam,
                        proto=0,
                        flags=socket.AI_NUMERICHOST,
                    )
                )
        return results

    async def close(self) -> None:
        for future in self._lookups.values():
            future.cancel()


class GuardedConnector(PhaseConnector):
    """A connector that resolves every host, IP literals too, through ``GuardedResolver``."""

    def __init__(self, *args: Any, resolver: GuardedResolver, **kwargs: Any) -> None:
        super().__init__(*args, resolver=resolver, use_dns_cache=False, **kwargs)
        self.guarded = resolver

    async def _resolve_host(
        self, host: str, port: int, traces: Sequence[Trace] | None = None
    ) -> list[ResolveResult]:
        return await self.guarded.resolve(host, port, family=self._family)
