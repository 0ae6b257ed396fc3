"""Migrations build the schema on an empty database, are idempotent, and match the models."""

from __future__ import annotations

import threading

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from observatory.storage.migrate import head_revision
from observatory.storage.models import Base
from observatory.storage.store import Store

TABLES = {
    "runs",
    "catalogues",
    "catalogue_runs",
    "source_errors",
    "organisations",
    "organisation_observations",
    "datasets",
    "dataset_observations",
    "distributions",
    "distribution_observations",
    "services",
    "service_observations",
    "probe_results",
    "validation_reports",
    "dataset_scores",
    "criterion_results",
    "probe_rollups",
    "run_locks",
    "http_cache",
    "probe_rollup_marks",
    "run_probe_ranges",
    "reference_view_documents",
    "file_structures",
    "reference_views",
}


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_empty_database_gets_the_whole_schema(db_url: str) -> None:
    assert _tables(db_url) == set()
    Store(db_url).close()
    assert _tables(db_url) == TABLES | {"alembic_version"}


def test_opening_twice_keeps_data_and_schema(db_url: str) -> None:
    with Store(db_url) as first:
        run_id = first.start_run()
    with Store(db_url) as second:
        assert [r.id for r in second.list_runs()] == [run_id]
        assert second.integrity_check() == []


def test_concurrent_openings_on_an_empty_database(db_url: str) -> None:
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            Store(db_url).close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _tables(db_url) == TABLES | {"alembic_version"}


def test_models_and_migrations_agree(db_url: str) -> None:
    Store(db_url).close()
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert context.get_current_revision() == head_revision()
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_downgrade_then_upgrade_again(db_url: str) -> None:
    from alembic import command

    from observatory.storage.engine import make_engine
    from observatory.storage.migrate import alembic_config

    Store(db_url).close()
    engine = make_engine(db_url)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    engine.dispose()
    assert _tables(db_url) == {"alembic_version"}
    with Store(db_url) as store:
        assert store.integrity_check() == []
    assert _tables(db_url) == TABLES | {"alembic_version"}
