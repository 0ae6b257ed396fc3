"""Bulk inserts without SQLAlchemy's per-row statement machinery.

A run writes millions of values (one criterion result per criterion and dataset, one row
per probe and distribution). Each column's own bind processor (the same conversion
SQLAlchemy applies: NUL replaced in text, datetimes in UTC, JSON encoded) turns the rows
into plain tuples, then one DBAPI ``executemany`` (SQLite) or one ``COPY ... FROM STDIN``
(PostgreSQL) writes them, inside the session's transaction. The rows are read once, one
at a time: a generator of rows is never held whole (250,000 probe rows took 200 MB).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any, cast

from sqlalchemy import Column, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any] | None


def bulk_insert(session: Session, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts keyed by column name, all with the same keys) into ``table``."""
    remaining = iter(rows)
    first = next(remaining, None)
    if first is None:
        return
    connection = session.connection()
    dialect = connection.dialect
    columns = [table.c[name] for name in first]
    tuples = _tuples(chain([first], remaining), columns, dialect)
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c.name) for c in columns)
    target = quote(table.name)
    raw: Any = connection.connection.driver_connection
    if dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for values in tuples:
                copy.write_row(values)
        return
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {target} ({names}) VALUES ({marks})", tuples)
    finally:
        cursor.close()


def _tuples(
    rows: Iterable[dict[str, Any]], columns: list[Column[Any]], dialect: Dialect
) -> Iterator[tuple[Any, ...]]:
    names = [c.name for c in columns]
    processors = [_processor(c, dialect) for c in columns]
    if not any(processors):
        return (tuple(row[n] for n in names) for row in rows)
    pairs = list(zip(names, processors, strict=True))
    return (tuple(p(row[n]) if p else row[n] for n, p in pairs) for row in rows)


def _processor(column: Column[Any], dialect: Dialect) -> Processor:
    return cast(Processor, column.type._cached_bind_processor(dialect))
