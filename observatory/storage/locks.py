"""Run locks in the store: one row per flow kind, held by a process that keeps it alive.

A lock row names its holder (random owner token, host, pid) and carries a heartbeat. Two
runs of the same kind never interleave: the second one is refused with a plain French
message. A lock left by a killed process (dead pid on this host, or a heartbeat older than
``stale_after`` anywhere) is taken over, and runs the dead holder left ``running`` are closed
as ``failed`` (abandoned) so the history never keeps a run running forever. Works the same on
SQLite and PostgreSQL: acquisition is an INSERT on the primary key, takeover an UPDATE
guarded by the previous owner token (only one contender can win it).
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from observatory.storage import models as m

if TYPE_CHECKING:
    from observatory.storage.store import Store

STALE_AFTER = timedelta(minutes=5)
HEARTBEAT_EVERY = 30.0  # seconds


class LockBusy(RuntimeError):
    """Another live process holds the lock."""


@dataclass(frozen=True)
class LockInfo:
    name: str
    owner: str
    host: str
    pid: int
    run_id: int | None
    acquired_at: datetime
    heartbeat_at: datetime

    def describe(self, now: datetime) -> str:
        """A French sentence naming the holder, for the refusal message."""
        since = _aware(self.acquired_at).strftime("%d/%m/%Y à %H:%M:%S UTC")
        age = int((now - _aware(self.heartbeat_at)).total_seconds())
        run = f", exécution n° {self.run_id}" if self.run_id else ""
        return (
            f"une exécution « {self.name} » est déjà en cours depuis le {since} "
            f"(processus {self.pid} sur {self.host}{run}, dernier signe de vie il y a {age} s)"
        )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def pid_alive(pid: int) -> bool:
    """True when ``pid`` is a live process of this host (zombies count as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def is_stale(lock: LockInfo, now: datetime, stale_after: timedelta, host: str) -> bool:
    """A lock whose holder is gone: dead pid on this host, or no heartbeat for too long."""
    if lock.host == host and not pid_alive(lock.pid):
        return True
    return now - _aware(lock.heartbeat_at) > stale_after


def _info(row: m.RunLock) -> LockInfo:
    return LockInfo(
        row.name, row.owner, row.host, row.pid, row.run_id, row.acquired_at, row.heartbeat_at
    )


def acquire(
    session: Session, name: str, owner: str, now: datetime, stale_after: timedelta
) -> LockInfo | None:
    """Take lock ``name`` for ``owner``; return the stale holder taken over, if any.

    Raises LockBusy when a live holder has it. Runs in the caller's transaction.
    """
    host, pid = socket.gethostname(), os.getpid()
    try:
        with session.begin_nested():
            session.add(
                m.RunLock(
                    name=name,
                    owner=owner,
                    host=host,
                    pid=pid,
                    run_id=None,
                    acquired_at=now,
                    heartbeat_at=now,
                )
            )
        return None
    except IntegrityError:
        pass
    row = session.execute(select(m.RunLock).where(m.RunLock.name == name)).scalar_one()
    held = _info(row)
    if not is_stale(held, now, stale_after, host):
        raise LockBusy(held.describe(now))
    taken = session.execute(
        update(m.RunLock)
        .where(m.RunLock.name == name, m.RunLock.owner == held.owner)
        .values(owner=owner, host=host, pid=pid, run_id=None, acquired_at=now, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(taken, "rowcount", 0) != 1:  # another contender took it over first
        raise LockBusy(f"une exécution « {name} » vient de démarrer ailleurs")
    return held


def heartbeat(session: Session, name: str, owner: str, now: datetime, run_id: int | None) -> bool:
    """Refresh the heartbeat (and the run id); False when the lock is no longer ours."""
    values: dict[str, object] = {"heartbeat_at": now}
    if run_id is not None:
        values["run_id"] = run_id
    result = session.execute(
        update(m.RunLock)
        .where(m.RunLock.name == name, m.RunLock.owner == owner)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def release(session: Session, name: str, owner: str) -> None:
    session.execute(delete(m.RunLock).where(m.RunLock.name == name, m.RunLock.owner == owner))


def holder(session: Session, name: str) -> LockInfo | None:
    row = session.execute(select(m.RunLock).where(m.RunLock.name == name)).scalar_one_or_none()
    return _info(row) if row else None


class RunLock:
    """A held lock with a background heartbeat; use through ``hold``."""

    def __init__(self, store: Store, name: str, owner: str, every: float) -> None:
        self.store, self.name, self.owner = store, name, owner
        self.run_id: int | None = None
        self.taken_over: LockInfo | None = None
        self.abandoned: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(every,), daemon=True)

    def attach(self, run_id: int) -> None:
        """Name the run this lock protects (shown to a refused contender)."""
        self.run_id = run_id
        self.store.heartbeat_lock(self.name, self.owner, run_id)

    def _beat(self, every: float) -> None:
        while not self._stop.wait(every):
            try:
                self.store.heartbeat_lock(self.name, self.owner, self.run_id)
            except Exception:  # noqa: S112 - a missed beat is retried; staleness is generous
                continue


@contextmanager
def hold(
    store: Store,
    name: str,
    *,
    stale_after: timedelta = STALE_AFTER,
    every: float = HEARTBEAT_EVERY,
) -> Iterator[RunLock]:
    """Hold lock ``name`` for the block; close runs of kind ``name`` a dead holder left open.

    Raises LockBusy (with a French message naming the holder) when a live run has it.
    """
    owner = uuid.uuid4().hex
    lock = RunLock(store, name, owner, every)
    lock.taken_over = store.acquire_lock(name, owner, stale_after)
    try:
        lock.abandoned = store.abandon_running_runs(name)
        lock._thread.start()
        yield lock
    finally:
        lock._stop.set()
        if lock._thread.is_alive():
            lock._thread.join(timeout=5)
        store.release_lock(name, owner)
