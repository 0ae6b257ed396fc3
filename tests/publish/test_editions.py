"""Dated editions: archived and listed, never overwritten by a later day or an older run,
replaced only by a second publication of the same day; the swap carries them over."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

from observatory.model import Snapshot
from observatory.publish.inputs import PublishInputs
from observatory.publish.since import failing_since
from observatory.publish.site import publish_site

from .factories import T0, build_snapshot, spdr_entries
from .htmlcheck import load


def _publish(root: Path, current: Snapshot, previous: Snapshot | None) -> None:
    runs = [s.run for s in (previous, current) if s is not None]
    publish_site(root, current, previous, runs, spdr=spdr_entries(), inputs=PublishInputs())


def _tree(root: Path, day: str | None = None) -> dict[str, str]:
    """Hashes of every file of the dated edition folders (of ``day`` only, if given)."""
    editions = root / "editions"
    return {
        str(p.relative_to(editions)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(editions.rglob("*"))
        if p.is_file()
        and len(p.relative_to(editions).parts) > 1
        and (day is None or p.relative_to(editions).parts[0] == day)
    }


def test_editions_accumulate_and_older_ones_are_never_touched(tmp_path: Path) -> None:
    root = tmp_path / "site"
    day1 = build_snapshot(1, T0 - timedelta(days=7), shift=-3.0, with_new=False)
    day2 = build_snapshot(2, T0, shift=0.0, with_new=True)
    _publish(root, day1, None)
    first = _tree(root, "2025-03-31")
    _publish(root, day2, day1)
    assert sorted(p.name for p in (root / "editions").iterdir() if p.is_dir()) == [
        "2025-03-31",
        "2025-04-07",
    ]
    assert _tree(root, "2025-03-31") == first
    listing = load(root / "editions" / "index.html")
    assert "État au 7 avril 2025" in listing.text and "État au 31 mars 2025" in listing.text
    assert listing.text.index("7 avril") < listing.text.index("31 mars")  # newest first
    edition = load(root / "editions" / "2025-04-07" / "index.html").text
    assert "En progrès" in edition and "2025-03-31" in edition  # link to the previous one
    # Republishing the older run writes no edition: history is not rewritten.
    before = _tree(root)
    _publish(root, day1, None)
    assert _tree(root) == before


def test_second_publication_the_same_day_replaces_only_that_day(tmp_path: Path) -> None:
    root = tmp_path / "site"
    day1 = build_snapshot(1, T0 - timedelta(days=7), shift=-3.0, with_new=False)
    morning = build_snapshot(2, T0, shift=0.0, with_new=True)
    evening = build_snapshot(3, T0 + timedelta(hours=8), shift=1.0, with_new=True)
    _publish(root, day1, None)
    old = _tree(root, "2025-03-31")
    _publish(root, morning, day1)
    _publish(root, evening, morning)
    record = json.loads((root / "editions" / "2025-04-07" / "edition.json").read_text("utf-8"))
    assert record["run_id"] == 3
    assert _tree(root, "2025-03-31") == old
    api = json.loads((root / "api" / "editions.json").read_text("utf-8"))
    assert [e["day"] for e in api] == ["2025-04-07", "2025-03-31"]


def test_failing_since_finds_the_start_of_the_streak() -> None:
    runs = [build_snapshot(i, T0 + timedelta(days=i), shift=0.0, with_new=False) for i in (1, 2, 3)]
    current, newer_first = runs[-1], list(reversed(runs[:-1]))
    since = failing_since(current, iter(newer_first))
    assert since and all(run.id == 1 for run in since.values())
    # A criterion that passed in run 2 fails only since run 3.
    key = next(iter(since))
    for result in runs[1].scores[key[0]].results:
        if result.criterion_id == key[1]:
            result.status = "pass"
    assert failing_since(current, iter(newer_first))[key].id == 3
