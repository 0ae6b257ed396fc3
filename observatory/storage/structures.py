"""Reads and writes of SPDR file structures: a new row only when a file's structure changes.

A run's structure is written when it differs from the newest one stored for the URL and
the run is not older than it (publishing or re-saving an old run never rewrites history).
Consecutive rows of one URL give its structural changes, each dated by the first run that
read the new structure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from observatory.inspect.structure import Observed, Structure, changes
from observatory.storage import models as m
from observatory.storage.writes import chunks, url_hash


def record(session: Session, run_id: int | None, at: datetime, seen: Iterable[Observed]) -> int:
    """Store the structures that changed since the newest stored one; returns how many."""
    items = {o.url: o for o in seen}  # one structure per URL and run
    written = 0
    for part in chunks(sorted(items), 200):
        hashes = [url_hash(u) for u in part]
        newest: dict[str, m.FileStructureRow] = {}
        rows = session.execute(
            select(m.FileStructureRow)
            .where(m.FileStructureRow.url_hash.in_(hashes))
            .order_by(m.FileStructureRow.first_seen, m.FileStructureRow.id)
        ).scalars()
        for row in rows:
            newest[row.url] = row
        for url in part:
            observed, last = items[url], newest.get(url)
            if last is not None and (
                last.signature == observed.structure.signature or last.first_seen > at
            ):
                continue
            session.add(
                m.FileStructureRow(
                    spdr=observed.spdr,
                    url=url,
                    url_hash=url_hash(url),
                    signature=observed.structure.signature,
                    structure=observed.structure.as_dict(),
                    first_seen=at,
                    run_id=run_id,
                )
            )
            written += 1
    session.flush()
    return written


def structure_changes(
    conn: Connection, spdr_keys: Iterable[str], until: datetime | None = None
) -> dict[str, list[dict[str, Any]]]:
    """SPDR key -> its files' structural changes (first seen by ``until`` when given),
    newest first: url, first_seen, changes."""
    keys = list(spdr_keys)
    found: dict[str, list[dict[str, Any]]] = {k: [] for k in keys}
    if not keys:
        return found
    query = select(m.FileStructureRow).where(m.FileStructureRow.spdr.in_(keys))
    if until is not None:
        query = query.where(m.FileStructureRow.first_seen <= until)
    rows = conn.execute(query.order_by(m.FileStructureRow.first_seen, m.FileStructureRow.id))
    by_url: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in rows:
        by_url[(row.spdr, row.url)].append(row)
    for (spdr, url), history in by_url.items():
        for before, after in zip(history, history[1:], strict=False):
            found[spdr].append(
                {
                    "url": url,
                    "first_seen": after.first_seen,
                    "run_id": after.run_id,
                    "changes": changes(
                        Structure.from_dict(before.structure), Structure.from_dict(after.structure)
                    ),
                }
            )
    for items in found.values():
        items.sort(key=lambda c: (c["first_seen"], c["url"]), reverse=True)
    return found
