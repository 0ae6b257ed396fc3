"""Incidents: open after N failures in a row, close after M successes in a row (hysteresis).

Defaults follow Gatus (N=3, M=2), so one lost packet does not page anyone. What counts:

- ``down`` is a failure;
- ``degraded`` is a failure for an API (it answered wrong or too slowly: a reuser's program
  cannot rely on it) and a success for a file (the file was served, only slowly);
- ``up`` is a success;
- ``unknown`` (the server asked us to wait) and ``refused`` (address not allowed: our
  configuration, not their outage) are skipped: they neither open, close nor break a streak.

An incident starts at the first failure of its opening streak and ends at the first success
of its closing streak; its cause is the reason given by that first failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from observatory.model import ProbeResult

OPEN_AFTER = 3
CLOSE_AFTER = 2


@dataclass(frozen=True)
class Incident:
    url: str
    start: datetime  # first failure of the opening streak
    end: datetime | None  # first success of the closing streak; None while open
    cause: str  # reason of the first failure
    status: int | None = None  # HTTP status of the first failure, if any
    outcome: str = "down"  # outcome of the first failure (down or degraded)
    target: str = "file"

    @property
    def open(self) -> bool:
        return self.end is None

    def duration(self, now: datetime | None = None) -> timedelta | None:
        """How long it lasted (or has lasted until ``now`` if still open)."""
        if self.end is not None:
            return self.end - self.start
        return now - self.start if now is not None else None

    def as_dict(self, now: datetime | None = None) -> dict[str, object]:
        duration = self.duration(now)
        return {
            "url": self.url,
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "duration_seconds": duration.total_seconds() if duration is not None else None,
            "cause": self.cause,
            "status": self.status,
            "outcome": self.outcome,
            "target": self.target,
            "open": self.open,
        }


def verdict(probe: ProbeResult, degraded_fails: bool | None = None) -> bool | None:
    """True for a failure, False for a success, None for a probe that does not count."""
    if probe.outcome == "down":
        return True
    if probe.outcome == "up":
        return False
    if probe.outcome == "degraded":
        return probe.target == "api" if degraded_fails is None else degraded_fails
    return None


def find_incidents(
    probes: Sequence[ProbeResult],
    open_after: int = OPEN_AFTER,
    close_after: int = CLOSE_AFTER,
    degraded_fails: bool | None = None,
) -> list[Incident]:
    """Incidents of one URL's probes (sorted by ``checked_at``), oldest first.

    ``degraded_fails`` None means: per the probe's target (API yes, file no).
    """
    if open_after < 1 or close_after < 1:
        raise ValueError("open_after and close_after must be at least 1")
    incidents: list[Incident] = []
    failures: list[ProbeResult] = []  # current streak while no incident is open
    current: ProbeResult | None = None  # first failure of the open incident
    successes: list[ProbeResult] = []  # current streak while an incident is open
    for probe in probes:
        failed = verdict(probe, degraded_fails)
        if failed is None:
            continue
        if current is None:
            failures = [*failures, probe] if failed else []
            if len(failures) >= open_after:
                current, failures = failures[0], []
        else:
            successes = [] if failed else [*successes, probe]
            if len(successes) >= close_after:
                incidents.append(_incident(current, successes[0].checked_at))
                current, successes = None, []
    if current is not None:
        incidents.append(_incident(current, None))
    return incidents


def _incident(first: ProbeResult, end: datetime | None) -> Incident:
    return Incident(
        url=first.url,
        start=first.checked_at,
        end=end,
        cause=first.reason,
        status=first.status,
        outcome=first.outcome,
        target=first.target,
    )
