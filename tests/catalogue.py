"""The French catalogue as the tests read it, and the messages `make i18n` would extract."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

from observatory import i18n

ROOT = Path(__file__).resolve().parents[1]


def french() -> Catalog:
    """The .po file as it is on disk (fuzzy flags and untranslated entries included)."""
    with i18n.po_path().open("rb") as handle:
        return read_po(handle, locale="fr")


def make_i18n_messages() -> set[tuple[str | None, str]]:
    """(context, id) of every message `make i18n` extracts, with its babel.cfg and keywords."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(re.findall(r"-k (\S+)", makefile))}
    found = extract_from_dir(ROOT / "observatory", method_map, options_map, keywords)
    return {(context, message) for _, _, message, _, context in found}  # type: ignore[misc]
