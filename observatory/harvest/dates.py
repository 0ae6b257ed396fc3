"""Lenient date parsing for harvested metadata: aware UTC datetimes, never an exception.

Catalogues write dates every which way: ISO with or without a time zone, a bare date, a
year where ``xsd:date`` is declared. ``parse_datetime`` takes what can be read (a year
becomes 1 January) and says what it had to bend; the caller records that as a note.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def _aware(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC; aware ones are converted to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if value.tzinfo is UTC:  # most catalogue dates: astimezone would only copy them
        return value
    return value.astimezone(UTC)


def parse_datetime(raw: object) -> tuple[datetime | None, str | None]:
    """Read a date or datetime value; return (aware UTC datetime or None, problem or None).

    A problem is a short English note when the value was unreadable or had to be bent
    (a year or a year-month read as the first day of the period).
    """
    if raw is None:
        return None, None
    if isinstance(raw, datetime):
        return _aware(raw), None
    if isinstance(raw, date):
        return datetime(raw.year, raw.month, raw.day, tzinfo=UTC), None
    text = str(raw).strip()
    if not text:
        return None, None
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return _aware(datetime.fromisoformat(iso)), None
    except ValueError:
        pass
    if _YEAR.match(text):
        return datetime(int(text), 1, 1, tzinfo=UTC), f"'{text}' is a year, read as {text}-01-01"
    match = _YEAR_MONTH.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        year, month = int(match.group(1)), int(match.group(2))
        return datetime(year, month, 1, tzinfo=UTC), f"'{text}' is a month, read as its first day"
    match = _DATE_PREFIX.match(text)
    if match:
        try:
            year, month, mday = (int(g) for g in match.groups())
            day = datetime(year, month, mday, tzinfo=UTC)
        except ValueError:
            return None, f"'{text[:40]}' is not a valid date"
        return day, f"'{text[:40]}' read as its date part only"
    return None, f"'{text[:40]}' is not a date"


def parse_date(raw: object) -> tuple[date | None, str | None]:
    """Like ``parse_datetime`` but keep only the calendar day (temporal coverage bounds)."""
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw, None
    if isinstance(raw, datetime):
        return raw.date(), None  # the day as written, not shifted to UTC
    try:
        return datetime.fromisoformat(str(raw).strip().removesuffix("Z")).date(), None
    except ValueError:
        pass
    value, problem = parse_datetime(raw)
    return (value.date() if value else None), problem
