"""AMDAC network: each organisation's prioritised fix list and the notice to its producer.

A fix says what is wrong, why it matters, how to fix it and since when (the first run of
the current failing streak, from ``PublishInputs.since``). Notices follow the improvement
loop of article R321-8 CRPA: one text per producer, ready to send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from observatory.model import PILLARS, CriterionResult, RunInfo
from observatory.publish import labels
from observatory.publish.views import DatasetRow
from observatory.publish.why import why

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&~])")
NOTICE_FIXES = 100  # fixes a notice spells out; the rest are counted and linked


@dataclass
class Fix:
    priority: int
    row: DatasetRow
    result: CriterionResult
    pillar_label: str
    why: str
    since: RunInfo | None

    @property
    def what(self) -> str:
        status = "échoue" if self.result.status == "fail" else "n'est que partiellement réussi"
        return f"{self.result.label or self.result.criterion_id} : le critère {status}"

    @property
    def how(self) -> str:
        return self.result.fix_hint or "Voir le détail du critère sur la page du jeu de données."

    @property
    def since_text(self) -> str:
        return since_text(self.since)


def since_text(run: RunInfo | None) -> str:
    """ "depuis le 3 avril 2025 (exécution n° 4)" or "constaté pour la première fois"."""
    if run is None:
        return "date inconnue"
    return f"depuis le {labels.fmt_date(run.started_at.date())} (exécution n° {run.id})"


def build_fixes(rows: list[DatasetRow], since: dict[tuple[str, str], RunInfo]) -> list[Fix]:
    """Failed and partial criteria: heaviest first, then failures before partial ones,
    reference datasets first, then by pillar and title."""
    order = {p: i for i, p in enumerate(PILLARS)}
    found = [
        (row, r)
        for row in rows
        if row.score
        for r in row.score.results
        if r.status in ("fail", "partial")
    ]
    found.sort(
        key=lambda f: (
            -f[1].weight,
            f[1].status != "fail",
            not f[0].dataset.spdr,
            order.get(f[1].pillar, 9),
            f[0].dataset.title.lower(),
        )
    )
    return [
        Fix(
            priority=i,
            row=row,
            result=r,
            pillar_label=labels.PILLAR_LABELS.get(r.pillar, r.pillar),
            why=why(r.criterion_id, r.pillar),
            since=since.get((row.dataset.key, r.criterion_id)),
        )
        for i, (row, r) in enumerate(found, start=1)
    ]


def fix_record(fix: Fix) -> dict[str, Any]:
    """One line of the organisation's fix-list CSV (and JSON)."""
    r = fix.result
    return {
        "priority": fix.priority,
        "dataset_key": fix.row.dataset.key,
        "dataset_title": fix.row.dataset.title,
        "criterion_id": r.criterion_id,
        "label": r.label,
        "pillar": r.pillar,
        "status": r.status,
        "weight": r.weight,
        "what": fix.what,
        "why": fix.why,
        "fix_hint": fix.how,
        "failing_since": fix.since.started_at.isoformat() if fix.since else None,
        "failing_since_run": fix.since.id if fix.since else None,
    }


def md_text(value: object) -> str:
    """Untrusted text made inert in Markdown: specials escaped, lines joined."""
    text = " ".join(str(value or "").split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def notice_markdown(
    org_name: str, fixes: list[Fix], run: RunInfo, at: datetime, full: tuple[str, str]
) -> str:
    """The notice to send to a producer (R321-8 CRPA), as Markdown text.

    It spells out the first ``NOTICE_FIXES`` fixes, then counts the others and links
    ``full``: the complete fix list's page and its CSV, relative to the notice."""
    name = md_text(org_name)
    lines = [
        f"# Avis d'amélioration de la qualité des données — {name}",
        "",
        f"Paris, le {labels.fmt_date(at.date())}",
        "",
        "Madame, Monsieur,",
        "",
        "Dans le cadre de la démarche d'amélioration continue du service public de la donnée "
        "(article R321-8 du code des relations entre le public et l'administration), "
        f"l'observatoire a examiné les jeux de données publiés par {name} lors de l'exécution "
        f"n° {run.id} du {labels.fmt_datetime(run.started_at)}.",
        "",
    ]
    if not fixes:
        lines += ["Aucune correction n'est demandée : tous les critères applicables sont réussis."]
    else:
        lines += _fixes_intro(len(fixes))
        for fix in fixes[:NOTICE_FIXES]:
            lines += [
                f"{fix.priority}. **{md_text(fix.row.dataset.title)}** — {md_text(fix.what)}",
                f"   - Pourquoi c'est important : {md_text(fix.why)}",
                f"   - Comment corriger : {md_text(fix.how)}",
                f"   - Constaté {md_text(fix.since_text)}",
                "",
            ]
        lines += _rest(len(fixes) - NOTICE_FIXES, full)
    lines += [
        "Le détail de chaque critère et la méthode de calcul sont publiés sur le site de "
        "l'observatoire. Après correction, la commande `observatory check` permet de "
        "vérifier un jeu de données sans attendre la prochaine exécution.",
        "",
        "L'équipe de l'observatoire du service public de la donnée",
        "",
    ]
    return "\n".join(lines)


def _fixes_intro(count: int) -> list[str]:
    plural = "s" if count > 1 else ""
    first = f" ; voici les {NOTICE_FIXES} premières" if count > NOTICE_FIXES else ""
    return [
        f"Nous vous proposons {labels.fmt_number(count)} correction{plural}, "
        f"de la plus importante à la moins importante{first} :",
        "",
    ]


def _rest(count: int, full: tuple[str, str]) -> list[str]:
    """The line after the listed fixes: how many more, and where all of them are."""
    if count <= 0:
        return []
    page, csv = full
    more = "autres corrections" if count > 1 else "autre correction"
    return [
        f"Et {labels.fmt_number(count)} {more}, de moindre priorité : toutes figurent sur "
        f"[la liste complète des corrections]({page}) et dans "
        f"[le fichier CSV des corrections]({csv}).",
        "",
    ]
