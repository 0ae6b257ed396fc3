"""Reference views stored with each run (``model.ReferenceView``).

A run's row per dataset (``reference_views``) points to a document holding the views
(``reference_view_documents``), stored once per distinct JSON text: a dataset whose views
did not change costs its run one small row, and datasets with the same views share one
document. The observe run saves them batch by batch while it scores; views of datasets a
run did not read (an incomplete harvest) are copied from the previous run by one
``INSERT ... SELECT``. Everything here runs inside the caller's transaction (one ``Store``
call).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, delete, insert, literal, select
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.orm import Session

from observatory.model import ReferenceView
from observatory.storage import models as m
from observatory.storage.carry import KEYS, SAME, fill_keys
from observatory.storage.codec import encode
from observatory.storage.writes import chunks, insert_ids, insert_rows

_PARTS = ("udata", "mqa", "candidate")


def _table() -> Table:
    return cast(Table, m.ReferenceViewRow.__table__)


def _replace_keys(session: Session, run_id: int, keys: Sequence[str]) -> None:
    """Forget the views ``run_id`` holds for ``keys`` (a view saved again replaces it)."""
    fill_keys(session, {SAME: keys})
    table = _table()
    session.execute(
        delete(table).where(table.c.run_id == run_id, table.c.dataset_key.in_(select(KEYS.c.key)))
    )


def digest(parts: Sequence[str]) -> str:
    """The identity of a document: a 128-bit BLAKE2b digest of its parts' JSON text (the
    exact text, so that a document read back renders as the views it was made of)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))  # parts cannot run into each other
        h.update(part.encode("utf-8"))
    return h.hexdigest()


def _documents(session: Session, views: Sequence[ReferenceView]) -> list[int]:
    """The id of each view's document, stored now when the store does not hold it yet."""
    texts = [[encode(getattr(v, name)) for name in _PARTS] for v in views]
    digests = [digest(t) for t in texts]
    doc = m.ReferenceViewDocument
    found: dict[str, int] = {}
    for part in chunks(sorted(set(digests))):
        query = select(doc.digest, doc.id).where(doc.digest.in_(part))
        found.update(session.execute(query).tuples().all())
    missing: dict[str, dict[str, Any]] = {}
    for d, t in zip(digests, texts, strict=True):
        if d not in found and d not in missing:
            missing[d] = {"digest": d, **dict(zip(_PARTS, t, strict=True))}
    found.update(insert_ids(session, doc, list(missing.values()), "digest"))
    return [found[d] for d in digests]


def save_views(session: Session, run_id: int, views: Sequence[ReferenceView]) -> None:
    """Insert the views of one batch of datasets, replacing any the run already holds."""
    if not views:
        return
    _replace_keys(session, run_id, [v.dataset_key for v in views])
    rows: list[dict[str, Any]] = [
        {"run_id": run_id, "dataset_key": v.dataset_key, "document_id": doc}
        for v, doc in zip(views, _documents(session, views), strict=True)
    ]
    insert_rows(session, m.ReferenceViewRow, rows)


def carry_views(session: Session, run_id: int, previous_run_id: int, keys: Sequence[str]) -> int:
    """Copy the previous run's views of ``keys`` into ``run_id``; returns how many."""
    if not keys:
        return 0
    _replace_keys(session, run_id, keys)
    table = _table()
    columns = ("dataset_key", "document_id")
    rows = (
        select(literal(run_id), *(table.c[n] for n in columns))
        .join(KEYS, KEYS.c.key == table.c.dataset_key)
        .where(table.c.run_id == previous_run_id)
    )
    result = session.execute(insert(table).from_select(["run_id", *columns], rows))
    return int(cast(CursorResult[Any], result).rowcount or 0)


def load_views(
    conn: Connection, run_id: int, keys: list[str] | None = None
) -> dict[str, ReferenceView]:
    """Dataset key -> its reference views in ``run_id`` (of ``keys`` only, when given)."""
    row, doc = m.ReferenceViewRow, m.ReferenceViewDocument
    query = (
        select(row.dataset_key, doc.udata, doc.mqa, doc.candidate)
        .join(doc, doc.id == row.document_id)
        .where(row.run_id == run_id)
        .order_by(row.id)
    )
    parts = [None] if keys is None else chunks(list(dict.fromkeys(keys)))
    return {
        r.dataset_key: ReferenceView(r.dataset_key, r.udata, r.mqa, r.candidate)
        for part in parts
        for r in conn.execute(query if part is None else query.where(row.dataset_key.in_(part)))
    }


def mqa_totals(conn: Connection, run_id: int) -> dict[str, float]:
    """Dataset key -> the total of its MQA view in ``run_id`` (one JSON field read)."""
    row, doc = m.ReferenceViewRow, m.ReferenceViewDocument
    total = doc.mqa["total"].as_float()
    query = select(row.dataset_key, total).join(doc, doc.id == row.document_id)
    return {key: float(value) for key, value in conn.execute(query.where(row.run_id == run_id))}
