"""What the machine lets the observatory use: cores, and freed memory handed back."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from observatory.machine import usable_cores

# Run in a fresh interpreter: in the test process, earlier tests leave gaps in the heap
# where the small texts would land, and the big ones would then be trimmed by free().
SCENARIO = """
from pathlib import Path
from observatory.machine import release_free_memory

def anonymous_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) // 1024

big, pins = [], []
for i in range(3000):
    big.append(bytes(60_000) + bytes([i % 256]))
    pins.append(bytes(700) + bytes([i % 256]))  # stays, between two big texts
del big
before = anonymous_mb()
assert release_free_memory(), "this C library has no malloc_trim (glibc expected)"
print(before, anonymous_mb(), len(pins))
"""


def test_usable_cores_is_what_the_process_may_run_on() -> None:
    assert 1 <= usable_cores() <= (os.cpu_count() or 1)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_heap_memory_goes_back_to_the_system() -> None:
    """Texts of pages (tens of kB each) freed between small objects that stay: without
    the release the process keeps the holes (what made a 50,000-page publication grow)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "LD_PRELOAD"))}
    out = subprocess.run(
        [sys.executable, "-c", SCENARIO], capture_output=True, text=True, env=env, check=True
    )
    before, after, pins = map(int, out.stdout.split())
    assert pins == 3000
    assert before - after > 100, f"{before} MB before the release, {after} MB after"
