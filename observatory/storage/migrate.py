"""Alembic migrations run from code: the scripts ship inside the package, no alembic.ini.

Upgrades run in one transaction holding a lock, so two processes starting together do not
both create the schema: PostgreSQL takes a transaction-scoped advisory lock, SQLite a
``BEGIN IMMEDIATE`` write lock (DDL is transactional on both).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from observatory.storage.engine import WRITE_OPTIONS

MIGRATIONS = Path(__file__).resolve().with_name("migrations")
PG_LOCK_KEY = 7_211_055_420_118  # arbitrary, constant: "observatory schema migration"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged scripts (and at ``connection`` if given)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The revision the packaged scripts lead to."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (None on an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to head under a lock; a no-op when it is already there."""
    with engine.connect() as connection:
        connection.execution_options(**WRITE_OPTIONS)
        with connection.begin():
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
            if current_revision(connection) == head_revision():
                return
            command.upgrade(alembic_config(connection), "head")
