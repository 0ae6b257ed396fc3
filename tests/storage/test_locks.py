"""Run locks and crash recovery on SQLite and PostgreSQL, with real processes."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from sqlalchemy import update

from observatory.storage import locks
from observatory.storage import models as m
from observatory.storage.store import Store


def test_a_second_holder_is_refused_with_a_french_message(store) -> None:
    with locks.hold(store, "observe") as lock:
        lock.attach(store.start_run("observe"))
        busy = pytest.raises(locks.LockBusy, match="déjà en cours depuis le")
        with busy as err, locks.hold(store, "observe"):
            pass
        assert "exécution n°" in str(err.value)
        # another kind is independent
        with locks.hold(store, "probe"):
            pass
    with locks.hold(store, "observe"):  # released: free again
        pass


def test_lock_of_a_dead_process_is_taken_over_and_its_run_closed(db_url) -> None:
    code = (
        "import sys, os\n"
        "from observatory.storage.store import Store\n"
        "s = Store(sys.argv[1])\n"
        "run = s.start_run('observe')\n"
        "s.acquire_lock('observe', 'dead-owner', __import__('datetime').timedelta(minutes=5))\n"
        "s.heartbeat_lock('observe', 'dead-owner', run)\n"
        "print(run, flush=True)\n"
        "os._exit(0)\n"  # no release: as if killed
    )
    out = subprocess.run(
        [sys.executable, "-c", code, db_url], capture_output=True, text=True, check=True
    )
    dead_run = int(out.stdout.strip())
    store = Store(db_url)
    try:
        assert store.lock_holder("observe").owner == "dead-owner"
        with locks.hold(store, "observe") as lock:
            assert lock.taken_over is not None and lock.taken_over.owner == "dead-owner"
            assert lock.abandoned == [dead_run]
        run = next(r for r in store.list_runs() if r.id == dead_run)
        assert run.status == "failed" and run.summary["abandoned"] is True
        assert run.finished_at is not None
        assert store.integrity_check() == []
    finally:
        store.close()


def test_a_lock_without_heartbeat_is_stale_even_on_another_host(store) -> None:
    store.acquire_lock("observe", "elsewhere", timedelta(minutes=5))
    with store._writer.begin() as conn:  # a holder on another machine, silent for an hour
        conn.execute(
            update(m.RunLock).values(
                host="autre-machine",
                pid=1,
                heartbeat_at=locks.datetime.now(locks.UTC) - timedelta(hours=1),
            )
        )
    with locks.hold(store, "observe", stale_after=timedelta(minutes=5)) as lock:
        assert lock.taken_over.host == "autre-machine"


def test_racing_contenders_get_exactly_one_lock(db_url) -> None:
    stores = [Store(db_url) for _ in range(6)]
    won, refused = [], []
    barrier = threading.Barrier(len(stores))

    def contend(s: Store, i: int) -> None:
        barrier.wait()
        try:
            s.acquire_lock("observe", f"owner-{i}", timedelta(minutes=5))
            won.append(i)
        except locks.LockBusy:
            refused.append(i)

    threads = [threading.Thread(target=contend, args=(s, i)) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    assert len(won) == 1 and len(refused) == len(stores) - 1


def test_heartbeat_moves_and_release_frees(store) -> None:
    with locks.hold(store, "observe", every=0.05) as lock:
        first = store.lock_holder("observe").heartbeat_at
        lock.attach(7)
        threading.Event().wait(0.3)
        holder = store.lock_holder("observe")
        assert holder.heartbeat_at > first and holder.run_id == 7
    assert store.lock_holder("observe") is None
