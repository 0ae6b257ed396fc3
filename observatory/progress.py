"""Progress bars for long work, drawn on standard error only when it is a terminal.

Library code reports through :func:`advance` (a no-op unless a :class:`Bars` display is
active in the calling context), so the library stays usable without any display and the
CLI decides. ``OBSERVATORY_PROGRESS=0`` turns the bars off, ``=1`` forces them on.
"""

from __future__ import annotations

import contextvars
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

_CURRENT: contextvars.ContextVar[Bars | None] = contextvars.ContextVar("progress", default=None)


def wanted() -> bool:
    """Bars are drawn when standard error is a terminal, unless the environment says."""
    forced = os.environ.get("OBSERVATORY_PROGRESS", "").strip().lower()
    if forced in ("0", "false", "no", "off"):
        return False
    if forced in ("1", "true", "yes", "on"):
        return True
    return sys.stderr.isatty()


class Bars:
    """One line per stage (``Moisson``, ``Sondes``…), each with a count and elapsed time."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = wanted() if enabled is None else enabled
        self._tasks: dict[str, Any] = {}
        self._display: Any = None
        self._token: contextvars.Token[Bars | None] | None = None

    def __enter__(self) -> Bars:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._display = Progress(
                SpinnerColumn(),
                TextColumn("{task.description:<28}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
            )
            self._display.start()
        self._token = _CURRENT.set(self)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._token is not None:
            _CURRENT.reset(self._token)
        if self._display is not None:
            self._display.stop()

    def advance(self, stage: str, step: int = 1, total: int | None = None) -> None:
        if self._display is None:
            return
        task = self._tasks.get(stage)
        if task is None:
            task = self._tasks[stage] = self._display.add_task(stage, total=total)
        elif total is not None:
            self._display.update(task, total=total)
        self._display.advance(task, step)


def advance(stage: str, step: int = 1, total: int | None = None) -> None:
    """Count ``step`` more units of ``stage`` on the active display, if any."""
    bars = _CURRENT.get()
    if bars is not None:
        bars.advance(stage, step, total)


def current() -> Bars | None:
    """The active display (to hand to worker threads that do not inherit the context)."""
    return _CURRENT.get()


@contextmanager
def attached(bars: Bars | None) -> Iterator[None]:
    """Make ``bars`` the active display in this thread (no-op for None)."""
    if bars is None:
        yield
        return
    token = _CURRENT.set(bars)
    try:
        yield
    finally:
        _CURRENT.reset(token)
