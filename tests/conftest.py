"""Shared fixtures: Prefect kept quiet and local, the sandbox portal on loopback, CPU load;
and a check that the suite leaves no process behind."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator

import psutil
import pytest

# Before anything imports Prefect: no telemetry, a quiet temporary server.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

# A CPU burner that stops by itself: after BURN_SECONDS, or as soon as its parent is gone.
BURN_SECONDS = 300
BURNER = f"""
import os, time
parent, end = os.getppid(), time.monotonic() + {BURN_SECONDS}
while time.monotonic() < end and os.getppid() == parent:
    for _ in range(200_000):
        pass
"""


@pytest.fixture(scope="session", autouse=True)
def no_process_left_behind() -> Iterator[None]:
    """Fail the run when a test leaves a child process of the session running.

    Runs last (first set up, last torn down). Prefect's temporary servers, which Prefect
    itself would only stop at interpreter exit, are stopped first; anything else still
    running after a short grace is reported, then killed so that it cannot outlive the run.
    """
    yield
    _stop_prefect_temporary_servers()
    _stop_multiprocessing_helpers()
    me = psutil.Process()
    _, alive = psutil.wait_procs(me.children(recursive=True), timeout=10)
    alive = [p for p in alive if _running(p)]
    described = [_describe(p) for p in alive]
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    assert not described, "processes left behind by the tests:\n" + "\n".join(described)


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _describe(proc: psutil.Process) -> str:
    try:
        return f"pid {proc.pid}: {' '.join(proc.cmdline())[:300]}"
    except psutil.Error:
        return f"pid {proc.pid}"


def _stop_prefect_temporary_servers() -> None:
    module = sys.modules.get("prefect.server.api.server")
    if module is not None:
        for server in list(module.SubprocessASGIServer._instances.values()):
            server.stop()


def _stop_multiprocessing_helpers() -> None:
    """The forkserver and resource tracker that multiprocessing (Dask) keeps for reuse."""
    from multiprocessing import forkserver, resource_tracker

    with contextlib.suppress(Exception):
        forkserver._forkserver._stop()  # type: ignore[attr-defined]
    with contextlib.suppress(Exception):
        resource_tracker._resource_tracker._stop()  # type: ignore[attr-defined]


@pytest.fixture
def cpu_load() -> Iterator[None]:
    """One busy process per core for the duration of the test: a busy machine."""
    burners = [subprocess.Popen([sys.executable, "-c", BURNER]) for _ in range(os.cpu_count() or 2)]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


@pytest.fixture(scope="session")
def sandbox() -> Iterator[object]:
    """The sandbox portal (generation 0) on loopback, shared by the whole session."""
    from observatory.sandbox.server import Sandbox

    with Sandbox(port=0).start() as portal:
        yield portal
