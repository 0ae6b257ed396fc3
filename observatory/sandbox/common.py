"""Small shared pieces of the sandbox: the frozen clock, seeded randomness, HTTP answers."""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any


@dataclass(frozen=True)
class Clock:
    """Today's date (UTC), frozen when the sandbox starts: every date is relative to it."""

    today: date

    @classmethod
    def now(cls) -> Clock:
        return cls(datetime.now(UTC).date())

    def at(self, days_ago: int, hour: int = 0, minute: int = 0) -> datetime:
        """A moment ``days_ago`` days before today, at a fixed time of day (UTC)."""
        return datetime.combine(self.today - timedelta(days=days_ago), time(hour, minute), UTC)

    def iso(self, days_ago: int, hour: int = 0, minute: int = 0) -> str:
        return self.at(days_ago, hour, minute).isoformat()

    def day(self, days_ago: int) -> str:
        return (self.today - timedelta(days=days_ago)).isoformat()

    def http_date(self, days_ago: int, hour: int = 0) -> str:
        return self.at(days_ago, hour).strftime("%a, %d %b %Y %H:%M:%S GMT")


def rng(name: str) -> random.Random:
    """A random generator seeded by a name: the same name always draws the same values."""
    seed = int(hashlib.sha256(name.encode()).hexdigest()[:16], 16)
    return random.Random(seed)  # noqa: S311 (reproducible sample data, not secrets)


def stable_uuid(name: str) -> str:
    """A UUID (udata resource ids are UUIDs) derived from a name."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"observatory-sandbox:{name}"))


def object_id(name: str) -> str:
    """A 24-hex-digit id in the style of MongoDB ObjectIds (udata dataset ids)."""
    return hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:24]


def luhn_complete(digits: str) -> str:
    """Append the digit that makes ``digits`` pass the Luhn check (SIREN and SIRET keys)."""
    total = 0
    for i, ch in enumerate(reversed(digits + "0")):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return digits + str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    return luhn_complete(number[:-1]) == number


@dataclass
class Response:
    """One HTTP answer: status, headers and body (HEAD sends the same headers, no body)."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (slow API)
    head_override: Response | None = None  # what HEAD answers instead (lying HEAD)


def json_response(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, sort_keys=False).encode("utf-8")
    return Response(status=status, body=body)


def not_found(message: str = "Not found") -> Response:
    return json_response({"message": message, "status": 404}, status=404)
