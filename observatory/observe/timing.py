"""Phase timings of a run and the garbage-collector pause of record-heavy phases."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector during a phase that builds many acyclic
    records (harvest, classification and writes, scoring): at 50,000 datasets, collections
    walking the millions of live records took half of such a phase. It runs again after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def timed(timings: dict[str, float], phase: str) -> Iterator[None]:
    """Add the wall time of the block to ``timings[phase]`` (seconds, summed)."""
    start = time.monotonic()
    try:
        yield
    finally:
        timings[phase] = round(timings.get(phase, 0.0) + time.monotonic() - start, 2)
