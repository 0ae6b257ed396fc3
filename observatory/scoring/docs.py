"""Render the methodology page (docs/methodology.md) from the criteria registry."""

from __future__ import annotations

from datetime import timedelta

from observatory.model import PILLARS
from observatory.scoring.criteria.availability import API_BAR, FILE_BAR
from observatory.scoring.legal import OBLIGATIONS
from observatory.scoring.registry import all_criteria

PILLAR_TITLES = {
    "completeness": "Complétude",
    "freshness": "Fraîcheur",
    "conformity": "Conformité",
    "availability": "Disponibilité",
}

_INTRO = """\
# Méthodologie de notation

Ce document est généré à partir du registre des critères (`observatory.scoring`) :
il décrit exactement ce que calcule l'observatoire.

Chaque critère, appliqué à un jeu de données, rend un statut (`pass` conforme, `partial`
partiellement conforme, `fail` non conforme, `na` non applicable), une note de 0 à 1, les
éléments constatés (valeur vue, URL, date, jours de retard…) et une consigne de correction.

## Formules

- **Note d'un pilier** = moyenne des notes des critères applicables, pondérée par le poids
  de chaque critère, × 100. Un critère non applicable (`na`) sort du dénominateur ; un pilier
  sans critère applicable n'a pas de note (vide, jamais 0).
- **Note globale** = moyenne des notes des piliers notés, pondérée par les poids de la
  configuration (`weights` dans `datasets.yml` : completeness, freshness, conformity,
  availability) ; les piliers sans note sont ignorés.

## Règle de disponibilité

- Les ressources de documentation, d'API et de code sont exclues ; seules les ressources de
  données comptent.
- Pour chaque fichier : la disponibilité sur 30 jours quand l'historique la connaît (au moins
  la moitié des 30 jours mesurée, contrôles bruts et agrégats horaires confondus), sinon
  le dernier contrôle (disponible 1, dégradé 0,5, indisponible 0). Un contrôle inconnu (par
  exemple une réponse 429) ou refusé n'est pas compté : « non vérifié » n'est jamais 0.
- La disponibilité sur une période est calculée sur le temps : le résultat d'un contrôle
  vaut jusqu'au contrôle suivant, dans la limite d'un écart maximal au-delà duquel le temps
  est compté « sans donnée ».
- Correspondance disponibilité → note (reprise de transport.data.gouv.fr) : ≥ 99,5 % → 1,
  ≥ 97,5 % → 0,75, ≥ 95 % → 0,5, sinon 0.
- Seuils légaux (arrêté du 14 juin 2017) : fichiers ≥ {file_bar} % par mois, API ≥ {api_bar} %.
  Le critère est conforme quand la disponibilité moyenne atteint le seuil.
"""


_SCHEDULE = """## Calendrier des contrôles de fichiers

Comme le robot de data.gouv.fr, l'observatoire ne redemande pas chaque fichier à chaque
exécution : le prochain contrôle d'un fichier dépend de son âge et de son historique. Un
fichier redemandé l'est sous condition (`If-None-Match`, `If-Modified-Since`) : inchangé,
il ne coûte qu'une réponse 304. Le résumé de chaque exécution indique combien de fichiers
étaient dus, combien ont été demandés et combien ont répondu « non modifié ».

| situation du fichier | prochain contrôle après |
|---|---|
{rows}

« Modifié » signifie que ses validateurs (ETag, Last-Modified, taille) diffèrent de ceux
gardés au contrôle précédent ; un fichier nouveau compte comme modifié. Aucun fichier n'est
redemandé avant `settings.reprobe_after` secondes (0 : chaque fichier à chaque exécution).

## Notes reprises d'une exécution à l'autre

Une note n'est reprise telle quelle que si rien dont elle dépend n'a pu bouger : même
fiche, même contrôle pour chacun de ses fichiers, aucun fichier soumis à un schéma, pas une
donnée de référence, et aucun critère dépendant de l'horloge (fraîcheur, jours de retard) ou
de l'historique (disponibilité sur 30 jours) ne s'applique. Toute autre note est recalculée
à chaque exécution.
"""


def _duration(value: timedelta) -> str:
    if not value:
        return "chaque exécution"
    hours = value.total_seconds() / 3600
    return f"{hours:g} h" if hours < 48 else f"{hours / 24:g} jours"


def schedule_markdown() -> str:
    """The probe schedule section, from ``observe.schedule.SCHEDULE_ROWS``."""
    from observatory.observe.schedule import SCHEDULE_ROWS

    rows = "\n".join(f"| {what} | {_duration(every)} |" for what, every in SCHEDULE_ROWS)
    return _SCHEDULE.format(rows=rows)


def _fmt_pct(value: float) -> str:
    return f"{value * 100:g}".replace(".", ",")


def _criterion_section(crit_id: str, label: str, weight: float, applies: str, doc: str) -> str:
    return (
        f"### {label}\n\n"
        f"- identifiant : `{crit_id}`\n"
        f"- poids : {weight:g}\n"
        f"- s'applique à : {applies}\n\n"
        f"{doc}\n"
    )


def methodology_markdown() -> str:
    """The methodology page in Markdown: formulas, availability rule, every criterion."""
    parts = [_INTRO.format(file_bar=_fmt_pct(FILE_BAR), api_bar=_fmt_pct(API_BAR))]
    parts.append(schedule_markdown())
    parts.append("## Obligations légales des données de référence (SPDR)\n")
    parts.append("\n".join(f"- `{k}` : {v}" for k, v in OBLIGATIONS.items()) + "\n")
    criteria = all_criteria()
    for pillar in PILLARS:
        parts.append(f"## {PILLAR_TITLES[pillar]} (`{pillar}`)\n")
        for c in (c for c in criteria if c.pillar == pillar):
            parts.append(_criterion_section(c.id, c.label, c.weight, c.applies_to, c.doc))
    return "\n".join(parts)
