"""Engines for the store: SQLite pragmas (WAL, foreign keys, busy timeout) and real BEGINs.

pysqlite opens transactions lazily and never around DDL, so SQLite connections run in
autocommit mode at the driver level and SQLAlchemy's ``begin`` emits ``BEGIN`` itself
(``BEGIN IMMEDIATE`` when the ``sqlite_begin`` execution option asks for it: writers take
the write lock up front and wait ``busy_timeout`` instead of failing on lock upgrade).
"""

from __future__ import annotations

import os
import sqlite3
import time
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

from observatory.storage.codec import dumps

BUSY_TIMEOUT_MS = 30_000
POOL_SIZE = 5
MAX_OVERFLOW = 10
POOL_RECYCLE = 1800  # seconds: below common server/proxy idle timeouts
WRITE_OPTIONS = {"sqlite_begin": "IMMEDIATE"}


def pool_options(url: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Connection pool settings for a server database (PostgreSQL); none for SQLite.

    Defaults suit one flow process with a few threads (tasks, heartbeat); override with
    OBSERVATORY_DB_POOL_SIZE, OBSERVATORY_DB_MAX_OVERFLOW, OBSERVATORY_DB_POOL_RECYCLE.
    ``pool_pre_ping`` drops connections the server closed (restart, idle timeout).
    """
    if url.startswith("sqlite"):
        return {}
    env = dict(os.environ) if env is None else env
    return {
        "pool_pre_ping": True,
        "pool_size": int(env.get("OBSERVATORY_DB_POOL_SIZE", POOL_SIZE)),
        "max_overflow": int(env.get("OBSERVATORY_DB_MAX_OVERFLOW", MAX_OVERFLOW)),
        "pool_recycle": int(env.get("OBSERVATORY_DB_POOL_RECYCLE", POOL_RECYCLE)),
        "pool_timeout": 30,
    }


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout. JSON values
    already encoded (``codec.Encoded``) are stored as they are."""
    engine = create_engine(url, future=True, json_serializer=dumps, **pool_options(url))
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
        _wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _wal(cursor: Any) -> None:
    """Switch to WAL. The switch needs the file to itself, and SQLite answers "database is
    locked" at once, without waiting ``busy_timeout``, when another connection holds it
    (stores opened together on a new file): wait and retry within the same budget."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "")
    connection.exec_driver_sql(f"BEGIN {mode}".strip())
