"""The guard where requests' sockets connect: resolve once, check, connect to that address.

``GuardedAdapter`` mounts urllib3 pools whose connections ask the ``Guard`` for the
addresses of their host (one lookup, every address checked) and open the TCP socket to one
of those very addresses. The Host header, TLS SNI and certificate verification still use
the host name, since urllib3 keeps ``self.host`` for them. A second DNS answer never
decides where a socket goes, so rebinding a name between check and connect gains nothing.
A refusal raises ``RefusedURL`` out of ``Session.request`` (requests does not wrap it).
"""

from __future__ import annotations

import socket
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import create_connection

from observatory.net.guard import Guard


class GuardedConnectionMixin:
    """For urllib3 connections: connect only to addresses the class's ``guard`` checked."""

    guard: Guard = Guard()
    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        addresses = self.guard.addresses(self.host, self.port)  # raises RefusedURL
        error: OSError | None = None
        for ip in addresses:
            try:
                return create_connection(
                    (str(ip), self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as exc:
                raise ConnectTimeoutError(
                    self, f"Connection to {self.host} ({ip}) timed out: {exc}"
                ) from None
            except OSError as exc:
                error = exc
        raise NewConnectionError(
            self,  # type: ignore[arg-type]  # mixed into an HTTPConnection
            f"Failed to establish a new connection: {error}",
        )


def pool_classes(guard: Guard, mixin: type | None = None) -> dict[str, type]:
    """urllib3 pool classes by scheme whose connections obey ``guard`` (``mixin`` first)."""
    extra: tuple[type, ...] = (mixin,) if mixin is not None else ()
    attrs = {"guard": guard}
    plain = type("GuardedHTTPConnection", (*extra, GuardedConnectionMixin, HTTPConnection), attrs)
    tls = type("GuardedHTTPSConnection", (*extra, GuardedConnectionMixin, HTTPSConnection), attrs)
    return {
        "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": plain}),
        "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": tls}),
    }


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose every connection goes through ``guard`` (see module doc)."""

    __attrs__ = [*HTTPAdapter.__attrs__, "guard", "mixin"]

    def __init__(self, guard: Guard, mixin: type | None = None, **kwargs: Any) -> None:
        self.guard = guard
        self.mixin = mixin
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = pool_classes(self.guard, self.mixin)
        self.poolmanager.key_fn_by_scheme = dict(self.poolmanager.key_fn_by_scheme)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        raise ValueError("proxies are not used: the guard must see the target")
