"""Child processes that cannot outlive their parent, and an interruption that waits its turn.

``observatory serve`` runs two long-lived children (the local Prefect server and Prefect's
runner). Each is started in a session of its own, so a terminal's Ctrl-C reaches only the
parent, which stops them in order (runner first: it pauses its schedules through the
server) and within a deadline: a child that has not stopped by then is killed with
everything it started. A child also watches its parent and kills its own process group when
the parent is gone, so even a ``kill -9`` of the parent leaves nothing behind.

    python -m observatory.supervise PARENT_PID MODULE [ARGS...]

runs ``MODULE`` as ``python -m MODULE ARGS...`` would, under that watch.
"""

from __future__ import annotations

import contextlib
import os
import runpy
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from types import FrameType
from typing import IO, Any

import psutil

WATCH_SECONDS = 0.5


def spawn(
    module: str,
    args: Sequence[str],
    env: dict[str, str],
    stdout: int | IO[Any] | None = None,
    stderr: int | IO[Any] | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``python -m module args`` in its own session, watching this process."""
    command = [sys.executable, "-m", __name__, str(os.getpid()), module, *args]
    return subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr, start_new_session=True)


def stop(proc: subprocess.Popen[bytes], grace: float, sig: int = signal.SIGTERM) -> bool:
    """Ask ``proc`` to stop with ``sig``; after ``grace`` seconds kill it and all it started.

    Returns True when it stopped by itself within the grace period.
    """
    tree = _descendants(proc.pid)
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
    try:
        proc.wait(timeout=grace)
        clean = True
    except subprocess.TimeoutExpired:
        clean = False
    _kill(proc, tree)
    return clean


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _kill(proc: subprocess.Popen[bytes], tree: list[psutil.Process]) -> None:
    """SIGKILL the child's process group and every process it had started, then reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # the child leads its own session
    for child in tree:
        with contextlib.suppress(psutil.Error):
            child.kill()
    proc.wait()
    psutil.wait_procs(tree, timeout=1)


class Interruption:
    """SIGINT and SIGTERM set a flag instead of raising in the middle of a cleanup.

    Used as a context manager around the whole life of the children; ``wait`` sleeps
    until an interruption or the timeout.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self._event = threading.Event()
        self._previous: dict[int, Any] = {}
        self._at: float | None = None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self._at is None:
            self._at = time.monotonic()
        self._event.set()

    def left(self, budget: float) -> float:
        """Seconds left of ``budget`` counted from the first interruption (all if none)."""
        return budget if self._at is None else budget - (time.monotonic() - self._at)

    def __enter__(self) -> Interruption:
        for sig in self.SIGNALS:
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def wait(self, timeout: float) -> bool:
        """True once interrupted (at once if already)."""
        return self._event.wait(timeout)

    @property
    def interrupted(self) -> bool:
        return self._event.is_set()


def _watch_parent(parent: int) -> None:
    """Kill this process group as soon as ``parent`` is no longer our parent."""
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os.killpg(os.getpgid(0), signal.SIGKILL)


@contextlib.contextmanager
def _argv(argv: list[str]) -> Iterator[None]:
    saved = sys.argv
    sys.argv = argv
    try:
        yield
    finally:
        sys.argv = saved


def main(argv: Sequence[str]) -> None:
    parent, module, *args = argv
    threading.Thread(target=_watch_parent, args=(int(parent),), daemon=True).start()
    with _argv([module, *args]):
        runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
