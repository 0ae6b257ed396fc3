"""Availability tests reuse the store fixtures: a SQLite file and a PostgreSQL schema."""

from tests.storage.conftest import db_url, pg_server, pg_url, store  # noqa: F401
