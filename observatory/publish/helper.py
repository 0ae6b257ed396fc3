"""A helper process for the publication's work that needs little of the site's data: the
organisations' notices (Markdown to HTML) and the DQV files are made on a second core
while this process renders the pages.

The helper is ``python -m observatory.publish.helper`` (nothing of this process is copied
into it), started on the first job and stopped when the publication ends, failed or not;
it also ends by itself when this process goes away (its input closes). A job is a
module-level function and its arguments, sent pickled through a pipe (length, then bytes);
the answers come back the same way, in the same order. On a single core the jobs run
here, at once.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from markupsafe import Markup

from observatory.machine import usable_cores
from observatory.publish.mdrender import render_markdown

PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
END = ("end",)  # what ``_receive`` gives once the pipe closed


def _send(pipe: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(len(data).to_bytes(8, "big") + data)
    pipe.flush()


def _receive(pipe: IO[bytes]) -> Any:
    """The next message, or ``END`` when the pipe closed."""
    head = pipe.read(8)
    if len(head) < 8:
        return END
    return pickle.loads(pipe.read(int.from_bytes(head, "big")))  # noqa: S301 (our own child)


class Helper:
    """Runs jobs in a helper process; each call returns a future of the job's result."""

    def __init__(self, processes: int | None = None) -> None:
        self._wanted = (usable_cores() > 1) if processes is None else processes > 0
        self._process: subprocess.Popen[bytes] | None = None
        self._threads: list[threading.Thread] = []
        self._outbox: queue.SimpleQueue[tuple[Any, ...] | None] = queue.SimpleQueue()
        self._waiting: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()

    def markdown(self, text: str) -> Future[Markup]:
        """``render_markdown(text)``, in the helper process when there is one."""
        return self.submit(render_markdown, text)

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """``function(*args)`` (a module-level function, picklable arguments), queued for
        the helper process: this returns at once."""
        future: Future[Any] = Future()
        if not self._wanted:
            future.set_result(function(*args))
            return future
        if self._process is None:
            self._start()
        self._waiting.put(future)
        self._outbox.put((function, args))
        return future

    def _start(self) -> None:
        path = os.environ.get("PYTHONPATH")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [PACKAGE_PARENT, path])))
        process = subprocess.Popen(
            [sys.executable, "-m", "observatory.publish.helper"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        assert process.stdin is not None and process.stdout is not None
        self._process = process
        self._threads = [
            threading.Thread(target=self._write, args=(process.stdin,), daemon=True),
            threading.Thread(target=self._read, args=(process.stdout,), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _write(self, pipe: IO[bytes]) -> None:
        """Send the queued jobs until ``None`` comes (or the helper is gone)."""
        try:
            while (job := self._outbox.get()) is not None:
                _send(pipe, job)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                pipe.close()

    def _read(self, pipe: IO[bytes]) -> None:
        """Hand each answer to the oldest waiting future; when the helper's output ends,
        fail the futures still waiting."""
        while (answer := _receive(pipe)) is not END:
            kind, value = answer
            future = self._waiting.get()
            if kind == "ok":
                future.set_result(value)
            else:
                future.set_exception(RuntimeError(f"the helper process failed: {value}"))
        while not self._waiting.empty():
            self._waiting.get().set_exception(RuntimeError("the helper process stopped"))

    def close(self) -> None:
        """Stop the helper process: when every answer came, it ends as its input closes;
        with work still waiting (a publication that failed), it is killed."""
        process, self._process = self._process, None
        if process is None:
            return
        if not self._waiting.empty():
            process.kill()
        self._outbox.put(None)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for thread in self._threads:
            thread.join()

    def __enter__(self) -> Helper:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """The helper's loop: each job read from ``source`` is answered with its result (or
    its error, as text)."""
    while (job := _receive(source)) is not END:
        function, args = job
        try:
            answer = ("ok", function(*args))
        except Exception as error:  # the publication reports it
            answer = ("error", f"{type(error).__name__}: {error}")
        _send(sink, answer)


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
