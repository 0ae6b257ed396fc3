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
    walking the millions of live records took half of such a phase. At its end, what the
    phase allocated is collected once (its cycles freed: an rdflib graph of a page read)
    and what it kept is frozen (``gc.freeze``): later collections no longer walk it again
    and again. ``gc_frozen`` ends the freeze."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect(0)  # what the phase allocated: still in the youngest generation
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def gc_frozen() -> Iterator[None]:
    """The extent of the freezes ``gc_paused`` makes: what they froze is handed back to
    the collector at the end (a record freed by its last reference is freed at once, frozen
    or not; only a cycle among frozen objects waits for the end)."""
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def timed(timings: dict[str, float], phase: str) -> Iterator[None]:
    """Add the wall time of the block to ``timings[phase]`` (seconds, summed)."""
    start = time.monotonic()
    try:
        yield
    finally:
        timings[phase] = round(timings.get(phase, 0.0) + time.monotonic() - start, 2)
