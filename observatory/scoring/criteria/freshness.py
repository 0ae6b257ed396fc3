"""Freshness: is the data updated as often as promised, and are its dates coherent?"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from observatory.scoring.context import ScoringContext, aware, last_update
from observatory.scoring.frequencies import (
    LEGAL_LABELS,
    NO_DELTA,
    normalise_frequency,
    strict_delta,
)
from observatory.scoring.legal_calendar import lateness
from observatory.scoring.registry import (
    FOREVER,
    Verdict,
    criterion,
    fail,
    holding,
    na,
    partial,
    passed,
)

TOLERANCE = timedelta(days=1)  # harvesting and publication delays (as udata)
FUTURE_TOLERANCE = timedelta(days=1)  # clocks and time zones
LAG_ALERT = timedelta(days=31)  # a resource this much newer than the dataset's update date


def _days(delta: timedelta) -> float:
    return round(delta.total_seconds() / 86400, 1)


def judge_delay(
    updated: datetime, delta: timedelta, now: datetime, tolerance: timedelta, hint: str
) -> Verdict:
    """Pass when updated in time, partial (0.5) when late by less than one period, else
    fail. In time, the verdict holds until the deadline; late, until the days late shown
    (to a tenth of a day) or the status change."""
    expected_by = updated + delta
    late = now - (expected_by + tolerance)
    evidence: dict[str, Any] = {
        "last_update": updated,
        "expected_by": expected_by,
        "period_days": _days(delta),
    }
    if late <= timedelta(0):
        return holding(passed(**evidence), expected_by + tolerance)
    days_late = evidence["days_late"] = _days(now - expected_by)
    # round(x, 1) keeps its value while x stays below the next half tenth (1 s to spare)
    shown_until = expected_by + timedelta(days=days_late + 0.05) - timedelta(seconds=1)
    if late < delta:
        until = min(shown_until, expected_by + tolerance + delta)
        return holding(partial(0.5, hint, **evidence), until)
    return holding(fail(hint, **evidence), shown_until)


@criterion(
    "freshness.frequency", "freshness", "Mise à jour selon la fréquence déclarée", 2.0, moves=True
)
def declared_frequency(ctx: ScoringContext) -> Verdict:
    """The last update is no older than the declared frequency allows, with 1 day tolerance.

    udata frequencies, EU frequency authority URIs and Dublin Core terms are understood. We
    are stricter than udata for several-times-per-period values: udata gives "three times a
    year" and "twice a year" a full year (365 days) and "three times a week" a week, we
    divide the period (122, 183 and 3 days; "four times a year" 92 days). "Continuous" must
    move at least daily. Late by less than one period is partial; more is a failure.
    Punctual, irregular, unknown, never or no frequency: not applicable.
    """
    name = normalise_frequency(ctx.dataset.frequency)
    delta = strict_delta(name)
    if name is None or name in NO_DELTA or delta is None:
        return holding(na("aucune fréquence de mise à jour régulière déclarée", frequency=name))
    updated = last_update(ctx.dataset)
    if updated is None:
        return holding(
            fail("Renseignez la date de dernière mise à jour des données.", frequency=name)
        )
    hint = (
        f"Les données auraient dû être mises à jour (fréquence déclarée : {name}). Publiez "
        "une version à jour ou corrigez la fréquence déclarée si elle a changé."
    )
    verdict = judge_delay(updated, delta, ctx.utc_now, TOLERANCE, hint)
    verdict.evidence["frequency"] = name
    return verdict


@criterion(
    "freshness.legal_periodicity",
    "freshness",
    "Périodicité légale respectée",
    2.0,
    "SPDR dataset",
    moves=True,
)
def legal_periodicity(ctx: ScoringContext) -> Verdict:
    """For a reference dataset (SPDR), the last update against its LEGAL periodicity, on the
    French calendar (arrêté of 14 June 2017).

    Sirene: an update each working day (Monday to Friday, French public holidays excluded,
    from the ``holidays`` package): updated on day D, the next update is due on the next
    working day, and is late once that day is over. BAN and State organisation: one update
    each calendar week (Monday to Sunday); RNA each month; PCI each quarter; ROME each
    four-month period (January-April, May-August, September-December); RGE each half-year;
    COG each year; RPG after each campaign (one a year). The next update is due by the end
    of the period following the last update's; dates are read in Paris time. Late by one
    period (one working day for Sirene) is partial (0.5), more is a failure; the evidence
    gives the due date and the days late, in calendar and working days. Not applicable to
    other datasets.
    """
    if ctx.spdr is None:
        return holding(na("pas un jeu de données de référence"))
    periodicity = ctx.spdr.periodicity
    label = LEGAL_LABELS[periodicity]
    updated = last_update(ctx.dataset)
    if updated is None:
        return fail(
            "Renseignez la date de dernière mise à jour : la périodicité légale ne peut pas "
            "être vérifiée sans elle.",
            periodicity=periodicity,
        )
    found = lateness(periodicity, updated, ctx.utc_now)
    evidence: dict[str, Any] = {
        "periodicity": periodicity,
        "periodicity_label": label,
        "last_update": updated,
        "due": found.due,
    }
    if not found.late:
        return passed(**evidence)
    evidence.update(
        days_late=found.days_late,
        working_days_late=found.working_days_late,
        periods_missed=found.periods_missed,
    )
    hint = (
        f"La périodicité légale de mise à jour ({label}) n'est pas respectée : mise à jour "
        f"attendue au plus tard le {found.due:%d/%m/%Y}. Publiez la dernière version des données."
    )
    if found.periods_missed <= 1:
        return partial(0.5, hint, **evidence)
    return fail(hint, **evidence)


def _named_dates(ctx: ScoringContext) -> list[tuple[str, datetime]]:
    """The dates a date in the future is looked for in, with what they date."""
    d = ctx.dataset
    named = [("publication", d.issued), ("mise à jour", d.modified)]
    named.append(("modification des métadonnées", d.metadata_modified))
    named += [(f"ressource {dist.title or dist.url}", dist.modified) for dist in d.distributions]
    return [(what, aware(value)) for what, value in named if value is not None]


def _date_problems(ctx: ScoringContext) -> tuple[list[str], list[str]]:
    """(hard problems, soft problems) found in the dataset and resource dates."""
    d, now = ctx.dataset, ctx.utc_now
    hard: list[str] = []
    soft: list[str] = []
    if d.issued and d.modified and aware(d.modified) < aware(d.issued):
        hard.append(f"mise à jour ({d.modified:%Y-%m-%d}) antérieure à la publication")
    for dist in d.distributions:
        if dist.issued and dist.modified and aware(dist.modified) < aware(dist.issued):
            name = dist.title or dist.url
            hard.append(f"ressource {name} : mise à jour antérieure à sa création")
    for what, value in _named_dates(ctx):
        if value > now + FUTURE_TOLERANCE:
            hard.append(f"{what} : date dans le futur ({value:%Y-%m-%d})")
    newest = max((aware(x.modified) for x in d.distributions if x.modified), default=None)
    if d.modified and newest and newest - aware(d.modified) > LAG_ALERT:
        soft.append(
            f"ressource mise à jour le {newest:%Y-%m-%d}, jeu de données le {d.modified:%Y-%m-%d}"
        )
    return hard, soft


@criterion("freshness.dates", "freshness", "Dates cohérentes", 0.5, moves=True)
def date_consistency(ctx: ScoringContext) -> Verdict:
    """Dates make sense: last update not before publication, nothing in the future (1 day
    tolerance), and no resource more than 31 days newer than the dataset's update date
    (the declared date then misleads reusers; partial). Not applicable without any date.
    """
    d = ctx.dataset
    has_dates = d.issued or d.modified or any(x.modified or x.issued for x in d.distributions)
    if not has_dates:
        return holding(na("aucune date renseignée"))
    hard, soft = _date_problems(ctx)
    # a date in the future stops being one once the clock reaches it (tolerance aside)
    future = [
        v - FUTURE_TOLERANCE for _, v in _named_dates(ctx) if v > ctx.utc_now + FUTURE_TOLERANCE
    ]
    until = min(future, default=FOREVER)
    hint = "Corrigez les dates de publication et de mise à jour : " + "; ".join(hard + soft) + "."
    if hard:
        return holding(fail(hint, problems=hard + soft), until)
    if soft:
        return holding(partial(0.5, hint, problems=soft), until)
    return holding(passed(), until)
