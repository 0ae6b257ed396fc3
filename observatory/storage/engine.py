"""Engines for the store: SQLite pragmas (WAL, foreign keys, busy timeout) and real BEGINs.

pysqlite opens transactions lazily and never around DDL, so SQLite connections run in
autocommit mode at the driver level and SQLAlchemy's ``begin`` emits ``BEGIN`` itself
(``BEGIN IMMEDIATE`` when the ``sqlite_begin`` execution option asks for it: writers take
the write lock up front and wait ``busy_timeout`` instead of failing on lock upgrade).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

BUSY_TIMEOUT_MS = 30_000
WRITE_OPTIONS = {"sqlite_begin": "IMMEDIATE"}


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # BEGIN is emitted by _sqlite_begin
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "")
    connection.exec_driver_sql(f"BEGIN {mode}".strip())
