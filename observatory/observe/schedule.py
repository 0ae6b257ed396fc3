"""When each file is asked again: by its age and history, as data.gouv.fr's crawler does.

A file's next check comes after an interval chosen from what we know of it:

| what we know | next check after |
|---|---|
| its latest probe measured nothing (429: "unknown") | every run |
| its latest probe failed (down, refused) | 12 h |
| it changed less than a day ago | 12 h |
| it changed less than 7 days ago, or we never saw it change | 24 h |
| it changed less than 30 days ago | 7 days |
| it has not changed for 30 days or more | 30 days |

"Changed" means its validators (ETag, Last-Modified, size) differ from the ones stored last
time. A file seen for the first time is dated by its Last-Modified header when the server gives
a plausible one (not in the future), and counts as just changed otherwise: a ten-year-old
archive newly listed in a catalogue is not asked every 12 hours for a week.

Files of the reference datasets (SPDR) are asked on every run: their availability is a legal
obligation. Nothing is asked again within ``settings.reprobe_after`` seconds (0
turns the schedule off: every file is asked on every run). A file that is asked is asked
conditionally (If-None-Match / If-Modified-Since), so an unchanged one costs a 304.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from observatory.scoring.context import aware
from observatory.storage.cache import HttpValidators
from observatory.storage.state import ProbeRef

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
FAILED = 12 * HOUR
#: (changed less than this long ago, next check after), first match wins
BY_AGE: tuple[tuple[timedelta, timedelta], ...] = (
    (DAY, 12 * HOUR),
    (7 * DAY, DAY),
    (30 * DAY, 7 * DAY),
)
STABLE = 30 * DAY
UNKNOWN_AGE = DAY
HEALTHY = frozenset({"up", "degraded"})

#: The schedule as (situation, interval) rows, for the methodology page and the run summary.
SCHEDULE_ROWS: tuple[tuple[str, timedelta], ...] = (
    ("dernière vérification sans mesure (429, « inconnu »)", timedelta(0)),
    ("dernière vérification en échec (indisponible, refusé)", FAILED),
    ("modifié il y a moins d'un jour (fichier nouveau sans Last-Modified compris)", 12 * HOUR),
    ("modifié il y a moins de 7 jours, ou date de modification inconnue", DAY),
    ("modifié il y a moins de 30 jours", 7 * DAY),
    ("inchangé depuis 30 jours ou plus", STABLE),
    ("fichier d'un jeu de données de référence (SPDR)", timedelta(0)),
)


def interval(outcome: str, changed_at: datetime | None, now: datetime) -> timedelta:
    """How long after its check at ``now`` a file is due again."""
    if outcome not in HEALTHY:
        return FAILED
    if changed_at is None:
        return UNKNOWN_AGE
    age = now - aware(changed_at)
    for younger_than, every in BY_AGE:
        if age < younger_than:
            return every
    return STABLE


def longest_interval(reprobe_after: float) -> timedelta:
    """How far back a stored probe can still stand for a file."""
    return max(STABLE, timedelta(seconds=reprobe_after))


def is_due(
    probed: ProbeRef | None,
    cached: HttpValidators | None,
    now: datetime,
    reprobe_after: float,
    always: bool = False,
) -> bool:
    """Whether a file must be asked on this run."""
    if reprobe_after <= 0 or probed is None or probed.outcome == "unknown":
        return True
    since = now - aware(probed.checked_at)
    floor = timedelta(seconds=reprobe_after)
    if since < floor:
        return False
    if always:
        return True
    changed_at = cached.changed_at if cached is not None else None
    # the interval is set when the file is checked, from what was known then (as the
    # platform's crawler computes its next check date)
    return since >= interval(probed.outcome, changed_at, aware(probed.checked_at))


def within_floor(
    urls: Iterable[str], latest: Mapping[str, ProbeRef], now: datetime, reprobe_after: float
) -> dict[str, ProbeRef]:
    """URL -> its stored probe, for the files probed less than ``reprobe_after`` ago: not
    due whatever their age or their kind (``is_due`` needs nothing more to say so), so a
    re-run within that time reads no file's validators."""
    floor = timedelta(seconds=reprobe_after)
    out = {}
    for url in urls:
        probed = latest.get(url)
        if probed is None or reprobe_after <= 0 or probed.outcome == "unknown":
            continue
        if now - aware(probed.checked_at) < floor:
            out[url] = probed
    return out


def not_due(
    urls: Iterable[str],
    latest: Mapping[str, ProbeRef],
    cached: Mapping[str, HttpValidators],
    now: datetime,
    reprobe_after: float,
    always: Collection[str] = (),
) -> dict[str, ProbeRef]:
    """URL -> the stored probe that still stands for it (the file is not due)."""
    out = {}
    for url in urls:
        probed = latest.get(url)
        if probed is not None and not is_due(
            probed, cached.get(url), now, reprobe_after, url in always
        ):
            out[url] = probed
    return out


def changed_at(
    old: HttpValidators | None, new: HttpValidators, status: int | None, now: datetime
) -> datetime:
    """When the file last changed, given what the server just said."""
    if old is None:
        return first_seen_age(new.last_modified, now)
    if status == 304:
        return old.changed_at or now
    same = (old.etag, old.last_modified, old.content_length) == (
        new.etag,
        new.last_modified,
        new.content_length,
    )
    return (old.changed_at or now) if same else now


def first_seen_age(last_modified: str | None, now: datetime) -> datetime:
    """A new file's change date: its Last-Modified when plausible, else ``now``."""
    if not last_modified:
        return now
    try:
        stamp = aware(parsedate_to_datetime(last_modified))
    except (TypeError, ValueError, IndexError, OverflowError):
        return now
    return stamp if stamp <= aware(now) else now
