"""A published site built once per test from realistic current and previous snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from observatory.model import Snapshot
from observatory.publish.site import publish_site
from observatory.registry import SpdrEntry

from .factories import T0, build_snapshot, history_for, spdr_entries

METHODOLOGY = """# Méthodologie

Chaque critère est **pondéré** ; les critères non applicables sortent du dénominateur.

## Piliers

- complétude
- fraîcheur

| pilier | poids |
|---|---|
| complétude | 1 |

```
score = somme(poids × note) / somme(poids)
```

<script>alert('md')</script>
"""


@dataclass
class Published:
    root: Path
    current: Snapshot
    previous: Snapshot
    spdr: list[SpdrEntry]


def build_pair() -> tuple[Snapshot, Snapshot]:
    previous = build_snapshot(1, T0 - timedelta(days=7), shift=-3.0, with_new=False)
    current = build_snapshot(2, T0, shift=0.0, with_new=True)
    return current, previous


@pytest.fixture
def published(tmp_path: Path) -> Published:
    current, previous = build_pair()
    spdr = spdr_entries()
    root = publish_site(
        tmp_path / "site",
        current,
        previous,
        [previous.run, current.run],
        spdr=spdr,
        history=history_for(current),
        methodology_md=METHODOLOGY,
    )
    return Published(root, current, previous, spdr)


@pytest.fixture(scope="session")
def observed(sandbox, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The observe flow run twice (sandbox + hostile catalogue): a real published site."""
    from .observed import observe_twice

    return observe_twice(sandbox, tmp_path_factory.mktemp("observed"))
