"""A score carried over because it provably holds is the score scoring again gives, and
the reference views carried with it are the views computing them again gives.

One store, two copies after a first run against the sandbox portal. The same re-run, at the
same simulated instants, is made on both: on one the scores that hold are carried over, on
the other the previous run's scoring signature is wiped so every dataset is scored again.
Every dataset whose inputs did not change reads back with the same score on both.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from observatory.model import Snapshot
from observatory.observe import InProcessRunner, run_observe
from observatory.registry import load_config
from observatory.sandbox.server import Sandbox
from observatory.storage.store import Store
from tests.flows.test_incremental import write_config


def _forget_signature(db: Path, run_id: int) -> None:
    """The run as an older version left it: no scoring signature, so nothing is carried."""
    conn = sqlite3.connect(db)
    try:
        (text,) = conn.execute("SELECT summary FROM runs WHERE id = ?", (run_id,)).fetchone()
        summary = json.loads(text)
        summary.pop("scoring_signature")
        conn.execute("UPDATE runs SET summary = ? WHERE id = ?", (json.dumps(summary), run_id))
        conn.commit()
    finally:
        conn.close()


@pytest.mark.parametrize("after", [timedelta(minutes=20), timedelta(hours=5)])
def test_a_carried_score_is_the_score_scoring_again_gives(
    sandbox: Sandbox, tmp_path: Path, after: timedelta
) -> None:
    found: dict[str, tuple[Snapshot, dict]] = {}
    first_db = tmp_path / "first.db"
    config = load_config(write_config(sandbox, tmp_path, f"sqlite:///{first_db}"))
    with Store(f"sqlite:///{first_db}") as store:
        first = run_observe(config, store, runner=InProcessRunner())
        start = store.load_snapshot(first.run_id).run.started_at
    for name in ("carried", "scored"):
        db = tmp_path / f"{name}.db"
        shutil.copy(first_db, db)
        if name == "scored":
            _forget_signature(db, first.run_id)
        with Store(f"sqlite:///{db}") as store:
            done = run_observe(config, store, now=start + after, runner=InProcessRunner())
            found[name] = (store.load_snapshot(done.run_id), done.summary["incremental"])
            assert store.integrity_check() == []
    (carried, inc), (scored, inc_scored) = found["carried"], found["scored"]
    assert inc["scores_carried"] > 0 and inc_scored["scores_carried"] == 0
    assert inc_scored["scored"] == len(scored.scores)
    # datasets whose files were all taken over (not asked again) had the same inputs
    asked = {p.url for p in carried.probes if p.checked_at >= start + after}
    asked |= {p.url for p in scored.probes if p.checked_at >= start + after}
    same_inputs = [
        d.key
        for d in carried.datasets
        if not d.spdr and not {u for x in d.distributions for u in (x.url, x.download_url)} & asked
    ]
    assert len(same_inputs) >= inc["scores_carried"]
    assert inc["views_carried"] > 0 and inc_scored["views_carried"] == 0
    for key in same_inputs:
        assert carried.scores[key] == scored.scores[key], key
        assert carried.views[key] == scored.views[key], key


def test_views_are_carried_only_while_the_update_check_reads_the_same() -> None:
    """data.gouv.fr's "update fulfilled in time" is the one part of the views that reads the
    clock: a monthly dataset whose deadline (plus udata's day of grace) falls between the
    two runs has its views computed again; one still on time, or already late, keeps them."""
    from observatory.observe.views import views_to_carry
    from tests.scoring.scoring_helpers import NOW, good_dataset

    def updated(days: int) -> Any:
        return replace(good_dataset(), key=f"k{days}", modified=NOW - timedelta(days=days))

    datasets = [updated(10), updated(31), updated(90)]  # monthly: 31 days, then 1 of grace
    scored = {d.key: NOW for d in datasets}
    kept = views_to_carry(datasets, scored, NOW + timedelta(days=2))
    assert kept == ["k10", "k90"]
    assert views_to_carry(datasets, {"k10": NOW}, NOW + timedelta(days=2)) == ["k10"]
    # compared from when the score was computed, not from the previous run's clock: views
    # carried as last known by an incomplete harvest were computed then, and a previous
    # run after k31's deadline would read "late" as now does
    assert views_to_carry(datasets, {"k31": NOW - timedelta(days=5)}, NOW + timedelta(days=2)) == []
    assert views_to_carry([datasets[0], datasets[0]], scored, NOW) == ["k10"]  # read twice


def test_views_read_the_probes_of_the_files_only(tmp_path: Path) -> None:
    """A dataset's documentation page probed now as another dataset's file does not reach
    its views: they read the probes the carry decision compares, of its own files only."""
    from observatory.model import ProbeResult
    from observatory.observe.checks import Checks
    from observatory.observe.views import batch_probes
    from observatory.pipeline import probe_targets
    from tests.scoring.scoring_helpers import NOW, good_dataset

    dataset = good_dataset()
    doc = next(d.url for d in dataset.distributions if d.type == "documentation")
    (main,) = probe_targets([dataset])
    made = {
        url: ProbeResult(url=url, outcome="down", reason="HTTP 404", checked_at=NOW, status=404)
        for url in (main, doc)
    }
    checks = Checks(fresh=[], reused={}, before={}, validated=[], latest={}, kept=0)
    with Store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        assert set(batch_probes(store, [dataset], made, checks)) == {main}
