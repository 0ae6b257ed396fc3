"""Update frequencies and legal periodicities as expected delays between two updates.

Two tables: ``UDATA_DELTAS`` reproduces udata exactly (for the platform score parity), and
``STRICT_DELTAS`` is the observatory's own reading, stricter for several-times-per-period
values (udata gives "three times a year" and "twice a year" a full year; we give them 122
and 183 days). EU frequency authority URIs and Dublin Core ``freq:`` URIs map onto the
same vocabulary.
"""

from __future__ import annotations

from datetime import timedelta

DAY = timedelta(days=1)

#: udata ``Dataset.next_update`` deltas, verbatim (quarterly is 365/4 days there).
UDATA_DELTAS: dict[str, timedelta] = {
    "hourly": timedelta(hours=1),
    **dict.fromkeys(("fourTimesADay", "threeTimesADay", "semidaily", "daily"), DAY),
    **dict.fromkeys(("fourTimesAWeek", "threeTimesAWeek", "semiweekly", "weekly"), 7 * DAY),
    "biweekly": 14 * DAY,
    **dict.fromkeys(("threeTimesAMonth", "semimonthly", "monthly"), 31 * DAY),
    "bimonthly": 62 * DAY,
    "quarterly": timedelta(days=365 / 4),
    **dict.fromkeys(("threeTimesAYear", "semiannual", "annual"), 365 * DAY),
    "biennial": 730 * DAY,
    "triennial": 3 * 365 * DAY,
    "quinquennial": 5 * 365 * DAY,
}

#: Frequencies udata counts as "fulfilled in time" without any delta.
UDATA_ALWAYS_ON_TIME = frozenset({"continuous", "irregular", "punctual"})

#: The observatory's deltas: one period divided by the number of updates it promises.
STRICT_DELTAS: dict[str, timedelta] = {
    "continuous": DAY,  # "real time": the data must at least move every day
    "hourly": timedelta(hours=1),
    "fourTimesADay": timedelta(hours=6),
    "threeTimesADay": timedelta(hours=8),
    "semidaily": timedelta(hours=12),
    "daily": DAY,
    "fourTimesAWeek": 2 * DAY,
    "threeTimesAWeek": 3 * DAY,
    "semiweekly": 4 * DAY,
    "weekly": 7 * DAY,
    "biweekly": 14 * DAY,
    "threeTimesAMonth": 11 * DAY,
    "semimonthly": 16 * DAY,
    "monthly": 31 * DAY,
    "bimonthly": 62 * DAY,
    "fourTimesAYear": 92 * DAY,
    "quarterly": 93 * DAY,
    "threeTimesAYear": 122 * DAY,
    "semiannual": 183 * DAY,
    "annual": 365 * DAY,
    "biennial": 730 * DAY,
    "triennial": 3 * 365 * DAY,
    "quadrennial": 4 * 365 * DAY,
    "quinquennial": 5 * 365 * DAY,
    "decennial": 10 * 365 * DAY,
}

#: Frequencies that promise no regular update: freshness does not apply.
NO_DELTA = frozenset(
    {"punctual", "irregular", "unknown", "never", "other", "as_needed", "not_planned"}
)

#: EU authority codes (last URI segment, upper case) and Dublin Core terms -> udata names.
_EU_CODES: dict[str, str] = {
    "CONT": "continuous",
    "UPDATE_CONT": "continuous",
    "1MIN": "continuous",
    "5MIN": "continuous",
    "10MIN": "continuous",
    "15MIN": "continuous",
    "30MIN": "continuous",
    "HOURLY": "hourly",
    "BIHOURLY": "fourTimesADay",  # every two hours: at least four times a day
    "TRIHOURLY": "fourTimesADay",
    "12HRS": "semidaily",
    "DAILY_2": "semidaily",
    "DAILY": "daily",
    "WEEKLY_3": "threeTimesAWeek",
    "WEEKLY_2": "semiweekly",
    "WEEKLY": "weekly",
    "BIWEEKLY": "biweekly",
    "MONTHLY_3": "threeTimesAMonth",
    "MONTHLY_2": "semimonthly",
    "MONTHLY": "monthly",
    "BIMONTHLY": "bimonthly",
    "QUARTERLY": "quarterly",
    "ANNUAL_3": "threeTimesAYear",
    "ANNUAL_2": "semiannual",
    "ANNUAL": "annual",
    "BIENNIAL": "biennial",
    "TRIENNIAL": "triennial",
    "QUADRENNIAL": "quadrennial",
    "QUINQUENNIAL": "quinquennial",
    "DECENNIAL": "decennial",
    "IRREG": "irregular",
    "IRREGULAR": "irregular",
    "UNKNOWN": "unknown",
    "NEVER": "never",
    "OTHER": "other",
    "AS_NEEDED": "as_needed",
    "NOT_PLANNED": "not_planned",
    "PROVISIONAL": "unknown",
    # udata legacy names and Dublin Core freq: terms
    "FORTNIGHLY": "biweekly",
    "BIANNUAL": "semiannual",
    "REALTIME": "continuous",
    "CONTINUOUS": "continuous",
}

_CANONICAL = {name.upper(): name for name in (*STRICT_DELTAS, *NO_DELTA)}


def normalise_frequency(value: str | None) -> str | None:
    """The udata frequency name for a udata value, EU authority URI or Dublin Core URI."""
    if not value or not value.strip():
        return None
    code = value.strip().rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    code = code.rsplit(":", 1)[-1].upper()
    return _EU_CODES.get(code) or _CANONICAL.get(code) or value.strip()


def strict_delta(value: str | None) -> timedelta | None:
    """The observatory's expected delay between two updates (None: no regular update)."""
    name = normalise_frequency(value)
    return STRICT_DELTAS.get(name) if name else None


#: Legal periodicities of the SPDR (arrêté of 14 June 2017); read on the French calendar
#: by ``observatory.scoring.legal_calendar``.
LEGAL_LABELS: dict[str, str] = {
    "daily_working": "chaque jour ouvré",
    "daily": "quotidienne",
    "weekly": "hebdomadaire",
    "monthly": "mensuelle",
    "quarterly": "trimestrielle",
    "four_monthly": "tous les quatre mois",
    "half_yearly": "semestrielle",
    "yearly": "annuelle",
    "per_campaign": "après chaque campagne",
}
