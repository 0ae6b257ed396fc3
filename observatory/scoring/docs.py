"""Render the methodology page (docs/methodology.md) from the criteria registry."""

from __future__ import annotations

from datetime import timedelta

from observatory.availability.legal import MIN_LEGAL_COVERAGE
from observatory.i18n import catalogue
from observatory.model import PILLARS
from observatory.scoring.criteria.availability import API_BAR, FILE_BAR
from observatory.scoring.legal import OBLIGATIONS
from observatory.scoring.legal_metadata import methodology_table
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
  Le critère (note de qualité) est conforme quand la disponibilité moyenne atteint le seuil ;
  l'obligation légale, elle, est jugée mois civil par mois civil et fichier par fichier
  (ci-dessous), jamais sur une moyenne ni sur un contrôle isolé.
"""

_CARRY = """## Notes reprises d'un passage à l'autre

Un jeu de données inchangé garde sa note du passage précédent, sans être noté de nouveau,
seulement quand rien de ce dont elle est calculée n'a pu bouger : même fiche, mêmes
contrôles de ses fichiers, aucun fichier sous schéma (le nombre de lignes est comparé au
passage précédent), pas une donnée de référence, même code de notation et mêmes réglages
(poids, données de référence), note calculée il y a moins d'une semaine.
Les critères marqués « varie avec l'horloge ou l'historique » disent en plus, à chaque
verdict, jusqu'à quand il tient : l'échéance de mise à jour, le dixième de jour de retard
suivant, le jour où une date dans le futur est atteinte ; jamais dès qu'une disponibilité
sur 30 jours est jugée. Passé cet instant, le jeu de données est noté de nouveau. Une note
reprise est donc toujours celle qu'un calcul complet donnerait.
"""

_LEGAL = """## Obligations légales des données de référence (SPDR)

{obligations}

### Disponibilité par mois civil

- Pour chaque fichier et chaque API d'un jeu de référence, la disponibilité de chaque mois
  civil (UTC) est calculée sur le temps, à partir de tout l'historique des contrôles, y
  compris les agrégats horaires et journaliers conservés après la purge des contrôles bruts.
  La part du mois effectivement mesurée (couverture) est publiée avec le taux.
- Verdict d'un mois : **non respectée** dès que le temps d'indisponibilité mesuré dépasse ce
  que le mois entier permet ({file_allow} pour un fichier de 31 jours, {api_allow} pour une
  API), quelle que soit la couverture ; sinon, pour le mois en cours, **mois en cours** ; pour
  un mois terminé, **données insuffisantes** si moins de {coverage} % du mois a été mesuré,
  sinon **respectée** ou **non respectée** selon le taux mesuré et le seuil.
- Un jeu de données respecte l'obligation un mois donné seulement si **chacun** de ses
  fichiers atteint {file_bar} % et **chacune** de ses API {api_bar} % : une moyenne ne peut
  masquer un fichier défaillant. Un fichier non respecté l'emporte sur des données
  insuffisantes, qui l'emportent sur un mois en cours.
- L'état publié de l'obligation est celui du dernier mois terminé, ou « non respectée » si
  le mois en cours est déjà perdu. La grille de conformité de chaque édition donne les
  douze derniers mois ; pour les autres obligations, un mois passé reprend l'état de la
  dernière édition de ce mois (« données insuffisantes » sans édition).

### Périodicité sur le calendrier légal

« Chaque jour ouvré » (Sirene) se lit sur le calendrier français : du lundi au vendredi, hors
jours fériés (bibliothèque `holidays`, jours fériés de France métropolitaine). Mise à jour le
jour J, la suivante est due le jour ouvré suivant ; elle est en retard une fois ce jour
écoulé (heure de Paris). Les autres périodicités demandent une mise à jour par période
civile (semaine du lundi au dimanche, mois, trimestre, quadrimestre janvier-avril,
mai-août, septembre-décembre, semestre, année ; une campagne agricole par année) : la
suivante est due avant la fin de la période qui suit celle de la dernière mise à jour. Les
jours de retard sont comptés en jours civils et, pour Sirene, en jours ouvrés.

### Changements de structure

L'arrêté impose de prévenir les utilisateurs trois mois avant tout changement de structure.
À chaque exécution, l'observatoire relève pour chaque fichier de référence validé ses
colonnes (en-tête lu), le type de valeurs de chaque colonne (booléen, entier, nombre, date,
date-heure, texte) et le schéma déclaré (nom et version) ; toute différence avec la
structure précédente est publiée avec la date où elle a été vue pour la première fois (une
colonne disparue à l'endroit où une nouvelle apparaît est un renommage) : page du jeu de
données, édition, fil Atom `changements-structure.atom` et export `structure_changes.csv`.

### Les 8 métadonnées obligatoires

{metadata}
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
gardés au contrôle précédent. Un fichier vu pour la première fois est daté par son en-tête
Last-Modified quand le serveur en donne un plausible (pas dans le futur), et compte comme
modifié à l'instant sinon : une archive ancienne nouvellement cataloguée n'est pas redemandée
toutes les 12 h pendant une semaine. Aucun fichier n'est
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


def fmt_num(value: float) -> str:
    """0.5 -> "0,5" (French decimal comma)."""
    return f"{value:g}".replace(".", ",")


def _fmt_pct(value: float) -> str:
    return fmt_num(value * 100)


def _allowance(bar: float, days: int = 31) -> str:
    """Downtime a ``days``-day month allows at ``bar``: 0.99 -> "7 h 26 min 24 s"."""
    seconds = round((1 - bar) * days * 86400)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours} h {minutes} min {secs} s"


def _criterion_section(
    crit_id: str, label: str, weight: float, applies: str, doc: str, moves: bool
) -> str:
    return (
        f"### {label}\n\n"
        f"- identifiant : `{crit_id}`\n"
        f"- poids : {fmt_num(weight)}\n"
        f"- s'applique à : {applies}\n"
        f"- varie avec l'horloge ou l'historique : {'oui' if moves else 'non'}\n\n"
        f"{doc}\n"
    )


def methodology_markdown() -> str:
    """The methodology page in Markdown: formulas, availability rule, every criterion."""
    parts = [_INTRO.format(file_bar=_fmt_pct(FILE_BAR), api_bar=_fmt_pct(API_BAR))]
    parts.append(schedule_markdown())
    parts.append(_CARRY)
    parts.append(
        _LEGAL.format(
            obligations="\n".join(f"- `{k}` : {v}" for k, v in OBLIGATIONS.items()),
            file_allow=_allowance(FILE_BAR),
            api_allow=_allowance(API_BAR),
            coverage=_fmt_pct(MIN_LEGAL_COVERAGE),
            file_bar=_fmt_pct(FILE_BAR),
            api_bar=_fmt_pct(API_BAR),
            metadata=methodology_table(),
        )
    )
    criteria = all_criteria()
    words = catalogue()  # docstrings and scopes are English in the code, French here
    for pillar in PILLARS:
        parts.append(f"## {PILLAR_TITLES[pillar]} (`{pillar}`)\n")
        for c in (c for c in criteria if c.pillar == pillar):
            applies, doc = words.scope(c.applies_to), words.criterion_doc(c.doc)
            parts.append(_criterion_section(c.id, c.label, c.weight, applies, doc, c.moves))
    return "\n".join(parts)
