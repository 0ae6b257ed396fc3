"""A helper process for the publication's work that needs little of the site's data: the
organisations' notices (Markdown to HTML) and the DQV files are made on a second core
while this process renders the pages.

The helper is the one worker of a ``ProcessPoolExecutor`` started by ``spawn`` (nothing of
this process is copied into it), on the first job, and shut down when the publication
ends, failed or not (jobs not started yet are cancelled). It ignores Ctrl-C: the
publication stops on it and shuts the helper down, with no traceback from the helper. A
job is a module-level function and picklable arguments. On a single core the jobs run
here, at once. Jobs whose work is another program's (the search indexer) run in a thread
of this process instead (``background``).
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from types import TracebackType
from typing import Any

from markupsafe import Markup

from observatory.machine import usable_cores
from observatory.publish.mdrender import render_markdown


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Helper:
    """Runs jobs in a helper process; each call returns a future of the job's result."""

    def __init__(self, processes: int | None = None) -> None:
        self._wanted = (usable_cores() > 1) if processes is None else processes > 0
        self._pool: ProcessPoolExecutor | None = None
        self._threads: ThreadPoolExecutor | None = None
        self._failed = threading.Event()

    def markdown(self, text: str) -> Future[Markup]:
        """``render_markdown(text)``, in the helper process when there is one."""
        return self.submit(render_markdown, text)

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """``function(*args)`` queued for the helper process: this returns at once."""
        if not self._wanted:
            future: Future[Any] = Future()
            future.set_result(function(*args))
            return future
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_ignore_interrupts,
            )
        return self._pool.submit(function, *args)

    def background(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """``function(*args)`` in a thread of this process: for a job that mostly waits
        on another program, so that program works on the second core while pages render."""
        if self._threads is None:
            self._threads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="helper")
        return self._threads.submit(function, *args)

    def until_failed(self, items: Iterable[Any]) -> Iterator[Any]:
        """``items`` for a background job, cut short once the publication has failed (the
        job then ends soon instead of working for a site that will not be published)."""
        for item in items:
            if self._failed.is_set():
                return
            yield item

    def close(self) -> None:
        """Stop the helper process once its current job ends; jobs not started are
        cancelled (a publication that failed does not wait for them). Background jobs
        are waited for."""
        pool, self._pool = self._pool, None
        threads, self._threads = self._threads, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if threads is not None:
            threads.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Helper:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is not None:
            self._failed.set()
        self.close()
