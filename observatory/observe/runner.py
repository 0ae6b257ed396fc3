"""How the engine's batches run: in process by default, or as task runs (``flows/``).

The engine hands every batch (a catalogue page, a batch of whole hosts, a batch of files to
validate, a batch of datasets to score) to a ``Runner``; it never loops over URLs itself.
``InProcessRunner`` calls the functions directly; the Prefect flow supplies a runner that
turns each call into one task run, so task granularity stays a batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Pending(Protocol[T]):  # type: ignore[misc]
    def result(self) -> T: ...


class Runner(Protocol):
    """What the engine needs to run its batches."""

    def map(self, fn: Callable[..., T], batches: Sequence[Any], **shared: Any) -> list[T]:
        """``[fn(batch, **shared) for batch in batches]``, possibly in parallel."""
        ...

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)``, as one unit of work."""
        ...

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Pending[T]:
        """Start ``fn(*args, **kwargs)``; ``.result()`` waits for it."""
        ...


class Done:
    """An already computed result."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


class InProcessRunner:
    """Every batch called in this process, in order (tests, scripts, ``observatory check``)."""

    def map(self, fn: Callable[..., T], batches: Sequence[Any], **shared: Any) -> list[T]:
        return [fn(batch, **shared) for batch in batches]

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return fn(*args, **kwargs)

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Done:
        return Done(fn(*args, **kwargs))
