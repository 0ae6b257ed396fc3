"""What this machine lets the observatory use."""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from typing import Any


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity, where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def release_free_memory() -> bool:
    """Hand the memory freed since the last call back to the system (glibc's
    ``malloc_trim``); False where the C library has none (musl, macOS).

    Publishing renders 50,000 pages whose texts (50 to 150 kB each) come from the C
    heap; freed, they stay in the process as holes the next pages do not always fit,
    and the resident size grew by a tenth of a megabyte a page. Called between batches.
    """
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@functools.cache
def _malloc_trim() -> Any:
    if sys.platform != "linux":
        return None
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim  # glibc's soname; musl has none
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim
