"""Nothing is lost: a failing save leaves no trace and earlier runs stay whole; integrity."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import create_engine, text

from observatory.model import CatalogueStatus, Service

from .factories import (
    T0,
    catalogue_with_status,
    corpus_dataset,
    probes,
    score_for,
    sirene_dataset,
    validations,
)


def _full_run(store) -> int:
    catalogue, status = catalogue_with_status([corpus_dataset(), sirene_dataset()])
    run_id = store.start_run("observe", T0)
    store.save_catalogue(run_id, catalogue, status)
    store.save_probes(run_id, probes())
    store.save_validations(run_id, validations())
    store.save_scores(run_id, [score_for(d.key) for d in catalogue.datasets])
    store.finish_run(run_id, "ok", {"datasets": 2})
    return run_id


def test_integrity_check_is_empty_on_a_good_database(store) -> None:
    _full_run(store)
    assert store.integrity_check() == []


def test_save_failing_midway_rolls_back_only_that_call(store) -> None:
    earlier = _full_run(store)
    before = store.load_snapshot(earlier)

    run_id = store.start_run("observe", T0.replace(day=8))
    store.save_probes(run_id, probes(T0.replace(day=8)))
    catalogue, status = catalogue_with_status([sirene_dataset("ecologie")], catalogue_id="ecologie")
    # datasets and organisations are written before services: a broken service fails late
    bad = Service(key="ecologie:bad", catalogue_id="ecologie", source_id="bad", title="x")
    bad.title = None  # type: ignore[assignment]
    catalogue.services.append(bad)
    with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises
        store.save_catalogue(run_id, catalogue, status)

    after = store.load_snapshot(run_id)
    assert after.catalogues == [] and after.datasets == [] and after.organisations == []
    assert len(after.probes) == 2  # the earlier save of this run stays
    assert store.load_snapshot(earlier) == before
    assert store.integrity_check() == []
    # the store still works after the failure
    good, good_status = catalogue_with_status([sirene_dataset("ecologie")], catalogue_id="ecologie")
    store.save_catalogue(run_id, good, good_status)
    assert [d.key for d in store.load_snapshot(run_id).datasets] == [
        "ecologie:5b7ffc618b4c4169d30727e0"
    ]


def test_failing_score_save_leaves_no_partial_scores(store) -> None:
    run_id = _full_run(store)
    before = store.load_snapshot(run_id)
    broken = score_for("data-gouv-fr:other")
    broken.results[1].weight = None  # type: ignore[assignment]
    with pytest.raises(Exception):  # noqa: B017
        store.save_scores(run_id, [score_for(sirene_dataset().key, 1.0), broken])
    assert store.load_snapshot(run_id) == before


def test_unknown_run_is_refused(store) -> None:
    catalogue, status = catalogue_with_status([])
    with pytest.raises(LookupError):
        store.save_catalogue(999, catalogue, status)
    with pytest.raises(LookupError):
        store.load_snapshot(999)
    with pytest.raises(LookupError):
        store.finish_run(999, "ok", {})
    assert store.list_runs() == []


def test_failed_source_is_recorded(store) -> None:
    catalogue, _ = catalogue_with_status([], catalogue_id="broken")
    catalogue.services, catalogue.organisations = [], []
    status = CatalogueStatus(
        id="broken",
        name="Portail en panne",
        kind="dcat",
        url=catalogue.url,
        ok=False,
        errors=copy.deepcopy(catalogue.errors),
    )
    run_id = store.start_run()
    store.save_catalogue(run_id, catalogue, status)
    assert store.load_snapshot(run_id).catalogues == [status]


def test_integrity_check_reports_damage(store, db_url) -> None:
    run_id = _full_run(store)
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE runs SET finished_at = NULL WHERE id = :id"), {"id": run_id})
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        else:
            conn.execute(text("SET session_replication_role = replica"))
        conn.execute(text("DELETE FROM datasets WHERE key LIKE '%5b7ffc618b4c4169d30727e0'"))
    engine.dispose()
    problems = store.integrity_check()
    assert any("status that contradicts" in p for p in problems)
    assert any("dataset_observations.dataset_id" in p for p in problems)


def test_concurrent_writers_do_not_lose_data(db_url) -> None:
    import threading

    from observatory.storage.store import Store

    stores = [Store(db_url) for _ in range(4)]
    run_id = stores[0].start_run()
    errors: list[BaseException] = []

    def write(store) -> None:
        try:
            for _ in range(10):
                store.save_probes(run_id, probes())
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert len(stores[0].load_snapshot(run_id).probes) == 4 * 10 * 2
    finally:
        for s in stores:
            s.close()
