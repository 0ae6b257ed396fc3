"""Politeness shared by both probe engines: per-host pacing and cool-off after 429.

A host gets at most ``rate`` requests per second (``HostPacer``, strict spacing: two
requests to one host are never closer than 1/rate seconds when they leave) and, once it
answered 429 or 503 with Retry-After, is left alone until the cool-off ends
(``HostBudget``). Both classes are thread-safe and never block: callers sleep (threads)
or await (asyncio) the delay they are given.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from observatory.model import ProbeResult

DEFAULT_COOL_OFF = 60.0  # seconds, when a 429 carries no usable Retry-After
MAX_COOL_OFF = 3600.0


def host_of(url: str) -> str:
    """The host name a per-host budget applies to ("" for a URL without one)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


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
        """Start a cool-off when ``result`` says the host asked to slow down."""
        if result.outcome != "unknown" or result.status not in (429, 503):
            return
        seconds = cool_off_seconds(result.extra.get("retry_after"))
        why = f"not requested: {host} asked to slow down (HTTP {result.status})"
        with self._lock:
            self._until[host] = (time.monotonic() + seconds, why)


class HostPacer:
    """At most ``rate`` requests per second per host (None: no pacing)."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def claim(self, host: str) -> float:
        """0 when a request to ``host`` may leave now (the slot is taken), else seconds to wait."""
        if not self.interval:
            return 0.0
        with self._lock:
            now = time.monotonic()
            due = self._next.get(host, 0.0)
            if now >= due:
                self._next[host] = now + self.interval
                return 0.0
            return due - now

    def wait(self, host: str) -> None:
        """Block until a request to ``host`` may leave (threaded engine)."""
        while (delay := self.claim(host)) > 0:
            time.sleep(delay)


class HeadMemory:
    """Hosts whose HEAD answers were seen to disagree with GET: their HEAD is not believed.

    Thread-safe; one per batch by default, or kept by the caller across batches.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hosts: dict[str, str] = {}

    def distrust(self, host: str) -> str | None:
        """Why HEAD is not believed for ``host`` (a GET must confirm), or None."""
        with self._lock:
            seen = self._hosts.get(host)
        return f"HEAD of {host} is not believed: earlier, {seen}" if seen else None

    def note(self, host: str, result: ProbeResult) -> None:
        """Remember ``host`` when ``result`` caught its HEAD contradicting its GET."""
        why = result.extra.get("head_unreliable")
        if why:
            with self._lock:
                self._hosts.setdefault(host, why)
