"""CPU time and memory of a command's whole process tree, worker processes included.

``resource.getrusage(RUSAGE_CHILDREN)`` only counts the processes a parent waited for; a
command's worker processes forked by a forkserver are not among them. ``TreeWatch`` polls
the tree (every ``interval`` seconds, with psutil) and keeps each process's latest CPU time
and the largest memory seen: the figures miss at most one interval of a process's life.
"""

from __future__ import annotations

import threading
from types import TracebackType

import psutil


class TreeWatch:
    """Watch ``pid`` and every process it starts, while the ``with`` block runs."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.cpu: dict[int, float] = {}  # pid -> latest user + system seconds
        self.peak_total_mb = 0.0  # largest sum of RSS over the tree at one instant
        self.peak_process_mb = 0.0  # largest RSS of any one process
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        try:
            tree = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        total = 0.0
        for proc in tree:
            try:
                times, rss = proc.cpu_times(), proc.memory_info().rss / 2**20
            except psutil.Error:
                continue
            self.cpu[proc.pid] = times.user + times.system
            total += rss
            self.peak_process_mb = max(self.peak_process_mb, rss)
        self.peak_total_mb = max(self.peak_total_mb, total)
        self.processes = max(self.processes, len(self.cpu))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())

    def __enter__(self) -> TreeWatch:
        self._sample()
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
