"""Reference views stored with each run (``model.ReferenceView``, table ``reference_views``).

The observe run saves them batch by batch while it scores; views of datasets a run did not
read (an incomplete harvest) are copied from the previous run by one ``INSERT ... SELECT``.
Everything here runs inside the caller's transaction (one ``Store`` call).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, delete, insert, literal, select
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.orm import Session

from observatory.model import ReferenceView
from observatory.storage import models as m
from observatory.storage.carry import KEYS, SAME, fill_keys
from observatory.storage.writes import insert_rows

_COLUMNS = ("dataset_key", "udata", "mqa", "candidate")


def _table() -> Table:
    return cast(Table, m.ReferenceViewRow.__table__)


def _replace_keys(session: Session, run_id: int, keys: Sequence[str]) -> None:
    """Forget the views ``run_id`` holds for ``keys`` (a view saved again replaces it)."""
    fill_keys(session, {SAME: keys})
    table = _table()
    session.execute(
        delete(table).where(table.c.run_id == run_id, table.c.dataset_key.in_(select(KEYS.c.key)))
    )


def save_views(session: Session, run_id: int, views: Sequence[ReferenceView]) -> None:
    """Insert the views of one batch of datasets, replacing any the run already holds."""
    if not views:
        return
    _replace_keys(session, run_id, [v.dataset_key for v in views])
    rows: list[dict[str, Any]] = [
        {
            "run_id": run_id,
            "dataset_key": v.dataset_key,
            "udata": v.udata,
            "mqa": v.mqa,
            "candidate": v.candidate,
        }
        for v in views
    ]
    insert_rows(session, m.ReferenceViewRow, rows)


def carry_views(session: Session, run_id: int, previous_run_id: int, keys: Sequence[str]) -> int:
    """Copy the previous run's views of ``keys`` into ``run_id``; returns how many."""
    if not keys:
        return 0
    _replace_keys(session, run_id, keys)
    table = _table()
    rows = (
        select(literal(run_id), *(table.c[n] for n in _COLUMNS))
        .join(KEYS, KEYS.c.key == table.c.dataset_key)
        .where(table.c.run_id == previous_run_id)
    )
    result = session.execute(insert(table).from_select(["run_id", *_COLUMNS], rows))
    return int(cast(CursorResult[Any], result).rowcount or 0)


def load_views(conn: Connection, run_id: int) -> dict[str, ReferenceView]:
    """Dataset key -> its reference views in ``run_id``."""
    table = _table()
    query = select(*(table.c[n] for n in _COLUMNS)).where(table.c.run_id == run_id)
    return {
        row.dataset_key: ReferenceView(row.dataset_key, row.udata, row.mqa, row.candidate)
        for row in conn.execute(query.order_by(table.c.id))
    }
