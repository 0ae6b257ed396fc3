"""What a score is computed by: the scoring code and the settings it reads.

A score is carried over to a later run without scoring it again only when that run scores
with the same signature (``observatory.reuse``): upgrading the observatory, editing a
criterion or changing the weights or the reference datasets in ``datasets.yml`` scores
every dataset again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from observatory.registry import Config

_PACKAGE = Path(__file__).resolve().parents[1]
#: The code a score depends on: criteria, engine and context, the availability figures
#: they read, the records they read, the settings' models and which files are probed.
_CODE = ("scoring", "availability", "model.py", "registry.py", "pipeline.py")


def scoring_signature(config: Config) -> str:
    """128-bit digest of the scoring code and the scoring settings of ``config``."""
    digest = hashlib.blake2b(digest_size=16)
    for part in _CODE:
        path = _PACKAGE / part
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            digest.update(file.read_bytes())
    digest.update(config.weights.model_dump_json().encode())
    digest.update(config.portal.id.encode() + b"\0")
    for entry in config.spdr:
        digest.update(entry.model_dump_json().encode())
    return digest.hexdigest()
