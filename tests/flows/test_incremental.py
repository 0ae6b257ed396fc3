"""Incremental runs: an unchanged re-run asks conditionally and reuses what did not change."""

from __future__ import annotations

from pathlib import Path

from observatory.storage.store import Store
from tests.flows.test_crash import config_file


def test_unchanged_rerun_reuses_validations_and_keeps_the_same_scores(
    sandbox, tmp_path: Path
) -> None:
    from flows.observe import observe

    config = str(config_file(sandbox, tmp_path))
    first = observe(config, publish_site=False)
    second = observe(config, publish_site=False)
    inc1, inc2 = first["summary"]["incremental"], second["summary"]["incremental"]
    assert inc1["validations_reused"] == 0 and inc1["validated"] > 0
    assert inc2["validators"] > 0  # stored ETag / Last-Modified sent back
    assert inc2["validations_reused"] > 0
    assert inc2["validated"] < inc1["validated"]
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        a, b = store.load_snapshot(first["run_id"]), store.load_snapshot(second["run_id"])
        assert store.integrity_check() == []
    finally:
        store.close()
    reused = [v for v in b.validations if v.stats.get("reused")]
    assert reused
    before = {v.distribution_key: (v.valid, v.error_counts) for v in a.validations}
    for v in reused:  # a reused report says the same as the one it copies
        assert before[v.distribution_key] == (v.valid, v.error_counts)
    assert len(b.validations) == len(a.validations)  # every run keeps a full set
    conformity = {k: s.pillars.get("conformity") for k, s in a.scores.items()}
    assert conformity == {k: s.pillars.get("conformity") for k, s in b.scores.items()}
