"""Connection phases and certificate expiry of a probe request, for both engines.

A request runs inside ``recording()``, which puts a ``Phases`` holder in a context variable;
the connection that serves the request fills it in: TCP connect time and TLS handshake time
when the connection was opened for this request (a reused keep-alive connection has no set-up
to report), and, for https, the certificate's ``notAfter``. The threaded engine does it with
a urllib3 connection mixin (``Timed``) that ``probe_session`` adds to the guarded
connections; the asynchronous engine with its own connector (``probes.aio_phases``). Both
report through the same holder, so the same fields.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests

from observatory.net.fetch import HttpSettings, make_session

CERT_WARN_DAYS = 14  # a certificate expiring sooner is mentioned in the reason of an up probe


@dataclass
class Phases:
    """What the connection behind one request told: set-up times and certificate expiry."""

    started: float = field(default_factory=time.monotonic)
    connect_ms: float | None = None
    tls_ms: float | None = None
    cert_not_after: datetime | None = None

    def note(
        self,
        opened_at: float | None,
        connect_ms: float | None,
        tls_ms: float | None,
        not_after: datetime | None,
    ) -> None:
        """Record the connection of the latest hop; set-up times only if opened for it."""
        fresh = opened_at is not None and opened_at >= self.started
        self.connect_ms = connect_ms if fresh else None
        self.tls_ms = tls_ms if fresh else None
        self.cert_not_after = not_after


CURRENT: ContextVar[Phases | None] = ContextVar("observatory_probe_phases", default=None)


@contextmanager
def recording() -> Iterator[Phases]:
    """Collect the phases of the requests sent inside the block (the last hop wins)."""
    phases = Phases()
    token = CURRENT.set(phases)
    try:
        yield phases
    finally:
        CURRENT.reset(token)


def not_after(cert: Any) -> datetime | None:
    """The expiry of a certificate as given by ``getpeercert()`` (None when unknown)."""
    raw = cert.get("notAfter") if isinstance(cert, dict) else None
    if not raw:
        return None
    try:
        return datetime.fromtimestamp(ssl.cert_time_to_seconds(raw), UTC)
    except ValueError:
        return None


def days_left(expiry: datetime, at: datetime) -> int:
    """Whole days from ``at`` to ``expiry`` (negative once expired)."""
    return int((expiry - at).total_seconds() // 86400)


def phase_extra(phases: Phases | None, checked_at: datetime) -> dict[str, Any]:
    """The ``ProbeResult.extra`` fields of the phases: connect_ms, tls_ms, cert_*."""
    if phases is None:
        return {}
    out: dict[str, Any] = {}
    if phases.connect_ms is not None:
        out["connect_ms"] = round(phases.connect_ms, 1)
    if phases.tls_ms is not None:
        out["tls_ms"] = round(phases.tls_ms, 1)
    if phases.cert_not_after is not None:
        at = checked_at if checked_at.tzinfo else checked_at.replace(tzinfo=UTC)
        out["cert_not_after"] = phases.cert_not_after.isoformat()
        out["cert_days_left"] = days_left(phases.cert_not_after, at)
    return out


def cert_warning(extra: dict[str, Any]) -> str | None:
    """A note for the reason when the certificate expires within ``CERT_WARN_DAYS``."""
    left = extra.get("cert_days_left")
    if left is None or left >= CERT_WARN_DAYS:
        return None
    return f"certificate expires in {left} days ({extra['cert_not_after'][:10]})"


# --- threaded engine: urllib3 connections that time their set-up -------------------------


class Timed:
    """Mixin for urllib3 connections: time TCP and TLS set-up, report on every request."""

    _opened_at: float | None = None
    _tcp_done: float = 0.0
    _tcp_ms: float | None = None
    _tls_ms: float | None = None
    _not_after: datetime | None = None

    def _new_conn(self) -> Any:
        start = time.monotonic()
        sock = super()._new_conn()  # type: ignore[misc]
        self._tcp_done = time.monotonic()
        self._opened_at = start
        self._tcp_ms = (self._tcp_done - start) * 1000
        return sock

    def connect(self) -> None:
        self._tls_ms = None
        super().connect()  # type: ignore[misc]
        sock = getattr(self, "sock", None)
        if isinstance(sock, ssl.SSLSocket):
            self._tls_ms = (time.monotonic() - self._tcp_done) * 1000
            self._not_after = not_after(sock.getpeercert())

    def request(self, *args: Any, **kwargs: Any) -> None:
        super().request(*args, **kwargs)  # type: ignore[misc]  # connects a plain http one
        phases = CURRENT.get()
        if phases is not None:
            phases.note(self._opened_at, self._tcp_ms, self._tls_ms, self._not_after)


def probe_session(http: HttpSettings, pool_size: int = 10) -> requests.Session:
    """``net.fetch.make_session`` whose connections report connect/TLS times and certificates."""
    return make_session(http, pool_size, mixin=Timed)
