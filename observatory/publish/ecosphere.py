"""Ecosphères-style self-diagnosis of one catalogue from its metadata and our results.

Three indicators (obsolescence, interoperability, discoverability), the datasets whose
metadata should be completed, updated or consolidated with exactly what, and browsing by
thematic group and by producer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from observatory.model import Dataset
from observatory.publish import reference, themes
from observatory.publish.views import DatasetRow, SiteData
from observatory.scoring.udata_quality import DESCRIPTION_LENGTH

OPEN_FAILS = ("fail",)


@dataclass
class Indicator:
    label: str
    value: float | None  # 0..100, share of datasets
    detail: str


@dataclass
class Todo:
    row: DatasetRow
    complete: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    consolidate: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.complete or self.update or self.consolidate)


def _share(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None


def _status(row: DatasetRow, criterion_id: str) -> str | None:
    if row.score is None:
        return None
    return next((r.status for r in row.score.results if r.criterion_id == criterion_id), None)


def _has_schema(dataset: Dataset) -> bool:
    return bool(dataset.conforms_to) or any(d.schema for d in dataset.distributions)


def _shacl(dataset: Dataset) -> bool | None:
    stored = dataset.extras.get("shacl")
    return bool(stored.get("conforms")) if isinstance(stored, dict) else None


def todo_for(row: DatasetRow) -> Todo:
    """What to complete, update or consolidate in one dataset's metadata and files."""
    d = row.dataset
    todo = Todo(row)
    if not d.keywords:
        todo.complete.append("ajouter des mots-clés")
    if not d.themes:
        todo.complete.append("rattacher le jeu à un thème")
    if len(d.description or "") <= DESCRIPTION_LENGTH:
        todo.complete.append(f"décrire les données en plus de {DESCRIPTION_LENGTH} caractères")
    if not d.license:
        todo.complete.append("indiquer la licence")
    if not d.spatial:
        todo.complete.append("indiquer la couverture géographique")
    if d.temporal_start is None and d.temporal_end is None:
        todo.complete.append("indiquer la couverture temporelle")
    if not d.frequency:
        todo.complete.append("indiquer la fréquence de mise à jour")
    if _status(row, "freshness.frequency") in OPEN_FAILS:
        todo.update.append("publier des données à jour selon la fréquence déclarée")
    if _status(row, "freshness.dates") in OPEN_FAILS:
        todo.update.append("corriger les dates de mise à jour incohérentes")
    if _status(row, "conformity.schema") in ("fail", "partial"):
        todo.consolidate.append("rendre les fichiers conformes à leur schéma")
    if _status(row, "conformity.open_format") in OPEN_FAILS:
        todo.consolidate.append("publier aussi un format ouvert (CSV, GeoJSON…)")
    if _status(row, "availability.files") in ("fail", "partial"):
        todo.consolidate.append("réparer les liens de téléchargement en échec")
    if _shacl(d) is False:
        todo.consolidate.append("corriger les métadonnées non conformes à DCAT-AP")
    return todo


def indicators(rows: list[DatasetRow], data: SiteData) -> list[Indicator]:
    n = len(rows)
    late = sum(1 for r in rows if _status(r, "freshness.frequency") in OPEN_FAILS)
    judged = sum(1 for r in rows if _status(r, "freshness.frequency") not in (None, "na"))
    open_fmt = sum(1 for r in rows if _status(r, "conformity.open_format") == "pass")
    schema = sum(1 for r in rows if _has_schema(r.dataset))
    shacl = [v for v in (_shacl(r.dataset) for r in rows) if v is not None]
    mqa = [reference.mqa_total(data, r.dataset) for r in rows]
    mqa_mean = sum(mqa) / len(mqa) if mqa else None
    keywords = sum(1 for r in rows if r.dataset.keywords)
    themed = sum(1 for r in rows if r.dataset.themes)
    described = sum(1 for r in rows if len(r.dataset.description or "") > DESCRIPTION_LENGTH)
    mqa_text = f"{mqa_mean:.0f} / 405".replace(".", ",") if mqa_mean is not None else "n.d."
    shacl_text = (
        f"{sum(shacl)} sur {len(shacl)} conformes au SHACL DCAT-AP"
        if shacl
        else "SHACL non vérifié"
    )
    return [
        Indicator(
            "Obsolescence",
            _share(late, judged),
            f"{late} jeu(x) sur {judged} dont la fréquence est vérifiable sont en retard",
        ),
        Indicator(
            "Interopérabilité",
            _share(open_fmt, n),
            f"{open_fmt} sur {n} en format ouvert ; {schema} déclarent un schéma ; "
            f"{shacl_text} ; note MQA moyenne {mqa_text}",
        ),
        Indicator(
            "Découvrabilité",
            _share(min(keywords, themed, described), n),
            f"{keywords} sur {n} ont des mots-clés, {themed} un thème, "
            f"{described} une description de plus de {DESCRIPTION_LENGTH} caractères",
        ),
    ]


def by_group(rows: list[DatasetRow]) -> list[dict[str, Any]]:
    """Thematic groups with their datasets (a dataset may sit in several groups)."""
    groups: dict[str, list[DatasetRow]] = {}
    for row in rows:
        for key in themes.groups_of(row.dataset):
            groups.setdefault(key, []).append(row)
    return [
        {"key": key, "label": themes.group_label(key), "rows": groups[key]}
        for key in themes.group_order()
        if key in groups
    ]


def by_producer(rows: list[DatasetRow]) -> list[dict[str, Any]]:
    groups: dict[str, list[DatasetRow]] = {}
    for row in rows:
        groups.setdefault(row.org_name or "Producteur non renseigné", []).append(row)
    return [
        {"name": name, "rows": items, "page": items[0].org_page}
        for name, items in sorted(groups.items(), key=lambda kv: kv[0].lower())
    ]


def diagnosis(rows: list[DatasetRow], data: SiteData) -> dict[str, Any]:
    """Indicators (the MQA mean from the run's stored views), fixes, groups, producers."""
    todos = [t for t in (todo_for(r) for r in rows) if not t.empty]
    return {
        "indicators": indicators(rows, data),
        "todos": todos,
        "groups": by_group(rows),
        "producers": by_producer(rows),
    }
