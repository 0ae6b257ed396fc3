"""Store tests run on two real backends: a SQLite file and a PostgreSQL schema of their own.

PostgreSQL tests skip only when the server is unreachable and CI is not "true"; under CI a
missing server fails them. Each PostgreSQL test gets a fresh, uniquely named schema (set as
search_path through the URL), dropped afterwards, so parallel runs never collide.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

PG_URL = os.environ.get(
    "OBSERVATORY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _pg_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except OperationalError as exc:
        return str(exc).splitlines()[0]
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_server() -> str:
    problem = _pg_reachable()
    if problem is None:
        return PG_URL
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL required under CI but unreachable at {PG_URL}: {problem}")
    pytest.skip(f"PostgreSQL unreachable at {PG_URL}: {problem}")


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A URL whose connections live in a fresh schema of their own."""
    schema = f"obs_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_server else "?"
    try:
        yield f"{pg_server}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'observatory.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url: str) -> Iterator[object]:
    from observatory.storage.store import Store

    s = Store(db_url)
    try:
        yield s
    finally:
        s.close()
