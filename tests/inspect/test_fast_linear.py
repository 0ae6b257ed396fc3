"""Validation work grows linearly with ragged rows (it once grew quadratically).

Work is counted, not timed: the number of Python function calls made while validating, as
cProfile counts them, is exact and does not depend on the machine's load. The fixed cost
(reading the schema, sniffing the dialect) is taken out by comparing increments: going from
2N to 4N ragged rows must cost at most twice what going from N to 2N cost (bound 2.5; a
quadratic cost gives 4). The default block size keeps all rows in one batch, where the
quadratic cost used to be.
"""

from __future__ import annotations

import cProfile
import pstats
from pathlib import Path

from observatory.inspect.fastpath import validate_file_fast

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"unique": True}},
        {"name": "nom", "type": "string", "constraints": {"required": True}},
        {"name": "n", "type": "integer", "constraints": {"minimum": 0}},
    ]
}


def ragged_file(path: Path, ragged: int) -> Path:
    """One ragged row (an extra cell, a value under the minimum) in every four rows."""
    lines = ["id,nom,n"]
    for i in range(4 * ragged):
        lines.append(f"{i},x{i},-1,extra" if i % 4 == 0 else f"{i},x{i},{i % 7}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def calls(path: Path) -> tuple[int, int]:
    """(Python calls made, errors found) validating ``path``."""
    profile = cProfile.Profile()
    profile.enable()
    result = validate_file_fast(path, SCHEMA, ",")
    profile.disable()
    return pstats.Stats(profile).total_calls, len(result.errors)  # type: ignore[attr-defined]


def test_doubling_ragged_rows_at_most_doubles_the_work(tmp_path):
    calls(ragged_file(tmp_path / "warm-up.csv", 50))  # first-use costs (caches, lazy imports)
    sizes = (400, 800, 1_600)
    counted = [calls(ragged_file(tmp_path / f"{n}.csv", n)) for n in sizes]
    assert [errors for _, errors in counted] == [2 * n for n in sizes]
    work = [n_calls for n_calls, _ in counted]
    first, second = work[1] - work[0], work[2] - work[1]
    assert 0 < second / first < 2.5, work
