"""A run's largest writes go to the database as a stream of rows, never held whole.

At 50,000 datasets a run saves 250,000 probes and as many HTTP validators; built as row
dicts and then tuples all at once they took about 200 MB on top of the records
themselves. Each test saves N rows, then 2N more, and checks with tracemalloc that the
second write's peak is not N rows' worth above the first's: held whole, N rows took about
600 bytes each; streamed, the peak hardly moves with the count (the uniqueness map of the
URLs, 8 pointers a row, is what remains).
"""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime

from observatory.model import ProbeResult
from observatory.storage.cache import HttpValidators

N = 10_000
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _probes(n: int, start: int = 0) -> list[ProbeResult]:
    return [
        ProbeResult(
            url=f"https://h{i % 50}.example.org/data/{i}.csv",
            outcome="up",
            reason="HTTP 200 (HEAD)",
            checked_at=NOW,
            method="HEAD",
            status=200,
            content_type="text/csv",
            content_length=1000 + i,
            last_modified="Tue, 04 Mar 2025 10:00:00 GMT",
            etag=f'"v{i}"',
            latency_ms=12.5,
            extra={"connect_ms": 1.5, "ttfb_ms": 12.5},
        )
        for i in range(start, start + n)
    ]


def _peak(write) -> int:
    tracemalloc.start()
    try:
        write()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _growth(save, rows) -> tuple[int, int]:
    """Traced peaks of saving N rows, then 2N others."""
    return _peak(lambda: save(rows(N, 0))), _peak(lambda: save(rows(2 * N, N)))


def test_a_run_s_probes_are_written_as_a_stream(store) -> None:
    run_id = store.start_run("observe", NOW)
    probes = {0: _probes(N), N: _probes(2 * N, N)}
    small, large = _growth(lambda rows: store.save_probes(run_id, rows), lambda n, s: probes[s])
    assert large - small < N * 150, f"{small / 1e6:.1f} MB then {large / 1e6:.1f} MB"
    stored = store.load_snapshot(run_id).probes
    assert len(stored) == 3 * N
    assert {p.etag for p in stored} == {p.etag for ps in probes.values() for p in ps}


def test_http_validators_are_written_as_a_stream(store) -> None:
    entries = {
        start: [
            HttpValidators(p.url, p.etag, p.last_modified, p.content_length, None, NOW)
            for p in _probes(n, start)
        ]
        for n, start in ((N, 0), (2 * N, N))
    }
    small, large = _growth(store.save_http_cache, lambda n, s: entries[s])
    assert large - small < N * 150, f"{small / 1e6:.1f} MB then {large / 1e6:.1f} MB"
    found = store.http_caches([e.url for es in entries.values() for e in es])
    assert len(found) == 3 * N
    assert found[entries[0][7].url].etag == '"v7"'
