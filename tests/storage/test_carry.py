"""Incremental runs in the store: unchanged datasets and scores copied in SQL, deleted ones
kept and dated, reused probes linked (not copied), on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select

from observatory.report import run_summary
from observatory.storage.carry import CarryDatasets, CarryScores
from observatory.storage.models import DatasetRow

from .factories import T0, catalogue_with_status, corpus_dataset, probes, score_for, sirene_dataset

DAY = timedelta(days=1)


def _three():
    sirene, corpus = sirene_dataset(), corpus_dataset()
    other = replace(sirene, key=sirene.key + "-bis", source_id="bis", title="Autre", spdr=None)
    other.distributions = [replace(x, key=x.key + "-bis") for x in sirene.distributions]
    return sirene, corpus, other


def _first_run(store) -> tuple[int, list]:
    datasets = list(_three())
    catalogue, status = catalogue_with_status(datasets)
    run = store.start_run("observe", T0)
    store.save_catalogue(run, catalogue, status)
    store.save_probes(run, probes(T0))
    store.save_scores(run, [score_for(d.key, 50.0 + i) for i, d in enumerate(datasets)])
    store.finish_run(run, "ok", {})
    return run, datasets


def _deleted_at(url: str) -> dict[str, object]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(select(DatasetRow.key, DatasetRow.deleted_at)).all())
    finally:
        engine.dispose()


def test_unchanged_copied_changed_saved_deleted_kept_and_dated(store, db_url: str) -> None:
    first, (sirene, corpus, other) = _first_run(store)
    changed = replace(corpus, title="Titre modifié")
    catalogue, status = catalogue_with_status([changed])
    status.dataset_count = 2  # sirene (unchanged) and the changed one were read
    second = store.start_run("observe", T0 + DAY)
    gone_at = T0 + DAY
    plan = CarryDatasets(first, unchanged=[sirene.key], deleted=[other.key], at=gone_at)
    store.save_catalogue(second, catalogue, status, plan)
    store.save_scores(
        second, [score_for(changed.key, 90.0)], T0 + DAY, CarryScores(first, [sirene.key])
    )
    store.finish_run(second, "ok", {})

    a, b = store.load_snapshot(first), store.load_snapshot(second)
    by_key = {d.key: d for d in b.datasets}
    assert by_key[sirene.key] == sirene  # copied exactly, distributions included
    assert by_key[changed.key].title == "Titre modifié"
    assert by_key[other.key].deleted and not {d.key: d for d in a.datasets}[other.key].deleted
    assert by_key[other.key].distributions == other.distributions  # the record is kept whole
    assert b.scores[sirene.key] == a.scores[sirene.key]  # every criterion result copied
    assert b.scores[changed.key].overall == 90.0
    assert other.key not in b.scores  # a deleted dataset is not scored
    assert {k: d.scored_at for k, d in store.score_dates(second).items()} == {
        sirene.key: T0,
        changed.key: T0 + DAY,
    }
    assert _deleted_at(db_url)[other.key] == gone_at
    known = store.known_datasets(second)["data-gouv-fr"]
    assert known[other.key].deleted and not known[sirene.key].deleted
    assert known[sirene.key].content_hash == sirene.content_hash()
    assert store.integrity_check() == []
    summary = store.run_summary(second)
    assert summary["datasets"] == 2 and summary["deleted_datasets"] == 1
    # history of the deleted dataset stays: its first run is untouched
    assert store.load_snapshot(first) == a

    # still absent next run: carried again, its deletion date unchanged
    third = store.start_run("observe", T0 + 2 * DAY)
    plan = CarryDatasets(second, unchanged=[sirene.key, changed.key], deleted=[other.key])
    store.save_catalogue(third, *catalogue_with_status([]), plan)
    store.finish_run(third, "ok", {})
    assert [d.key for d in store.load_snapshot(third).datasets if d.deleted] == [other.key]
    assert _deleted_at(db_url)[other.key] == gone_at

    # back in the source: saved afresh, the deletion date cleared
    fourth = store.start_run("observe", T0 + 3 * DAY)
    store.save_catalogue(fourth, *catalogue_with_status([other]))
    store.finish_run(fourth, "ok", {})
    assert _deleted_at(db_url)[other.key] is None
    assert not store.load_snapshot(fourth).datasets[0].deleted
    assert store.integrity_check() == []


def test_reused_probes_are_linked_not_copied(store) -> None:
    first, _ = _first_run(store)
    file_probe = store.run_file_probes(first)
    (url, ref), *_ = file_probe.items()
    probe = store.probes_by_id([ref.id])[ref.id]
    assert (probe.url, probe.outcome, probe.checked_at) == (url, ref.outcome, ref.checked_at)
    second = store.start_run("observe", T0 + DAY)
    store.save_probes(second, [], reused=[ref.id])
    store.finish_run(second, "ok", {})
    assert store.load_snapshot(second).probes == [probe]
    assert store.run_file_probes(second) == {url: ref}
    assert store.probe_history(url) == [probe]  # the availability history is not doubled
    assert store.run_summary(second)["probes"] == 1
    assert store.integrity_check() == []


def test_summary_by_the_database_equals_the_snapshot_summary(store) -> None:
    first, _ = _first_run(store)
    assert store.run_summary(first) == run_summary(store.load_snapshot(first)) | {
        "deleted_datasets": 0
    }
    scores, titles = store.weakest_scores(first, 2)
    assert [s.overall for s in scores] == [50.0, 51.0]
    assert titles[scores[0].dataset_key] == sirene_dataset().title


def test_a_populated_store_goes_down_to_0003_and_back_without_losing_rows(
    store, db_url: str
) -> None:
    from alembic import command

    from observatory.storage.engine import make_engine
    from observatory.storage.migrate import alembic_config
    from observatory.storage.store import Store

    first, _ = _first_run(store)
    before = store.load_snapshot(first)
    store.close()
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0003")
        with engine.connect() as conn:
            counts = [
                conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
                for table in ("distribution_observations", "criterion_results")
            ]
    finally:
        engine.dispose()
    criteria = sum(len(s.results) for s in before.scores.values())
    assert counts == [sum(len(d.distributions) for d in before.datasets), criteria]
    with Store(db_url) as again:  # back to head on opening
        assert again.load_snapshot(first) == before
        assert again.integrity_check() == []


def test_reference_datasets_are_read_without_the_others(store) -> None:
    first, (sirene, corpus, other) = _first_run(store)
    assert store.spdr_datasets(first) == [sirene]  # with its distributions
    second = store.start_run("observe", T0 + DAY)
    plan = CarryDatasets(first, unchanged=[corpus.key, other.key], deleted=[sirene.key])
    store.save_catalogue(second, *catalogue_with_status([]), plan)
    assert store.spdr_datasets(second) == []  # a deleted one is not probed any more


def test_a_score_found_equal_keeps_its_new_dates_through_later_copies(store) -> None:
    """A score scored again and found equal is shared with the previous one, but dated
    when it was scored again and holding as the new verdicts say; a later copy of it keeps
    those dates, and a plain copy keeps the original's."""
    first, (sirene, corpus, other) = _first_run(store)
    until = {sirene.key: T0 + 40 * DAY, corpus.key: T0 + 3 * DAY}
    store.save_scores(first, [], holds_until=until)  # no score given: dates unchanged
    keys = [sirene.key, corpus.key, other.key]

    def copy(run_from: int, at: object, rescored: dict) -> int:
        run = store.start_run("observe", at)
        store.save_scores(run, [], at, CarryScores(run_from, keys, rescored, at))
        store.finish_run(run, "ok", {})
        return run

    second = copy(first, T0 + DAY, {sirene.key: T0 + 41 * DAY})
    third = copy(second, T0 + 2 * DAY, {})
    for run in (second, third):
        dates = store.score_dates(run)
        assert (dates[sirene.key].scored_at, dates[sirene.key].holds_until) == (
            T0 + DAY,
            T0 + 41 * DAY,
        )
        assert dates[other.key].scored_at == T0 and dates[other.key].holds_until is None
        assert store.run_scores(run) == store.run_scores(first)
    assert store.integrity_check() == []


@pytest.mark.parametrize("zone", ["Europe/Paris", "Pacific/Kiritimati", "Etc/GMT+12"])
def test_a_score_that_holds_forever_reads_back_on_a_server_in_any_time_zone(
    pg_url: str, zone: str
) -> None:
    """A PostgreSQL server set to local time hands dates back in it: the instant a score
    holds until "forever" must still be a date it can write (Paris is UTC+1)."""
    from observatory.scoring.registry import FOREVER
    from observatory.storage.store import Store

    url = f"{pg_url}%20-cTimeZone%3D{zone.replace('/', '%2F').replace('+', '%2B')}"
    with Store(url) as store:
        first, (sirene, corpus, other) = _first_run(store)
        store.save_scores(
            first, [score_for(corpus.key, 70.0)], T0, holds_until={corpus.key: FOREVER}
        )
        second = store.start_run("observe", T0 + DAY)
        store.save_scores(second, [], T0 + DAY, CarryScores(first, [corpus.key]))
        assert store.score_dates(second)[corpus.key].holds_until == FOREVER
