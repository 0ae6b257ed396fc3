"""Store tests run on two real backends: a SQLite file and a PostgreSQL schema of their own.

PostgreSQL is the server at ``OBSERVATORY_TEST_PG_URL`` (default 127.0.0.1:5432, database
test) when it answers, else a throwaway cluster the session starts itself (``pgcluster``).
Only when the PostgreSQL binaries are missing do the tests skip, naming what is missing;
under CI=true that is a failure. Each PostgreSQL test gets a fresh, uniquely named schema
(set as search_path through the URL), dropped afterwards, so parallel runs never collide.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.storage.pgcluster import Cluster, Unavailable

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
def pg_server() -> Iterator[str]:
    """The configured server when it answers, else a throwaway cluster for the session."""
    problem = _pg_reachable()
    if problem is None:
        yield PG_URL
        return
    try:
        cluster = Cluster()
    except Unavailable as exc:
        absent(f"{exc}; and no server at {PG_URL}: {problem}")
    with cluster as url:
        yield url


def absent(why: str) -> NoReturn:
    """Skip, naming what is missing; under CI=true, fail."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL required under CI: {why}")
    pytest.skip(why)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A URL whose connections live in a fresh schema of their own."""
    with fresh_schema(pg_server) as url:
        yield url


@contextlib.contextmanager
def fresh_schema(pg_server: str) -> Iterator[str]:
    """A URL of ``pg_server`` whose connections live in a new schema, dropped at the end
    (for fixtures of a wider scope than ``pg_url``)."""
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
