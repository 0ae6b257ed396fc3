"""What an unchanged re-run adds to the store: thin rows, no second copy of anything.

A carried dataset's observation shares the record of the one it copies, and its score
names the row holding its values and criterion results; reference views
that did not change point to the document already stored; the probes a run reused are
kept as ranges of ids. Every run still reads back whole, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Text, cast, create_engine, func, select

from observatory.observe import InProcessRunner, run_observe
from observatory.registry import load_config
from observatory.sandbox.server import Sandbox
from observatory.storage import models as m
from observatory.storage.carry import id_ranges
from observatory.storage.store import Store
from tests.flows.test_incremental import pg_server, pg_url, store_url, write_config

__all__ = ["pg_server", "pg_url", "store_url"]  # fixtures


def _counts(url: str, run_id: int) -> dict[str, int]:
    o, v, r, c = m.DatasetObservation, m.ReferenceViewRow, m.RunProbeRange, m.CriterionResultRow
    s = m.DatasetScoreRow
    own_records = select(func.count()).where(o.run_id == run_id, cast(o.data, Text) != "null")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            one = lambda q: int(conn.execute(q).scalar_one())  # noqa: E731
            return {
                "observations": one(select(func.count()).where(o.run_id == run_id)),
                "own_records": one(own_records),
                "views": one(select(func.count()).where(v.run_id == run_id)),
                "documents": one(select(func.count()).select_from(m.ReferenceViewDocument)),
                "ranges": one(select(func.count()).where(r.run_id == run_id)),
                "criteria": one(select(func.count()).where(c.run_id == run_id)),
                "scores": one(select(func.count()).where(s.run_id == run_id)),
                "full_scores": one(
                    select(func.count()).where(s.run_id == run_id, s.score_of.is_(None))
                ),
            }
    finally:
        engine.dispose()


def test_an_unchanged_rerun_stores_no_second_copy(
    sandbox: Sandbox, tmp_path: Path, store_url: str
) -> None:
    config = load_config(write_config(sandbox, tmp_path, store_url))
    with Store(store_url) as store:
        first = run_observe(config, store, runner=InProcessRunner())
        second = run_observe(config, store, runner=InProcessRunner())
        a, b = (store.load_snapshot(r.run_id) for r in (first, second))
        # what the next run compares its harvest with: the copies tell it as the originals
        assert store.known_datasets(second.run_id) == store.known_datasets(first.run_id)
        assert store.integrity_check() == []
    before, after = _counts(store_url, first.run_id), _counts(store_url, second.run_id)
    inc = second.summary["incremental"]
    reused = inc["probes_reused"]

    assert b.datasets == a.datasets and b.views == a.views  # read back whole
    assert before["own_records"] == before["observations"] > 20
    assert after["observations"] == before["observations"] and after["own_records"] == 0
    assert after["views"] == before["views"] and after["documents"] == before["documents"]
    assert reused > 50 and 0 < after["ranges"] <= reused // 10
    # scores found equal by their digest are shared; those that moved (the reference
    # datasets' API checks are made again) store only the criteria that changed
    kept = inc["scores_same"] + inc["scores_carried"]
    assert kept >= len(a.scores) * 3 // 4
    # and each score kept as it was is a thin row naming the one that holds its values
    assert after["scores"] == len(b.scores) and after["full_scores"] == len(b.scores) - kept
    assert before["criteria"] > 100 and after["criteria"] <= before["criteria"] // 10
    assert {p.url for p in b.probes} >= {p.url for p in a.probes if p.target == "file"}


@given(st.sets(st.integers(min_value=1, max_value=400), max_size=120))
def test_ranges_hold_exactly_the_ids(ids: set[int]) -> None:
    ranges = id_ranges(sorted(ids, reverse=True))
    expanded = [n for first, last in ranges for n in range(first, last + 1)]
    assert expanded == sorted(ids)
    gaps = [b[0] - a[1] for a, b in zip(ranges, ranges[1:], strict=False)]
    assert all(gap > 1 for gap in gaps)  # as few ranges as the ids allow


def test_a_store_written_before_thin_rows_upgrades_without_losing_anything(
    sandbox: Sandbox, tmp_path: Path, store_url: str
) -> None:
    """Two runs, taken down to the layout before 0008 (records copied, views inline, one
    row per reused probe, full sets of criterion results) and back up: every run reads back
    as it was, and the next run saves as usual."""
    from alembic import command

    from observatory.storage.engine import make_engine
    from observatory.storage.migrate import alembic_config

    config = load_config(write_config(sandbox, tmp_path, store_url))
    with Store(store_url) as store:
        runs = [run_observe(config, store, runner=InProcessRunner()).run_id for _ in range(2)]
        before = [store.load_snapshot(r) for r in runs]
    engine = make_engine(store_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0007_reference_views")
        with engine.connect() as conn:
            old = conn.exec_driver_sql(
                "SELECT count(*), count(DISTINCT probe_id) FROM run_probes WHERE run_id = "
                f"{runs[1]}"
            ).one()
            inline = conn.exec_driver_sql("SELECT count(*) FROM reference_views").scalar_one()
            empty = conn.exec_driver_sql(
                "SELECT count(*) FROM dataset_observations WHERE CAST(metadata AS TEXT) = 'null'"
            ).scalar_one()
            deltas = conn.exec_driver_sql(  # a score's rows are all or none of them at 0007
                "SELECT count(*) FROM dataset_scores s WHERE s.results_of IS NOT NULL AND EXISTS"
                " (SELECT 1 FROM criterion_results c WHERE c.dataset_score_id = s.id)"
            ).scalar_one()
    finally:
        engine.dispose()
    assert old[0] == old[1] == before[1].run.summary["incremental"]["probes_reused"] > 50
    assert inline == len(before[0].views) + len(before[1].views) and empty == deltas == 0
    with Store(store_url) as store:  # back to head on opening
        assert [store.load_snapshot(r) for r in runs] == before
        assert store.integrity_check() == []
        # the tables the migrations rebuilt take new rows (a PostgreSQL sequence restarted
        # at 1 by a rebuild refused them)
        third = run_observe(config, store, runner=InProcessRunner())
        assert store.load_snapshot(third.run_id).views == before[1].views
    assert _counts(store_url, runs[1])["own_records"] == 0
