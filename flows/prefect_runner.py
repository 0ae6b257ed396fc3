"""The engine's ``Runner`` as Prefect task runs: one task run per batch, never per URL.

Each engine function becomes a task the first time it is used (named after it, e.g.
``probe-batch``). The inputs of single calls are quoted, so Prefect does not walk thousands
of records looking for futures; shared inputs of batches stay plain ``unmapped``
(prefect-dask does not unwrap a quoted one). Batches run on the flow's task runner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from prefect import Task, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

T = TypeVar("T")

#: Retries of the units of work that only read the network (a catalogue page).
RETRIES = {"read_page": 1}


class PrefectRunner:
    """``observatory.observe.runner.Runner`` over Prefect tasks (inside a flow run)."""

    def __init__(self) -> None:
        self._tasks: dict[Callable[..., Any], Task[..., Any]] = {}

    def task_for(self, fn: Callable[..., T]) -> Task[..., T]:
        found = self._tasks.get(fn)
        if found is None:
            name = fn.__name__.replace("_", "-")
            retries = RETRIES.get(fn.__name__, 0)
            found = task(name=name, cache_policy=NO_CACHE, retries=retries)(fn)
            self._tasks[fn] = found
        return found

    def map(self, fn: Callable[..., T], batches: Sequence[Any], **shared: Any) -> list[T]:
        if not batches:
            return []
        static = {k: unmapped(v) for k, v in shared.items()}
        futures = self.task_for(fn).map(list(batches), **static)  # type: ignore[call-overload]
        return [f.result() for f in futures]

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        quoted = [quote(a) for a in args]
        return self.task_for(fn)(*quoted, **{k: quote(v) for k, v in kwargs.items()})  # type: ignore[arg-type]

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Any:
        return self.task_for(fn).submit(*args, **kwargs)
