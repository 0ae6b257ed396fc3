"""The legal periodicities of the SPDR read on the French calendar (arrêté of 14 June 2017).

"Each working day" (Sirene) means an update on every French working day: Monday to Friday,
public holidays excluded (the ``holidays`` package's calendar for France, metropolitan
holidays). Other periodicities mean one update in each calendar period: each week (Monday
to Sunday), month, quarter, four-month period (January-April, May-August,
September-December), half-year or year; "after each campaign" (RPG) is one update per
agricultural campaign, i.e. per calendar year. Dates are read in Paris time.

With the last update on day D, the next one is due by the end of the next period after
D's (for working days: the next working day). Once that day is over without an update the
data is late; days late are counted from the day after it to today (``days_late``), and for
the working-day rule in working days (``working_days_late``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")
#: Periodicity -> length of its calendar period in months (weeks and working days aside).
PERIOD_MONTHS = {
    "monthly": 1,
    "quarterly": 3,
    "four_monthly": 4,
    "half_yearly": 6,
    "yearly": 12,
    "per_campaign": 12,
}
PERIODICITIES = ("daily_working", "daily", "weekly", *PERIOD_MONTHS)


@cache
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("FR", years=year)


def is_holiday(day: date) -> bool:
    return day in _holidays(day.year)


def holiday_name(day: date) -> str | None:
    name = _holidays(day.year).get(day)
    return str(name) if name else None


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a French public holiday."""
    return day.weekday() < 5 and not is_holiday(day)


def next_working_day(day: date) -> date:
    """The first working day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days(start: date, stop: date) -> int:
    """Working days in [start, stop)."""
    count, day = 0, start
    while day < stop:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count


def _month_period_end(day: date, months: int, periods_after: int) -> date:
    """Last day of the ``months``-long calendar period ``periods_after`` after ``day``'s."""
    index = (day.month - 1) // months + periods_after
    year = day.year + (index * months) // 12
    first_month = (index * months) % 12 + 1
    end_month = first_month + months  # first month of the period after, maybe 13
    if end_month > 12:
        return date(year + 1, end_month - 12, 1) - timedelta(days=1)
    return date(year, end_month, 1) - timedelta(days=1)


def due_day(periodicity: str, last: date, periods_after: int = 1) -> date:
    """The last day on which the update ``periods_after`` periods after ``last`` may come."""
    if periodicity == "daily_working":
        day = last
        for _ in range(periods_after):
            day = next_working_day(day)
        return day
    if periodicity == "daily":
        return last + timedelta(days=periods_after)
    if periodicity == "weekly":
        return last + timedelta(days=6 - last.weekday() + 7 * periods_after)
    return _month_period_end(last, PERIOD_MONTHS[periodicity], periods_after)


def local_day(moment: datetime) -> date:
    """The date in Paris of an aware datetime (naive ones are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(PARIS).date()


@dataclass(frozen=True)
class Lateness:
    due: date  # the last day the next update could come on time
    late: bool
    days_late: int  # calendar days from ``due`` (included) to today (excluded)
    working_days_late: int  # working days from ``due`` (included) to today (excluded)
    periods_missed: int  # whole periods gone by without an update


def lateness(periodicity: str, last_update: datetime, now: datetime) -> Lateness:
    """How late the data is on the legal calendar, given its last update."""
    last, today = local_day(last_update), local_day(now)
    due = due_day(periodicity, last)
    if today <= due:
        return Lateness(due, False, 0, 0, 0)
    missed = 1
    while missed < 1000 and due_day(periodicity, last, missed + 1) < today:
        missed += 1
    return Lateness(due, True, (today - due).days, working_days(due, today), missed)
