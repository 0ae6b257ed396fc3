"""Crash safety: an observe run killed with SIGKILL mid-flight, then runs that follow.

The killed run is a real process running the Prefect flow against the sandbox portal; the
test polls the store and kills it at a chosen stage. Afterwards the store must pass its
integrity checks, the published site must be whole (every internal link resolves), the next
run must complete, and no earlier run may be lost; the killed run is closed as failed.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from observatory.registry import parse_config
from observatory.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
HREF = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)

# stage name -> SQL that returns a row once the running run reached it
STAGES = {
    "after-first-catalogue": "SELECT 1 FROM catalogue_runs c JOIN runs r ON r.id = c.run_id "
    "WHERE r.status = 'running' LIMIT 1",
    "after-probes": "SELECT 1 FROM probe_results p JOIN runs r ON r.id = p.run_id "
    "WHERE r.status = 'running' LIMIT 1",
}


def config_file(sandbox, tmp: Path) -> Path:
    data = yaml.safe_load(sandbox.config_text())
    data["database_url"] = f"sqlite:///{tmp / 'store.db'}"
    data["reports_dir"] = str(tmp / "reports")
    # Every run probes every file again: a run reusing the previous run's probes writes
    # none of its own, and could end before the "after-probes" kill point is ever seen.
    data.setdefault("settings", {})["reprobe_after"] = 0
    path = tmp / "datasets.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    parse_config(path.read_text(encoding="utf-8"), str(path), env={})
    return path


def broken_links(site: Path) -> list[str]:
    """Internal href/src targets of every HTML page that do not exist on disk."""
    broken = []
    for page in site.rglob("*.html"):
        for link in HREF.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("#", "mailto:", "data:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if parts.path and not target.exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
    return broken


def start_observe(config: Path) -> subprocess.Popen:
    """The observe flow in a child process that reports to this process's Prefect server
    (a temporary server of its own would outlive the SIGKILL)."""
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    code = "import sys\nfrom flows.observe import observe\nobserve(sys.argv[1])\n"
    env = dict(os.environ, PYTHONPATH=str(ROOT), PREFECT_API_URL=server.api_url)
    return subprocess.Popen(
        [sys.executable, "-c", code, str(config)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(db: Path, sql: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the run ended before the kill point: {proc.stderr.read()[-2000:]!r}")
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
                if conn.execute(sql).fetchone():
                    return
        except sqlite3.OperationalError:
            pass  # not created yet, or busy
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the kill point was never reached")


@pytest.mark.parametrize("stage", list(STAGES))
def test_killed_run_leaves_store_and_site_whole_and_next_run_completes(
    sandbox, tmp_path: Path, stage: str
) -> None:
    from flows.observe import observe

    config = config_file(sandbox, tmp_path)
    first = observe(str(config))
    site = tmp_path / "reports"
    assert (site / "index.html").is_file() and broken_links(site) == []
    index_before = (site / "index.html").read_bytes()

    proc = start_observe(config)
    wait_for(tmp_path / "store.db", STAGES[stage], proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        assert store.integrity_check() == []
        killed = [r for r in store.list_runs(kind="observe") if r.status == "running"]
        assert len(killed) == 1  # the dead run, still open until the next run starts
        assert store.lock_holder("observe") is not None  # left behind by the dead process
    finally:
        store.close()
    assert (site / "index.html").read_bytes() == index_before  # untouched, whole
    assert broken_links(site) == []

    third = observe(str(config))
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        runs = {r.id: r for r in store.list_runs(kind="observe")}
        assert store.integrity_check() == []
        assert store.lock_holder("observe") is None
    finally:
        store.close()
    assert runs[first["run_id"]].status == "ok"
    assert runs[third["run_id"]].status == "ok"
    dead = runs[killed[0].id]
    assert dead.status == "failed" and dead.summary.get("abandoned") is True
    assert len(runs) == 3
    assert (site / "index.html").is_file() and broken_links(site) == []
    assert not list(tmp_path.glob(".reports.*"))  # no half-built or backup folder left


def test_a_second_run_at_the_same_time_is_refused_with_a_clear_message(
    sandbox, tmp_path: Path
) -> None:
    from flows.observe import observe
    from observatory.storage import locks

    config = config_file(sandbox, tmp_path)
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        busy = pytest.raises(locks.LockBusy, match="une exécution « observe » est déjà en cours")
        with locks.hold(store, "observe"), busy:  # a live run holds the lock (this process)
            observe(str(config))
        assert store.list_runs(kind="observe") == []  # nothing was started or half-written
        assert store.integrity_check() == []
    finally:
        store.close()
    assert observe(str(config))["summary"]["datasets"] > 0  # free again
