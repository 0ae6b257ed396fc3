"""Since when a criterion fails: the first run of its current failing streak.

Walks back through earlier runs (newest first) and stops as soon as every failing
criterion of the current run has found a run where it did not fail, or history ends.
"""

from __future__ import annotations

from collections.abc import Iterable

from observatory.model import RunInfo, Snapshot

FAILING = ("fail", "partial")
Key = tuple[str, str]


def failing_keys(snapshot: Snapshot) -> set[Key]:
    return {
        (key, r.criterion_id)
        for key, score in snapshot.scores.items()
        for r in score.results
        if r.status in FAILING
    }


def failing_since(current: Snapshot, earlier: Iterable[Snapshot]) -> dict[Key, RunInfo]:
    """(dataset key, criterion id) -> RunInfo of the first run of the failing streak.

    ``earlier`` yields the previous runs' snapshots, newest first (a lazy iterable is best:
    it is only consumed while some streak is still open).
    """
    return failing_since_runs(current, ((s.run, failing_keys(s)) for s in earlier))


def failing_since_runs(
    current: Snapshot, earlier: Iterable[tuple[RunInfo, set[Key]]]
) -> dict[Key, RunInfo]:
    """``failing_since`` from each earlier run's failing keys (newest first, lazily: the
    store reads two columns of a run only while some streak is still open)."""
    open_keys = failing_keys(current)
    since = dict.fromkeys(open_keys, current.run)
    for run, failing in earlier:
        if not open_keys:
            break
        still = failing & open_keys
        for key in still:
            since[key] = run
        open_keys = still
    return since
