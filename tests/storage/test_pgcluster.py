"""The throwaway PostgreSQL cluster the suite starts when no server is configured: it runs
the store for real (also as root), leaves nothing behind, and a missing binary is named."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import psutil
import pytest

from observatory.storage.store import Store
from tests.storage.conftest import absent
from tests.storage.pgcluster import Cluster, Unavailable, find_bindir


def test_a_throwaway_cluster_runs_the_store_and_leaves_nothing_behind() -> None:
    try:
        cluster = Cluster()
    except Unavailable as exc:
        absent(str(exc))
    with cluster as url:
        assert cluster.proc is not None and cluster.folder is not None
        server, folder = psutil.Process(cluster.proc.pid), cluster.folder
        if os.geteuid() == 0:  # PostgreSQL refuses root: it runs as the postgres OS user
            assert server.username() == "postgres"
        store = Store(url)  # migrations applied on a real, empty PostgreSQL
        try:
            run_id = store.start_run("observe", datetime(2026, 1, 2, tzinfo=UTC))
            store.finish_run(run_id, "ok", {"datasets": 0})
            assert [r.status for r in store.list_runs(kind="observe")] == ["ok"]
        finally:
            store.close()
    assert not server.is_running() and not folder.exists()


def test_missing_binaries_are_named() -> None:
    with pytest.raises(Unavailable, match="initdb and postgres not found"):
        find_bindir(path="/nonexistent")
