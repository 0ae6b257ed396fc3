"""Recognise licences: udata ids, SPDX ids, EU authority URIs, Etalab and CC URLs, titles.

``classify_licence`` answers ``("open", name)`` for a known open licence, ``("missing",
None)`` when nothing usable is declared ("notspecified" included), ``("closed", name)`` for
udata's "other-closed", and ``("other", value)`` for anything else (unknown or generic).
"""

from __future__ import annotations

import re
from typing import Literal

LicenceClass = Literal["open", "missing", "closed", "other"]

LO1 = "Licence Ouverte 1.0"
LO2 = "Licence Ouverte 2.0"
ODBL = "ODbL"
CC_BY = "CC-BY"
CC_BY_SA = "CC-BY-SA"
CC0 = "CC0"
ODC_BY = "ODC-BY"
PDDL = "ODC-PDDL"

#: Normalised identifiers (see ``_key``) -> licence name.
_OPEN: dict[str, str] = {
    # udata ids (data.gouv.fr)
    "fr-lo": LO1,
    "lov2": LO2,
    "odc-odbl": ODBL,
    "cc-by": CC_BY,
    "cc-by-sa": CC_BY_SA,
    "cc-zero": CC0,
    "cc0": CC0,
    "odc-by": ODC_BY,
    "odc-pddl": PDDL,
    # SPDX ids
    "etalab-2.0": LO2,
    "odbl-1.0": ODBL,
    "cc-by-4.0": CC_BY,
    "cc-by-3.0": CC_BY,
    "cc-by-2.0": CC_BY,
    "cc-by-sa-4.0": CC_BY_SA,
    "cc-by-sa-3.0": CC_BY_SA,
    "cc0-1.0": CC0,
    "odc-by-1.0": ODC_BY,
    "pddl-1.0": PDDL,
    # EU licence authority codes
    "cc_by_4_0": CC_BY,
    "cc_by_3_0": CC_BY,
    "cc_bysa_4_0": CC_BY_SA,
    "cc_bysa_3_0": CC_BY_SA,
    "odc_bl": ODBL,
    "odc_by": ODC_BY,
    "pddl": PDDL,
    "etalab_2_0": LO2,
    # titles as some catalogues write them
    "licence ouverte": LO1,
    "licence ouverte / open licence": LO1,
    "licence ouverte / open licence version 2.0": LO2,
    "licence ouverte v2.0": LO2,
    "licence ouverte 2.0": LO2,
    "open licence 2.0": LO2,
    "open data commons open database license (odbl)": ODBL,
    "odbl": ODBL,
    "creative commons attribution": CC_BY,
    "creative commons attribution share-alike": CC_BY_SA,
    "creative commons cczero": CC0,
}

#: URL fragments (host + path, lower case, no scheme) -> licence name.
_URL_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"etalab\.gouv\.fr/.*(v2|2\.0|licence-ouverte-open-licence)"), LO2),
    (re.compile(r"etalab\.gouv\.fr/.*licence.?ouverte"), LO1),
    (re.compile(r"opendatacommons\.org/licenses/odbl"), ODBL),
    (re.compile(r"opendatacommons\.org/licenses/by"), ODC_BY),
    (re.compile(r"opendatacommons\.org/licenses/pddl"), PDDL),
    (re.compile(r"creativecommons\.org/licenses/by-sa/"), CC_BY_SA),
    (re.compile(r"creativecommons\.org/licenses/by/"), CC_BY),
    (re.compile(r"creativecommons\.org/publicdomain/zero/"), CC0),
]

_MISSING = {"", "notspecified", "not-specified", "none", "null", "unknown"}
_CLOSED = {"other-closed"}


def _key(value: str) -> str:
    return value.strip().lower().rstrip("/")


def classify_licence(value: str | None) -> tuple[LicenceClass, str | None]:
    """Classify a declared licence (id, URI or title) as open, missing, closed or other."""
    if value is None or _key(value) in _MISSING:
        return "missing", None
    key = _key(value)
    if key in _CLOSED:
        return "closed", value
    if key in _OPEN:
        return "open", _OPEN[key]
    if "://" in key:
        tail = key.rsplit("/", 1)[-1]
        if "spdx.org/licenses/" in key or "/authority/licence/" in key:
            found = _OPEN.get(tail.removesuffix(".html").removesuffix(".json"))
            if found:
                return "open", found
        bare = key.split("://", 1)[1]
        for pattern, name in _URL_PATTERNS:
            if pattern.search(bare):
                return "open", name
    return "other", value
