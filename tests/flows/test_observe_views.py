"""Reference views through the observe engine, against the sandbox portal.

A demo-like run computes the udata quality score, the MQA and the L321-4 candidate
assessment of every published dataset and stores them with the run; the pages show what
the store holds. Publishing a past run again (twice, in another process with another hash
seed, and after a later run has changed the portal) gives the same bytes, page for page
(the search index too, but for the files Pagefind itself does not write stably).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, update

from observatory.model import Snapshot, to_jsonable
from observatory.observe import InProcessRunner, run_observe
from observatory.publish import details, paths
from observatory.publish.fingerprint import MANIFEST
from observatory.registry import load_config
from observatory.report import publish_run
from observatory.sandbox.server import Sandbox
from observatory.storage.models import ReferenceViewDocument, ReferenceViewRow
from observatory.storage.store import Store
from tests.flows.test_incremental import write_config


def _tree(root: Path) -> dict[str, bytes]:
    """The site's files but its manifest (when and from what it was published, not content)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


# Pagefind writes its filter and metadata indexes (and so the entry file naming them) from a
# hash map: two indexings of the same records differ in those bytes (Pagefind issue #638);
# its fragments and word indexes are stable and are compared byte for byte.
UNSTABLE_SEARCH_FILES = (".pf_filter", ".pf_meta", "pagefind-entry.json")


def _differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    def stable(name: str) -> bool:
        return not (name.startswith("pagefind/") and name.endswith(UNSTABLE_SEARCH_FILES))

    return sorted(k for k in a.keys() | b.keys() if stable(k) and a.get(k) != b.get(k))


def _search_pages(site: dict[str, bytes]) -> int:
    entry = json.loads(site["pagefind/pagefind-entry.json"])
    return int(entry["languages"]["fr"]["page_count"])


def _publish_elsewhere(config_path: str, run_id: int, out: Path) -> None:
    """``observatory report`` in a fresh process, with another hash seed (set order)."""
    env = os.environ | {"PYTHONHASHSEED": "4242"}
    command = [sys.executable, "-m", "observatory.cli", "report", "--config", config_path]
    command += ["--run", str(run_id), "--out", str(out)]
    subprocess.run(command, check=True, env=env, capture_output=True, timeout=300)


def _set_mqa_total(url: str, run_id: int, key: str, mqa: dict, total: float) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            row = ReferenceViewRow
            document = select(row.document_id).where(row.run_id == run_id, row.dataset_key == key)
            conn.execute(
                update(ReferenceViewDocument)
                .where(ReferenceViewDocument.id == document.scalar_subquery())
                .values(mqa={**mqa, "total": total})
            )
    finally:
        engine.dispose()


def _check_evidence_published(site: Path, whole: Snapshot) -> None:
    """Every criterion's evidence (read from the store a batch of datasets at a time while
    publishing) is on its dataset's JSON mirror and in the criteria export, as stored."""
    stored = {k: [to_jsonable(r.evidence) for r in s.results] for k, s in whole.scores.items()}
    assert sum(bool(e) for evidences in stored.values() for e in evidences) > 100
    exported: dict[str, list[Any]] = {}
    for row in json.loads((site / "data" / "criteria.json").read_text("utf-8")):
        exported.setdefault(row["dataset_key"], []).append(row["evidence"])
    assert exported == stored
    for dataset in (d for d in whole.datasets if not d.deleted):
        mirror = site / paths.api_path(paths.dataset_page(dataset.key))
        criteria = json.loads(mirror.read_text("utf-8"))["criteria"]
        assert [c["evidence"] for c in criteria] == stored[dataset.key], dataset.key


def test_the_run_stores_the_views_and_a_past_run_renders_the_same_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(details, "BATCH", 3)  # evidence read 3 datasets at a time
    url = f"sqlite:///{tmp_path / 'store.db'}"
    out = tmp_path / "sites"
    with Sandbox(port=0).start() as sandbox:
        config_path = write_config(sandbox, tmp_path, url)
        config = load_config(config_path)
        with Store(url) as store:
            first = run_observe(config, store, runner=InProcessRunner()).run_id
            snap = store.load_snapshot(first)
            publish_run(store, first, config, out / "a")
            publish_run(store, first, config, out / "b")
            _publish_elsewhere(config_path, first, out / "c")
            sandbox.state.generation = 1  # the demo moves on: files change, datasets too
            second = run_observe(config, store, runner=InProcessRunner()).run_id
            publish_run(store, first, config, out / "d")
            publish_run(store, second, config, out / "later")
            whole = store.load_snapshot(second)  # with every result's evidence

    published = [d for d in snap.datasets if not d.deleted]
    assert len(published) > 20 and set(snap.views) == {d.key for d in published}
    spdr = [d for d in published if d.spdr]
    others = [d for d in published if not d.spdr and "spd" not in d.badges]
    assert spdr and all(snap.views[d.key].candidate is None for d in spdr)
    assert others and all(snap.views[d.key].candidate is not None for d in others)
    assert all(0 <= snap.views[d.key].mqa["total"] <= 405 for d in published)
    assert any(snap.views[d.key].mqa["total"] > 0 for d in published)

    sites = {name: _tree(out / name) for name in ("a", "b", "c", "d", "later")}
    assert len(sites["a"]) > 50
    assert sum(k.startswith("pagefind/fragment/") for k in sites["a"]) == _search_pages(sites["a"])
    for name in ("b", "c", "d"):
        assert _differing(sites["a"], sites[name]) == [], name
        assert _search_pages(sites[name]) == _search_pages(sites["a"]), name
    assert "runs.html" in _differing(sites["a"], sites["later"])  # the later run is listed

    _check_evidence_published(out / "later", whole)

    # The page lays out what the store holds: change a stored total, the page follows.
    key = others[0].key
    _set_mqa_total(url, first, key, snap.views[key].mqa, 404)
    with Store(url) as store:
        publish_run(store, first, config, out / "e")
    page = (out / "e" / paths.dataset_page(key)).read_text(encoding="utf-8")
    assert "<strong>404</strong> / 405 points" in page
    before = (out / "a" / paths.dataset_page(key)).read_text(encoding="utf-8")
    assert "<strong>404</strong> / 405 points" not in before
    # and so does the catalogue's mean MQA, read from the stored totals alone
    totals = {d.key: snap.views[d.key].mqa["total"] for d in published}
    mates = [d.key for d in published if d.catalogue_id == others[0].catalogue_id]
    means = [sum(totals[k] for k in mates) / len(mates)]
    means.append(means[0] + (404 - totals[key]) / len(mates))
    catalogue = paths.catalogue_page(others[0].catalogue_id)
    assert f"{means[0]:.0f} / 405" != f"{means[1]:.0f} / 405"
    assert f"{means[0]:.0f} / 405" in (out / "a" / catalogue).read_text(encoding="utf-8")
    assert f"{means[1]:.0f} / 405" in (out / "e" / catalogue).read_text(encoding="utf-8")
