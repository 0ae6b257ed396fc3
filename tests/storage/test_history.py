"""Every run is kept: previous run, score and probe histories, first/last seen."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import create_engine, select

from observatory.model import ProbeResult
from observatory.storage.models import DatasetRow

from .factories import T0, catalogue_with_status, probes, score_for, sirene_dataset

DAY = timedelta(days=1)


def _observe(store, day: int, overall: float | None, status: str | None = "ok") -> int:
    dataset = sirene_dataset()
    dataset.title = f"Base Sirene, jour {day}"
    catalogue, cstatus = catalogue_with_status([dataset])
    run_id = store.start_run("observe", T0 + day * DAY)
    store.save_catalogue(run_id, catalogue, cstatus)
    store.save_probes(run_id, probes(T0 + day * DAY))
    store.save_scores(run_id, [score_for(dataset.key, overall)])
    if status:
        store.finish_run(run_id, status, {"day": day})
    return run_id


def test_two_runs_are_both_kept(store) -> None:
    first = _observe(store, 0, 60.0)
    second = _observe(store, 1, 80.0)
    assert [r.id for r in store.list_runs()] == [second, first]
    assert store.load_snapshot(first).datasets[0].title == "Base Sirene, jour 0"
    assert store.load_snapshot(second).datasets[0].title == "Base Sirene, jour 1"
    assert store.previous_run_id(second) == first
    assert store.previous_run_id(first) is None


def test_previous_run_skips_unfinished_failed_and_other_kinds(store) -> None:
    good = _observe(store, 0, 60.0)
    _observe(store, 1, 10.0, status=None)  # crashed: stays running
    _observe(store, 2, 10.0, status="failed")
    check = store.start_run("check", T0 + 3 * DAY)
    store.finish_run(check, "ok", {})
    current = store.start_run("observe", T0 + 4 * DAY)
    assert store.previous_run_id(current) == good
    assert [r.status for r in store.list_runs(kind="observe")] == [
        "running",
        "failed",
        "running",
        "ok",
    ]
    assert [r.id for r in store.list_runs(kind="check")] == [check]
    assert len(store.list_runs(limit=2)) == 2


def test_score_history_oldest_first_limited_to_latest(store) -> None:
    runs = [_observe(store, day, 50.0 + day) for day in range(4)]
    key = sirene_dataset().key
    history = store.score_history(key)
    assert [h[0] for h in history] == runs
    assert [h[1] for h in history] == [T0 + d * DAY for d in range(4)]
    assert [h[2] for h in history] == [50.0, 51.0, 52.0, 53.0]
    assert history[0][3]["conformity"] is None and history[0][3]["availability"] == 99.9
    assert [h[0] for h in store.score_history(key, limit=2)] == runs[2:]
    assert store.score_history("nowhere:none") == []


def test_probe_history_across_runs(store) -> None:
    for day in range(3):
        _observe(store, day, 50.0)
    url = probes()[0].url
    history = store.probe_history(url)
    assert [p.checked_at for p in history] == [T0 + d * DAY for d in range(3)]
    assert all(isinstance(p, ProbeResult) and p.url == url for p in history)
    assert [p.checked_at for p in store.probe_history(url, since=T0 + DAY)] == [
        T0 + DAY,
        T0 + 2 * DAY,
    ]
    assert store.probe_history("https://unknown.example/") == []


def test_identity_first_and_last_seen(store, db_url) -> None:
    first = _observe(store, 0, 50.0)
    last = _observe(store, 2, 50.0)
    late = _observe(store, 1, 50.0)  # an older run saved late does not rewind the identity
    engine = create_engine(db_url)
    with engine.connect() as conn:
        row = conn.execute(select(DatasetRow)).one()
    engine.dispose()
    assert (row.first_seen_run_id, row.last_seen_run_id) == (first, last)
    assert row.title == "Base Sirene, jour 2"
    assert late not in (row.first_seen_run_id, row.last_seen_run_id)


def test_saving_a_catalogue_again_in_a_run_replaces_it(store) -> None:
    run_id = store.start_run()
    catalogue, status = catalogue_with_status([sirene_dataset()])
    store.save_catalogue(run_id, catalogue, status)
    catalogue.datasets[0].title = "corrigé"
    store.save_catalogue(run_id, catalogue, status)
    snap = store.load_snapshot(run_id)
    assert [d.title for d in snap.datasets] == ["corrigé"]
    assert len(snap.catalogues) == 1 and len(snap.catalogues[0].errors) == 1
    assert store.integrity_check() == []


def test_batch_histories_match_single_ones(store) -> None:
    for day in range(3):
        _observe(store, day, 40.0 + day)
    key = sirene_dataset().key
    batch = store.score_histories([key, "nowhere:none"], limit=2)
    assert batch == {key: store.score_history(key, limit=2), "nowhere:none": []}
    urls = [p.url for p in probes()] + ["https://unknown.example/"]
    since = T0 + DAY
    found = store.probe_histories(urls, since=since)
    assert found == {url: store.probe_history(url, since=since) for url in urls}
    assert [len(found[u]) for u in urls] == [2, 2, 0]


def test_histories_hold_the_last_scores_up_to_a_run(store) -> None:
    """A page's chart: each dataset's last ``limit`` scores of the runs up to the one
    published (the database keeps them: a year of runs is never read whole)."""
    days = [4, 0, 2, 1, 3]  # runs saved out of date order: the history follows the dates
    runs = {day: _observe(store, day, 40.0 + day) for day in days}
    key = sirene_dataset().key
    infos = {run.id: run for run in store.list_runs(kind="observe")}
    in_order = [runs[day] for day in sorted(days)]
    for limit in (0, 1, 3, 5, 9):
        for until_day in sorted(days):
            until = infos[runs[until_day]]
            found = store.score_histories([key, "nowhere:none"], limit=limit, until=until)
            kept = in_order[: until_day + 1][-limit:] if limit else []
            assert [point[0] for point in found[key]] == kept
            assert [point[2] for point in found[key]] == [40.0 + d for d in range(7)][
                until_day + 1 - len(kept) : until_day + 1
            ]
            assert found["nowhere:none"] == []
