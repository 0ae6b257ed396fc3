"""A synthetic probe history with gaps where the prober was not running (hand-checked).

File ``FILE_URL`` (schedule 15 min, max_gap 30 min), now = 2025-03-10 12:00 UTC:

- January 2025: a probe every 15 min from Jan 1 00:00 to Jan 31 23:45, all up except
  Jan 10 08:00..14:45 (28 probes, HTTP 503: 7 h down), and no probe at all on Jan 20
  (prober stopped from Jan 20 00:00 to Jan 21 00:00).
- February: no probe (only the last January probe's 15 minutes spill into Feb 1).
- March 10: 00:00 up, 00:15 up, 00:30 up, 00:45..01:30 down (4 probes, HTTP 404),
  01:45 up, 02:00 up, 02:15 up, prober stopped until 05:00, 05:00 degraded, 05:15 up,
  05:30 unknown (429), 05:45..11:45 up every 15 min.
  Latencies (ms) on up/degraded probes: 00:00 100, 00:15 200, 00:30 300, 01:45 400,
  05:00 6000; down probes 50 (not counted); every other probe none.

API ``API_URL`` on March 10 (target api, degraded is a failure):
06:00 up, 06:15 degraded, 06:30 down, 06:45 unknown, 07:00 down, 07:15 up, 07:30 unknown,
07:45 up, 08:00 up, 08:15 down, 08:30 down, 08:45 up, 09:00 down, 09:15 down, 09:30 down,
09:45 up.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from observatory.model import ProbeResult

FILE_URL = "https://files.example.test/sirene/StockEtablissement.zip"
API_URL = "https://api.example.test/v3/siret?q=test"
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
STEP = timedelta(minutes=15)
REASONS = {
    "up": "HTTP 200",
    "degraded": "HTTP 200 but slow: 6000 ms > 5000 ms",
    "unknown": "HTTP 429: asked to retry later",
}


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=UTC)


def probe(
    when: datetime,
    outcome: str,
    *,
    url: str = FILE_URL,
    reason: str | None = None,
    status: int | None = None,
    latency: float | None = None,
    target: str = "file",
) -> ProbeResult:
    return ProbeResult(
        url=url,
        outcome=outcome,  # type: ignore[arg-type]
        reason=reason or REASONS.get(outcome, outcome),
        checked_at=when,
        target=target,  # type: ignore[arg-type]
        status=status if status is not None else {"up": 200, "degraded": 200}.get(outcome),
        latency_ms=latency,
    )


def january() -> list[ProbeResult]:
    found = []
    moment = at(1, 1)
    while moment < at(2, 1):
        if at(1, 20) <= moment < at(1, 21):
            pass  # the prober did not run that day
        elif at(1, 10, 8) <= moment < at(1, 10, 15):
            found.append(probe(moment, "down", reason="HTTP 503", status=503))
        else:
            found.append(probe(moment, "up"))
        moment += STEP
    return found


def march_file() -> list[ProbeResult]:
    latency = {(0, 0): 100, (0, 15): 200, (0, 30): 300, (1, 45): 400}
    found = [probe(at(3, 10, 0, m), "up", latency=latency[(0, m)]) for m in (0, 15, 30)]
    for h, m in ((0, 45), (1, 0), (1, 15), (1, 30)):
        found.append(probe(at(3, 10, h, m), "down", reason="HTTP 404", status=404, latency=50))
    found.append(probe(at(3, 10, 1, 45), "up", latency=400))
    found += [probe(at(3, 10, h, m), "up") for h, m in ((2, 0), (2, 15))]
    found.append(probe(at(3, 10, 5), "degraded", latency=6000))
    found.append(probe(at(3, 10, 5, 15), "up"))
    found.append(probe(at(3, 10, 5, 30), "unknown", status=429))
    moment = at(3, 10, 5, 45)
    while moment <= at(3, 10, 11, 45):
        found.append(probe(moment, "up"))
        moment += STEP
    return found


def file_history() -> list[ProbeResult]:
    return january() + march_file()


def api_history() -> list[ProbeResult]:
    script = [
        ("06:00", "up"), ("06:15", "degraded"), ("06:30", "down"), ("06:45", "unknown"),
        ("07:00", "down"), ("07:15", "up"), ("07:30", "unknown"), ("07:45", "up"),
        ("08:00", "up"), ("08:15", "down"), ("08:30", "down"), ("08:45", "up"),
        ("09:00", "down"), ("09:15", "down"), ("09:30", "down"), ("09:45", "up"),
    ]  # fmt: skip
    reasons = {
        "06:15": "assertion failed: features[0].properties.label is missing",
        "06:30": "HTTP 500",
        "09:00": "HTTP 502",
    }
    found = []
    for hhmm, outcome in script:
        h, m = map(int, hhmm.split(":"))
        found.append(
            probe(
                at(3, 10, h, m),
                outcome,
                url=API_URL,
                reason=reasons.get(hhmm, "HTTP 500" if outcome == "down" else None),
                status={"09:00": 502}.get(hhmm, 500) if outcome == "down" else None,
                target="api",
            )
        )
    return found
