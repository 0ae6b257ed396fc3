"""Availability: can the files be downloaded and do the APIs answer, against the legal bar?"""

from __future__ import annotations

from typing import Any

from observatory.model import ProbeResult
from observatory.scoring.context import ScoringContext, target
from observatory.scoring.registry import Verdict, criterion, fail, holding, na, partial

FILE_BAR = 0.99  # arrêté of 14 June 2017: files available 99 % of the month
API_BAR = 0.995  # APIs 99.5 %

#: What one probe outcome is worth; unknown and refused are "not checked" (excluded).
OUTCOME_VALUE = {"up": 1.0, "degraded": 0.5, "down": 0.0}


def uptime_score(share: float) -> float:
    """transport.data.gouv.fr mapping: ≥99.5 % → 1, ≥97.5 % → 0.75, ≥95 % → 0.5, else 0."""
    if share >= 0.995:
        return 1.0
    if share >= 0.975:
        return 0.75
    if share >= 0.95:
        return 0.5
    return 0.0


def _measure(uptime: float | None, probe: ProbeResult | None) -> tuple[float, str] | None:
    """(availability 0..1, basis) from the 30-day uptime when known, else the latest probe."""
    if uptime is not None:
        return uptime, "uptime_30d"
    if probe is not None and probe.outcome in OUTCOME_VALUE:
        return OUTCOME_VALUE[probe.outcome], "latest_probe"
    return None


def _judge(items: list[dict[str, Any]], bar: float, hint: str) -> Verdict:
    """Score = mean mapped score; pass when the mean availability reaches the legal bar."""
    share = sum(i["availability"] for i in items) / len(items)
    score = sum(i["score"] for i in items) / len(items)
    evidence = {"share": round(share, 5), "bar": bar, "meets_bar": share >= bar, "items": items}
    if share >= bar:
        return Verdict("pass", score, evidence, None)
    if score <= 0:
        return fail(hint, **evidence)
    return partial(score, hint, **evidence)


def _item(url: str, measured: tuple[float, str], probe: ProbeResult | None) -> dict[str, Any]:
    value, basis = measured
    item: dict[str, Any] = {"url": url, "availability": value, "basis": basis}
    # One probe is a snapshot, not an uptime: up is 1, degraded half, down 0.
    item["score"] = uptime_score(value) if basis == "uptime_30d" else value
    if probe is not None:
        item.update(
            outcome=probe.outcome,
            status=probe.status,
            reason=probe.reason,
            checked_at=probe.checked_at,
        )
    return item


def _settled(ctx: ScoringContext, urls: list[str]) -> bool:
    """True when none of ``urls`` has a 30-day uptime to judge now or later without new
    probes: the verdict then rests on their latest probes, which time does not change."""
    found = [ctx.availability_for(u) for u in urls]
    return all(f is None or f.settled for f in found)


@criterion(
    "availability.files", "availability", "Fichiers téléchargeables", 2.0, "resource", moves=True
)
def files(ctx: ScoringContext) -> Verdict:
    """Data files (documentation excluded) can be downloaded, against the legal bar of 99 %.

    Each file counts its 30-day uptime when the history knows it (mapped to a score as
    transport.data.gouv.fr does: ≥99.5 % → 1, ≥97.5 % → 0.75, ≥95 % → 0.5, else 0), else
    its latest probe (up 1, degraded 0.5, down 0). Unknown or refused probes are not
    counted. Pass when the mean availability reaches 99 %. Not applicable when no file
    was checked.
    """
    verdict = _files(ctx)
    urls = [target(d) for d in ctx.downloads()]
    return holding(verdict) if _settled(ctx, urls) else verdict


def _files(ctx: ScoringContext) -> Verdict:
    items = []
    unchecked = 0
    for dist in ctx.downloads():
        probe = ctx.probe_for(dist)
        measured = _measure(ctx.uptime_for(dist), probe)
        if measured is None:
            unchecked += 1
            continue
        items.append(_item(target(dist), measured, probe))
    if not items:
        return na("aucun fichier vérifié", unchecked=unchecked)
    down = [i["url"] for i in items if i["availability"] < FILE_BAR]
    hint = (
        "Certains fichiers ne sont pas téléchargeables ou trop souvent indisponibles : "
        + ", ".join(down[:5])
        + ". Vérifiez les liens et l'hébergement (seuil légal : 99 % du temps)."
    )
    verdict = _judge(items, FILE_BAR, hint)
    verdict.evidence["unchecked"] = unchecked
    return verdict


@criterion("availability.apis", "availability", "API disponibles", 2.0, "API", moves=True)
def apis(ctx: ScoringContext) -> Verdict:
    """The reference dataset's APIs answer as expected, against the legal bar of 99.5 %.

    Each API check (by name) counts its 30-day uptime when known, else its latest result.
    Same mapping to a score as for files. Not applicable to datasets that are not SPDR or
    have no API check.
    """
    if ctx.spdr is None:
        return holding(na("pas un jeu de données de référence"))
    latest: dict[str, ProbeResult] = {}
    for probe in ctx.api_probes:
        key = probe.check_name or probe.url
        if key not in latest or probe.checked_at >= latest[key].checked_at:
            latest[key] = probe
    items = []
    for key, probe in sorted(latest.items()):
        measured = _measure(ctx.uptime.get(probe.url), probe)
        if measured is not None:
            items.append({"check": key, **_item(probe.url, measured, probe)})
    if not items:
        return na("aucune vérification d'API disponible")
    failing = [i["check"] for i in items if i["availability"] < API_BAR]
    hint = (
        "Les API ne répondent pas comme attendu : "
        + ", ".join(failing[:5])
        + ". Seuil légal : 99,5 % de disponibilité."
    )
    return _judge(items, API_BAR, hint)
