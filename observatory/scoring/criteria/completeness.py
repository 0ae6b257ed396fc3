"""Completeness: the metadata a reuser needs, and whether the data itself is filled in."""

from __future__ import annotations

from typing import Any

from observatory.model import Dataset
from observatory.scoring.context import ScoringContext, last_update
from observatory.scoring.frequencies import normalise_frequency
from observatory.scoring.legal_metadata import LEGAL_METADATA
from observatory.scoring.licences import classify_licence
from observatory.scoring.registry import (
    Verdict,
    criterion,
    fail,
    graded,
    na,
    partial,
    passed,
)

DESCRIPTION_MIN_CHARS = 100  # udata QUALITY_DESCRIPTION_LENGTH
ROW_DROP_ALERT = 0.20  # more than 20 % fewer rows than last time is an alert


def _text(value: str | None) -> bool:
    return bool(value and value.strip())


def _has_licence(dataset: Dataset) -> bool:
    return classify_licence(dataset.license)[0] != "missing"


def _has_periodicity(dataset: Dataset) -> bool:
    return normalise_frequency(dataset.frequency) not in (None, "unknown")


def legal_metadata_presence(dataset: Dataset) -> dict[str, bool]:
    """Which of the eight mandatory metadata the dataset carries."""
    dists = dataset.distributions
    return {
        "source_and_update": _text(dataset.publisher or dataset.organization_name)
        and last_update(dataset) is not None,
        "title": _text(dataset.title),
        "description": _text(dataset.description),
        "periodicity": _has_periodicity(dataset),
        "format": bool(dists) and all(_text(d.format) or _text(d.media_type) for d in dists),
        "spatial": _text(dataset.spatial),
        "licence": _has_licence(dataset),
        "keywords": any(_text(k) for k in dataset.keywords),
    }


@criterion("completeness.legal_metadata", "completeness", "Les 8 métadonnées obligatoires", 2.0)
def legal_metadata(ctx: ScoringContext) -> Verdict:
    """The eight metadata the arrêté of 14 June 2017 makes mandatory for reference data.

    Source and last update date, title, description, periodicity, format (every resource),
    geographic coverage, licence and keywords. Scored as the share present; the evidence
    lists the missing ones. It applies to every dataset: the bar is good practice for all.
    """
    presence = legal_metadata_presence(ctx.dataset)
    missing = [LEGAL_METADATA[k] for k, ok in presence.items() if not ok]
    score = (len(presence) - len(missing)) / len(presence)
    hint = "Complétez les métadonnées obligatoires manquantes : " + ", ".join(missing) + "."
    return graded(score, hint, missing=missing, present=len(presence) - len(missing), total=8)


@criterion("completeness.license", "completeness", "Licence renseignée")
def license_set(ctx: ScoringContext) -> Verdict:
    """A licence is declared ("notspecified" counts as none): without it nobody may reuse."""
    value = ctx.dataset.license
    if classify_licence(value)[0] == "missing":
        return fail(
            "Renseignez une licence ouverte (Licence Ouverte 2.0 ou ODbL) dans les métadonnées "
            "du jeu de données.",
            value=value,
        )
    return passed(value=value)


@criterion("completeness.description", "completeness", "Description détaillée")
def description(ctx: ScoringContext) -> Verdict:
    """The description is longer than 100 characters, udata's threshold for a useful one.

    A shorter, non-empty description is partial (0.5).
    """
    text = (ctx.dataset.description or "").strip()
    hint = (
        "Rédigez une description de plus de 100 caractères : contenu, producteur, méthode de "
        "collecte, mises à jour et limites des données."
    )
    if len(text) > DESCRIPTION_MIN_CHARS:
        return passed(length=len(text))
    if text:
        return partial(0.5, hint, length=len(text), minimum=DESCRIPTION_MIN_CHARS + 1)
    return fail(hint, length=0, minimum=DESCRIPTION_MIN_CHARS + 1)


@criterion("completeness.temporal_coverage", "completeness", "Couverture temporelle")
def temporal_coverage(ctx: ScoringContext) -> Verdict:
    """A temporal coverage (start and/or end date) is declared: which period the data covers."""
    start, end = ctx.dataset.temporal_start, ctx.dataset.temporal_end
    if start is None and end is None:
        return fail("Indiquez la période couverte par les données (dates de début et de fin).")
    evidence: dict[str, Any] = {"start": start, "end": end}
    if start is None or end is None:
        evidence["note"] = "une seule borne renseignée"
    return passed(**evidence)


@criterion("completeness.spatial_coverage", "completeness", "Couverture géographique")
def spatial_coverage(ctx: ScoringContext) -> Verdict:
    """A spatial coverage (zones, granularity or geometry) is declared: where the data applies."""
    if not _text(ctx.dataset.spatial):
        return fail(
            "Indiquez la couverture géographique des données (par exemple France entière, "
            "une région ou une commune) et sa granularité."
        )
    return passed(value=ctx.dataset.spatial)


@criterion("completeness.keywords", "completeness", "Mots-clés")
def keywords(ctx: ScoringContext) -> Verdict:
    """At least one keyword (tag) is declared: keywords make the dataset findable."""
    words = [k for k in ctx.dataset.keywords if _text(k)]
    if not words:
        return fail("Ajoutez quelques mots-clés décrivant le thème des données.")
    return passed(count=len(words), keywords=words[:10])


@criterion("completeness.documentation", "completeness", "Ressources documentées")
def documentation(ctx: ScoringContext) -> Verdict:
    """A documentation resource or at least one resource description exists (as udata).

    Not applicable to a dataset without resources.
    """
    dists = ctx.dataset.distributions
    if not dists:
        return na("aucune ressource")
    docs = [d.url for d in dists if d.type == "documentation"]
    described = [d.title or d.url for d in dists if _text(d.description)]
    if docs or described:
        return passed(documentation=docs[:5], described=described[:5])
    return fail(
        "Ajoutez une ressource de documentation (dictionnaire des variables, notice) ou "
        "décrivez chaque ressource."
    )


