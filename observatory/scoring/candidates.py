"""L321-4 candidates: non-SPDR datasets that look like reference data, ranked with evidence.

Article L321-4 CRPA lets the State add datasets to the public data service; the
observatory flags the likely ones. A candidate carries pivot identifiers other datasets
join on (SIREN/SIRET with their Luhn key, INSEE commune and département codes, postal
codes, UAI, FINESS), is reused and followed, covers the whole country and is updated
often. Score out of 100: pivot identifiers 40, reuses 25, followers 10, national coverage
15, update frequency 10. Pivots seen in the values count fully; by column name only, 60 %.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from observatory.model import Dataset, ValidationReport
from observatory.scoring.frequencies import strict_delta

# --- pivot identifiers ------------------------------------------------------------------
_DEP = r"(?:0[1-9]|[1-8]\d|9[0-5]|2[AB])"


def luhn(digits: str) -> bool:
    """The Luhn check SIREN, SIRET and FINESS keys use."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def is_siren(v: str) -> bool:
    return len(v) == 9 and luhn(v)


def is_siret(v: str) -> bool:
    if len(v) != 14 or not v.isdigit():
        return False
    if v.startswith("356000000"):  # La Poste: the digit sum is a multiple of 5
        return sum(int(c) for c in v) % 5 == 0
    return luhn(v)


def is_commune(v: str) -> bool:
    return bool(re.fullmatch(rf"{_DEP}\d{{3}}|97[1-6]\d{{2}}", v))


def is_departement(v: str) -> bool:
    return bool(re.fullmatch(rf"{_DEP}|97[1-6]", v))


def is_postal_code(v: str) -> bool:
    return bool(re.fullmatch(r"\d{5}", v)) and "01000" <= v <= "98899"


def is_uai(v: str) -> bool:
    """UAI (school id): 7 digits and a key letter, digits mod 23 in 'ABCDEFGHJKLMNPRSTUVWXYZ'."""
    m = re.fullmatch(r"(\d{7})([A-Z])", v.upper())
    if m is None:
        return False
    return "ABCDEFGHJKLMNPRSTUVWXYZ"[int(m.group(1)) % 23] == m.group(2)


def is_finess(v: str) -> bool:
    """FINESS: 9 characters (département, 6 digits, Luhn key; Corsica as 2A/2B)."""
    if len(v) != 9 or not re.fullmatch(rf"{_DEP}\d{{7}}|97\d{{7}}", v):
        return False
    return luhn(v.replace("2A", "20").replace("2B", "20"))


#: kind -> (column-name pattern, value check, distinctive enough to trust values alone)
PIVOTS: dict[str, tuple[re.Pattern[str], Callable[[str], bool], bool]] = {
    "siret": (re.compile(r"siret"), is_siret, True),
    "siren": (re.compile(r"siren|num.*entreprise"), is_siren, True),
    "finess": (re.compile(r"finess"), is_finess, False),
    "uai": (re.compile(r"\buai\b|^uai|code_?rne|numero_?uai"), is_uai, True),
    "commune_insee": (
        re.compile(r"insee|code_?commune|depcom|codgeo|cog|code_?geo|com_?code"),
        is_commune,
        False,
    ),
    "code_postal": (re.compile(r"postal|^cp$|code_?post|^cp_"), is_postal_code, False),
    "departement": (
        re.compile(r"^dep$|departement|code_?dep|^dpt|num_?dep"),
        is_departement,
        False,
    ),
}
LABELS = {
    "siret": "SIRET",
    "siren": "SIREN",
    "finess": "FINESS",
    "uai": "UAI",
    "commune_insee": "code commune INSEE",
    "code_postal": "code postal",
    "departement": "code département",
}
MIN_SHARE = 0.8  # share of non-empty sampled values that must pass the check


def _norm(name: str) -> str:
    text = name.strip().lower()
    for a, b in (("é", "e"), ("è", "e"), ("ê", "e"), ("-", "_"), (" ", "_"), (".", "_")):
        text = text.replace(a, b)
    return text


def _name_kind(name: str) -> str | None:
    key = _norm(name)
    for kind, (pattern, _check, _alone) in PIVOTS.items():
        if pattern.search(key):
            return kind
    return None


def _share(values: list[str], check: Callable[[str], bool]) -> float:
    return sum(1 for v in values if check(v)) / len(values) if values else 0.0


def detect_pivot_columns(
    header: list[str], rows: list[list[str]], sample: int = 1000
) -> dict[str, str]:
    """Column -> pivot kind, from column names AND a sample of values.

    With values, the name's kind must hold for ``MIN_SHARE`` of the non-empty values; a
    column with no telling name is accepted only for distinctive kinds (SIRET, SIREN, UAI).
    Without rows (header only), the name alone decides.
    """
    found: dict[str, str] = {}
    for idx, name in enumerate(header):
        values = [r[idx].strip() for r in rows[:sample] if idx < len(r) and r[idx].strip()]
        hinted = _name_kind(name)
        if not values:
            if hinted and not rows:
                found[name] = hinted
            continue
        if hinted and _share(values, PIVOTS[hinted][1]) >= MIN_SHARE:
            found[name] = hinted
            continue
        for kind, (_pattern, check, alone) in PIVOTS.items():
            if alone and _share(values, check) >= 0.95:
                found[name] = kind
                break
    return found


# --- candidates -------------------------------------------------------------------------
WEIGHTS = {"pivots": 40.0, "reuses": 25.0, "followers": 10.0, "national": 15.0, "frequency": 10.0}
REUSES_FULL = 50  # reuses for the full reuse points (log scale)
FOLLOWERS_FULL = 200
_NATIONAL = re.compile(r"country:fr\b|fr:pays|granularity: ?country\b|\bfrance\b|^fr$")


