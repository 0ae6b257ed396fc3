"""Where the shared corpus of real published files lives (never edited by this project).

It sits beside the checkout (``../shared/corpus``); a clone elsewhere finds it through
``OBSERVATORY_CORPUS_DIR`` or the workplace's fixed location.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _locate() -> Path:
    candidates = [
        os.environ.get("OBSERVATORY_CORPUS_DIR"),
        ROOT.parent / "shared" / "corpus",
        "/work/shared/corpus",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return Path("/work/shared/corpus")  # tests that need it fail naming this path


CORPUS = _locate()