_DCAT_MANDATORY = ("title", "description")
_DCAT_RECOMMENDED = (
    "contactPoint",
    "distribution",
    "keyword",
    "publisher",
    "spatial",
    "temporal",
    "theme",
)


def _dcat_presence(d: Dataset) -> dict[str, bool]:
    return {
        "title": _text(d.title),
        "description": _text(d.description),
        "contactPoint": _text(d.contact_point),
        "distribution": bool(d.distributions),
        "keyword": any(_text(k) for k in d.keywords),
        "publisher": _text(d.publisher or d.organization_name),
        "spatial": _text(d.spatial),
        "temporal": d.temporal_start is not None or d.temporal_end is not None,
        "theme": any(_text(t) for t in d.themes),
    }


@criterion("completeness.dcat_properties", "completeness", "Propriétés DCAT-AP", 0.5)
def dcat_properties(ctx: ScoringContext) -> Verdict:
    """DCAT-AP dataset properties: title and description (mandatory), contact point,
    distribution, keyword, publisher, spatial, temporal and theme (recommended).

    Score: half for the mandatory ones, half for the share of recommended ones. A missing
    mandatory property fails the criterion whatever the rest.
    """
    presence = _dcat_presence(ctx.dataset)
    missing_m = [p for p in _DCAT_MANDATORY if not presence[p]]
    missing_r = [p for p in _DCAT_RECOMMENDED if not presence[p]]
    evidence = {"missing_mandatory": missing_m, "missing_recommended": missing_r}
    hint = "Renseignez les propriétés DCAT-AP manquantes : " + ", ".join(missing_m + missing_r)
    if missing_m:
        return fail(hint + ".", **evidence)
    score = 0.5 + 0.5 * (len(_DCAT_RECOMMENDED) - len(missing_r)) / len(_DCAT_RECOMMENDED)
    return graded(score, hint + ".", **evidence)


def _empty_shares(stats: dict[str, Any]) -> tuple[dict[str, float], bool]:
    """Per-column empty shares to judge: the required columns if declared, else all."""
    per_column = stats.get("empty_cells") or {}
    shares = {str(k): float(v) for k, v in per_column.items() if v is not None}
    required = [str(c) for c in stats.get("required") or []]
    if required:
        return {c: shares.get(c, 0.0) for c in required}, True
    return shares, False


@criterion(
    "completeness.data_cells", "completeness", "Cellules renseignées", 1.0, "tabular resource"
)
def data_cells(ctx: ScoringContext) -> Verdict:
    """Data completeness of tabular files, from the validation statistics.

    For each validated table, the share of empty cells per column (``stats["empty_cells"]``)
    of the required columns (``stats["required"]``) or, when none is declared, of every
    column. Score = 1 - mean share. Pass when no required cell is empty (without declared
    requirements: when no column's empty share is over 5 %), fail when a column's empty
    share reaches 20 %. Not applicable without a validation carrying these statistics.
    """
    files: list[dict[str, Any]] = []
    shares: list[float] = []
    worst = 0.0
    any_required = False
    for dist in ctx.dataset.distributions:
        report = ctx.validation_for(dist)
        if report is None or not report.stats.get("empty_cells"):
            continue
        columns, required = _empty_shares(report.stats)
        if not columns:
            continue
        any_required |= required
        gaps = sorted(((c, round(s, 4)) for c, s in columns.items() if s), key=lambda kv: -kv[1])
        files.append({"url": dist.url, "required": required, "empty_share": dict(gaps[:10])})
        shares.extend(columns.values())
        worst = max(worst, *columns.values())
    if not shares:
        return na("aucune validation de fichier tabulaire avec statistiques")
    score = 1.0 - sum(shares) / len(shares)
    evidence = {"files": files, "worst_empty_share": round(worst, 4)}
    hint = "Complétez les valeurs manquantes des colonnes signalées (cellules vides)."
    if worst <= (0.0 if any_required else 0.05):
        return Verdict("pass", score, evidence, None)
    if worst >= 0.2:
        return Verdict("fail", score, evidence, hint)
    return partial(score, hint, **evidence)


@criterion(
    "completeness.row_count", "completeness", "Volume de lignes stable", 1.0, "tabular resource"
)
def row_count(ctx: ScoringContext) -> Verdict:
    """Row counts against the previous validation: an alert when one drops by more than 20 %.

    A sharp drop usually means a truncated export or a failed extraction. Not applicable
    without two counts for the same resource.
    """
    drops: list[dict[str, Any]] = []
    compared = 0
    for dist in ctx.dataset.distributions:
        now_r, before_r = ctx.validations.get(dist.key), ctx.previous_validations.get(dist.key)
        if not now_r or not before_r or now_r.row_count is None or not before_r.row_count:
            continue
        compared += 1
        change = (now_r.row_count - before_r.row_count) / before_r.row_count
        if change < -ROW_DROP_ALERT:
            drops.append(
                {
                    "url": dist.url,
                    "previous": before_r.row_count,
                    "current": now_r.row_count,
                    "drop_share": round(-change, 4),
                }
            )
    if not compared:
        return na("pas de comptage de lignes précédent à comparer")
    if drops:
        return fail(
            "Le nombre de lignes a fortement baissé (plus de 20 %) : vérifiez que l'export "
            "n'est pas tronqué et republiez le fichier complet.",
            drops=drops,
            compared=compared,
        )
    return passed(compared=compared)
