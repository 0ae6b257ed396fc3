"""French wording and number/date formatting for the published pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from observatory import i18n

PILLAR_LABELS = {
    "completeness": "Complétude",
    "freshness": "Fraîcheur",
    "conformity": "Conformité",
    "availability": "Disponibilité",
}
STATUS_LABELS = {
    "pass": "réussi",
    "fail": "échoué",
    "partial": "partiel",
    "na": "non applicable",
}
RUN_STATUS_LABELS = {
    "running": "en cours",
    "ok": "réussie",
    "partial": "partielle",
    "failed": "en échec",
}
# Short labels for the keys of observatory.scoring.legal.OBLIGATIONS.
LEGAL_LABELS = {
    "metadata": "Métadonnées obligatoires",
    "periodicity": "Périodicité de mise à jour",
    "file_availability": "Disponibilité de chaque fichier (≥ 99 % par mois)",
    "api_availability": "Disponibilité de chaque API (≥ 99,5 % par mois)",
    "open_licence": "Licence ouverte",
}
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def outcome_label(code: str | None) -> str:
    """French word of a probe outcome code (« disponible » for ``up``), from the catalogue."""
    return i18n.catalogue().outcome(code)


def legal_label(key: str) -> str:
    """French name of a legal obligation key (unknown keys made readable)."""
    return LEGAL_LABELS.get(key, key.replace("_", " ").replace("-", " ").capitalize())


#: A legal value (True/False/None or a monthly verdict) -> (symbol, words, css class).
VERDICT_LABELS: dict[object, tuple[str, str, str]] = {
    True: ("✔", "respectée", "ok"),
    False: ("✘", "non respectée", "ko"),
    None: ("?", "inconnue", "unknown"),
    "met": ("✔", "respectée", "ok"),
    "not_met": ("✘", "non respectée", "ko"),
    "insufficient": ("?", "données insuffisantes", "unknown"),
    "in_progress": ("…", "mois en cours", "progress"),
}


def verdict_words(value: object) -> tuple[str, str, str]:
    """(symbol, French words, css class) of a legal value; anything unknown reads unknown."""
    try:
        return VERDICT_LABELS.get(value, VERDICT_LABELS[None])  # type: ignore[arg-type]
    except TypeError:  # unhashable value from a hostile or corrupt record
        return VERDICT_LABELS[None]


@dataclass(frozen=True)
class LegalItem:
    label: str
    met: bool | str | None

    @property
    def symbol(self) -> str:
        return verdict_words(self.met)[0]

    @property
    def text(self) -> str:
        return verdict_words(self.met)[1]

    @property
    def css(self) -> str:
        return verdict_words(self.met)[2]


def legal_items(legal: dict[str, bool | str | None]) -> list[LegalItem]:
    """Legal obligations in a stable order, each with its symbol and words."""
    return [
        LegalItem(legal_label(k), v if isinstance(v, bool | str) else None)
        for k, v in legal.items()
    ]


def fmt_number(value: float | int | None, digits: int = 1, empty: str = "—") -> str:
    """A number the French way (decimal comma, narrow no-break space for thousands)."""
    if value is None:
        return empty
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    text = f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    return text


def fmt_score(value: float | None) -> str:
    """A 0..100 score, one decimal, or "n.d." when nothing applied."""
    return "n.d." if value is None else fmt_number(value, 1)


def fmt_datetime(value: datetime | date | None) -> str:
    """``7 avril 2025 à 06:00 UTC`` (aware datetimes shown in UTC)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
            zone = " UTC"
        else:
            zone = ""
        day = fmt_date(value.date())
        return f"{day} à {value:%H:%M}{zone}"
    return fmt_date(value)


def fmt_date(value: date | None) -> str:
    if value is None:
        return "—"
    first = "1er" if value.day == 1 else str(value.day)
    return f"{first} {MONTHS[value.month - 1]} {value.year}"


@dataclass(frozen=True, slots=True)
class Change:
    """Change of a score since the previous run, in points."""

    kind: str  # up | down | same | new | none
    points: float | None = None

    @property
    def symbol(self) -> str:
        return {"up": "▲", "down": "▼", "same": "="}.get(self.kind, "")

    @property
    def text(self) -> str:
        if self.kind == "new":
            return "nouveau"
        if self.kind == "none" or self.points is None:
            return "—"
        if self.kind == "same":
            return "= stable"
        sign = "+" if self.points > 0 else "−"
        return f"{self.symbol} {sign}{fmt_number(abs(self.points), 1)} pts"

    @property
    def spoken(self) -> str:
        """Words for screen readers, symbols aside."""
        return {
            "up": "en hausse",
            "down": "en baisse",
            "same": "stable",
            "new": "absent de l'exécution précédente",
            "none": "non comparable",
        }[self.kind]


_NEW, _NONE, _SAME = Change("new"), Change("none"), Change("same", 0.0)  # one of each


def change(current: float | None, previous: float | None, existed_before: bool) -> Change:
    """Compare two scores; ``existed_before`` False gives "nouveau"."""
    if not existed_before:
        return _NEW
    if current is None or previous is None:
        return _NONE
    delta = round(current - previous, 1)
    if delta > 0:
        return Change("up", delta)
    if delta < 0:
        return Change("down", delta)
    return _SAME
