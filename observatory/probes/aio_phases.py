"""Connection phases and certificate expiry for the asynchronous engine (aiohttp).

aiohttp opens a connection (TCP, then TLS) inside ``BaseConnector.connect``; this connector
times that call and reads the TLS handshake start from its own ``SSLObject`` subclass, so
``connect_ms`` is TCP only and ``tls_ms`` the handshake, as in the threaded engine. It reports
into the ``probes.phases`` holder of the running request (a context variable: the connector
runs in the task of the request). A pooled connection reports its certificate, not set-up.
"""

from __future__ import annotations

import ssl
import time
import weakref
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import aiohttp

from observatory.probes.phases import CURRENT, not_after

if TYPE_CHECKING:
    from aiohttp.client_reqrep import ClientRequest
    from aiohttp.connector import Connection
    from aiohttp.tracing import Trace


class TimedSSLObject(ssl.SSLObject):
    """An SSLObject that remembers when its handshake began and ended."""

    handshake_started: float | None = None
    handshake_done: float | None = None

    def do_handshake(self) -> None:
        if self.handshake_started is None:
            self.handshake_started = time.monotonic()
        super().do_handshake()  # raises SSLWantReadError until the handshake completes
        self.handshake_done = time.monotonic()


@lru_cache(maxsize=8)
def ssl_context(ca_bundle: str | None) -> ssl.SSLContext:
    """A verifying client context (``ca_bundle`` or the system store) with timed handshakes."""
    context = ssl.create_default_context(cafile=ca_bundle)
    context.set_alpn_protocols(["http/1.1"])
    context.sslobject_class = TimedSSLObject
    return context


class PhaseConnector(aiohttp.TCPConnector):
    """A TCP connector that reports each request's connection phases (``probes.phases``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._known: weakref.WeakSet[Any] = weakref.WeakSet()

    async def connect(
        self, req: ClientRequest, traces: list[Trace], timeout: aiohttp.ClientTimeout
    ) -> Connection:
        phases = CURRENT.get()
        start = time.monotonic()
        conn = await super().connect(req, traces, timeout)
        if phases is None:
            return conn
        end = time.monotonic()
        protocol = conn.protocol
        fresh = protocol is not None and protocol not in self._known
        if protocol is not None:
            self._known.add(protocol)
        transport = conn.transport
        tls = transport.get_extra_info("ssl_object") if transport is not None else None
        expiry = not_after(tls.getpeercert()) if tls is not None else None
        began = getattr(tls, "handshake_started", None)
        done = getattr(tls, "handshake_done", None) or end
        connect_ms = ((began or end) - start) * 1000
        tls_ms = (done - began) * 1000 if began is not None else None
        phases.note(start if fresh else None, connect_ms, tls_ms, expiry)
        return conn
