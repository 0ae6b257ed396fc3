"""What one running sandbox knows: its URLs, generation, clock, fault settings and counters."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from observatory.sandbox.common import Clock

# Which producer host plays which part; hosts are reused round-robin when there are fewer.
ROLES = ("static", "apis", "catalogue", "schemas")


@dataclass
class SandboxState:
    portal_url: str
    hosts: list[str]
    generation: int = 0
    clock: Clock = field(default_factory=Clock.now)
    slow_seconds: float = 1.5
    fail_every: int = 3
    _counters: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def base(self, role: str) -> str:
        """Base URL of the host playing ``role`` ("portal" or one of ROLES)."""
        if role == "portal":
            return self.portal_url
        return self.hosts[ROLES.index(role) % len(self.hosts)]

    def count(self, key: str) -> int:
        """Increment and return the request counter of ``key`` (1 for the first request)."""
        with self._lock:
            self._counters[key] = self._counters.get(key, 0) + 1
            return self._counters[key]

    def reset(self) -> None:
        with self._lock:
            self._counters.clear()
