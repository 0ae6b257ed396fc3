"""What the machine lets the observatory use: cores, and freed memory handed back."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import pytest

from observatory.machine import release_free_memory, usable_cores


def _anonymous_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) // 1024
    raise AssertionError("no RssAnon in /proc/self/status")


def test_usable_cores_is_what_the_process_may_run_on() -> None:
    assert 1 <= usable_cores() <= (os.cpu_count() or 1)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_heap_memory_goes_back_to_the_system() -> None:
    """Texts of pages (tens of kB each) freed between small objects that stay: without
    the release the process keeps the holes (what made a 50,000-page publication grow)."""
    big, pins = [], []
    for i in range(3000):
        big.append(bytes(60_000) + bytes([i % 256]))
        pins.append(bytes(700) + bytes([i % 256]))  # stays, between two big texts
    del big
    before = _anonymous_mb()
    assert release_free_memory(), "this C library has no malloc_trim (glibc expected)"
    after = _anonymous_mb()
    assert before - after > 100, f"{before} MB before the release, {after} MB after"
    assert len(pins) == 3000