@dataclass
class Candidate:
    """A dataset that looks like reference data, with the evidence of each sub-score."""

    dataset_key: str
    title: str
    organisation: str | None
    score: float  # 0..100
    pivots: dict[str, str] = field(default_factory=dict)  # column -> kind
    pivots_from_values: bool = False
    reuses: int = 0
    followers: int = 0
    national: bool = False
    frequency: str | None = None
    parts: dict[str, float] = field(default_factory=dict)  # sub-score -> points
    evidence: list[str] = field(default_factory=list)  # plain French


def is_spdr(dataset: Dataset) -> bool:
    return bool(dataset.spdr) or "spd" in dataset.badges


def _pivots_of(
    dataset: Dataset,
    validations: dict[str, ValidationReport],
    samples: dict[str, tuple[list[str], list[list[str]]]],
) -> tuple[dict[str, str], bool]:
    """Pivot columns over the dataset's resources; True when confirmed by values."""
    pivots: dict[str, str] = {}
    by_values = False
    for dist in dataset.distributions:
        if dist.key in samples:
            header, rows = samples[dist.key]
            found = detect_pivot_columns(header, rows)
            by_values = by_values or (bool(found) and bool(rows))
            pivots.update(found)
            continue
        report = validations.get(dist.key)
        if report is None:
            continue
        known = report.stats.get("pivot_columns")
        if isinstance(known, dict):
            pivots.update({str(k): str(v) for k, v in known.items()})
            by_values = by_values or bool(known)
            continue
        columns = list((report.stats.get("empty_cells") or {}).keys())
        pivots.update(detect_pivot_columns(columns, []))
    return pivots, by_values


def _log_share(value: int, full: int) -> float:
    return min(1.0, math.log10(1 + max(0, value)) / math.log10(1 + full))


def _frequency_share(delta: timedelta | None) -> float:
    if delta is None:
        return 0.0
    if delta <= timedelta(days=31):
        return 1.0
    if delta <= timedelta(days=93):
        return 0.6
    return 0.3 if delta <= timedelta(days=366) else 0.0


def _metric(dataset: Dataset, name: str) -> int:
    value = dataset.metrics.get(name)
    return int(value) if isinstance(value, int | float) else 0


def assess(
    dataset: Dataset,
    validations: dict[str, ValidationReport],
    samples: dict[str, tuple[list[str], list[list[str]]]] | None = None,
) -> Candidate:
    """Score one dataset as a reference-data candidate, with its evidence."""
    pivots, by_values = _pivots_of(dataset, validations, samples or {})
    kinds = sorted(set(pivots.values()))
    reuses, followers = _metric(dataset, "reuses"), _metric(dataset, "followers")
    national = bool(_NATIONAL.search((dataset.spatial or "").lower()))
    delta = strict_delta(dataset.frequency)
    pivot_share = min(1.0, 0.6 + 0.2 * (len(kinds) - 1)) if kinds else 0.0
    parts = {
        "pivots": WEIGHTS["pivots"] * pivot_share * (1.0 if by_values else 0.6),
        "reuses": WEIGHTS["reuses"] * _log_share(reuses, REUSES_FULL),
        "followers": WEIGHTS["followers"] * _log_share(followers, FOLLOWERS_FULL),
        "national": WEIGHTS["national"] if national else 0.0,
        "frequency": WEIGHTS["frequency"] * _frequency_share(delta),
    }
    evidence = []
    if kinds:
        how = "repérés dans les valeurs" if by_values else "d'après le nom des colonnes"
        cols = ", ".join(f"{c} ({LABELS.get(k, k)})" for c, k in sorted(pivots.items()))
        evidence.append(f"Identifiants pivots {how} : {cols}")
    if reuses or followers:
        evidence.append(f"{reuses} réutilisation(s), {followers} abonné(s)")
    if national:
        evidence.append(f"Couverture nationale ({dataset.spatial})")
    if delta is not None:
        evidence.append(f"Mise à jour déclarée : {dataset.frequency}")
    return Candidate(
        dataset_key=dataset.key,
        title=dataset.title,
        organisation=dataset.organization_name,
        score=round(sum(parts.values()), 1),
        pivots=pivots,
        pivots_from_values=by_values,
        reuses=reuses,
        followers=followers,
        national=national,
        frequency=dataset.frequency,
        parts={k: round(v, 2) for k, v in parts.items()},
        evidence=evidence,
    )


def reference_candidates(
    datasets: list[Dataset],
    validations: dict[str, ValidationReport],
    samples: dict[str, tuple[list[str], list[list[str]]]] | None = None,
    *,
    require_pivot: bool = True,
    min_score: float = 0.0,
    limit: int | None = None,
) -> list[Candidate]:
    """Non-SPDR datasets ranked as L321-4 candidates, best first.

    ``validations`` by distribution key (their stats give column names, or
    ``stats["pivot_columns"]`` already detected); ``samples`` by distribution key give
    (header, rows) for value-level detection. By default a dataset needs a pivot column.
    """
    out = []
    for ds in datasets:
        if ds.deleted or is_spdr(ds):
            continue
        cand = assess(ds, validations, samples)
        if require_pivot and not cand.pivots:
            continue
        if cand.score >= min_score:
            out.append(cand)
    out.sort(key=lambda c: (-c.score, -c.reuses, c.dataset_key))
    return out[:limit] if limit is not None else out
