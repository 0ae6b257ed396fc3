"""Benchmark: the fast Table Schema path against frictionless on a generated CSV.

    .venv/bin/python -m bench.validate.run [--rows N] [--frictionless-rows M]

Generates an N-row CSV (ten columns of mixed types, constraints, a primary key and a
unique column, with a few errors of every kind), measures rows per second of the fast path
on the whole file and of frictionless on an M-row prefix (extrapolated; said in the output),
checks that both give the same error list on the prefix, and measures the fast path's peak
RSS on N and 5×N rows, each in its own subprocess (ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from observatory.inspect.fastpath import validate_file_fast
from observatory.inspect.tabular import convert_errors, run_frictionless

SCHEMA: dict[str, Any] = {
    "missingValues": [""],
    "primaryKey": ["id"],
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "siren", "type": "string", "constraints": {"pattern": "^\\d{9}$", "unique": True}},
        {"name": "nom", "type": "string", "constraints": {"required": True, "maxLength": 40}},
        {
            "name": "code_insee",
            "type": "string",
            "constraints": {"pattern": "^([013-9]\\d|2[AB1-9])\\d{3}$"},
        },
        {"name": "categorie", "type": "string", "constraints": {"enum": ["A", "B", "C", "D"]}},
        {"name": "population", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "surface", "type": "number", "constraints": {"minimum": 0, "maximum": 100000}},
        {"name": "date_maj", "type": "date", "constraints": {"required": True}},
        {"name": "actif", "type": "boolean"},
        {"name": "contact", "type": "string", "format": "email"},
    ],
}
HEADER = ",".join(f["name"] for f in SCHEMA["fields"])


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write the benchmark CSV in blocks of 200,000 rows (about 1 error per 1,000 rows)."""
    rnd = np.random.default_rng(seed)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        for start in range(0, rows, 200_000):
            out.write(_block(rnd, start, min(rows, start + 200_000)))


def _block(rnd: np.random.Generator, start: int, stop: int) -> str:
    n = stop - start
    ids = np.arange(start + 1, stop + 1)
    siren = (100_000_000 + ids * 7).astype(str)
    dept = rnd.integers(1, 96, n)
    insee = np.char.add(
        np.char.zfill(dept.astype(str), 2), np.char.zfill(rnd.integers(1, 999, n).astype(str), 3)
    )
    cols = {
        "id": ids.astype(str),
        "siren": siren,
        "nom": np.char.add("Commune ", ids.astype(str)),
        "code_insee": insee,
        "categorie": rnd.choice(np.array(["A", "B", "C", "D"]), n),
        "population": rnd.integers(0, 2_000_000, n).astype(str),
        "surface": np.round(rnd.random(n) * 1000, 2).astype(str),
        "date_maj": np.datetime_as_string(
            np.datetime64("2015-01-01") + rnd.integers(0, 3000, n).astype("timedelta64[D]")
        ),
        "actif": rnd.choice(np.array(["true", "false"]), n),
        "contact": np.char.add(np.char.add("mairie", ids.astype(str)), "@exemple.fr"),
    }
    table = np.stack(list(cols.values()), axis=1).astype(object)
    _inject_errors(rnd, table, n)
    lines = [",".join(row) for row in table]
    return "\n".join(lines) + "\n"


def _inject_errors(rnd: np.random.Generator, table: np.ndarray, n: int) -> None:
    bad = rnd.choice(n, max(1, n // 1000), replace=False)
    for k, i in enumerate(bad):
        kind = k % 8
        if kind == 0:
            table[i, 0] = table[max(0, i - 5), 0]  # duplicate primary key
        elif kind == 1:
            table[i, 1] = "12345"  # pattern
        elif kind == 2:
            table[i, 4] = "Z"  # enum
        elif kind == 3:
            table[i, 5] = "-3"  # minimum
        elif kind == 4:
            table[i, 6] = "n/a"  # type
        elif kind == 5:
            table[i, 7] = ""  # required
        elif kind == 6:
            table[i, 9] = "pas-un-email"  # format
        else:
            table[i, 8] = "peut-être"  # boolean


def fast_errors(path: Path) -> tuple[list[tuple[Any, ...]], int, float]:
    start = time.perf_counter()
    result = validate_file_fast(path, SCHEMA, ",")
    seconds = time.perf_counter() - start
    return [(e.type, e.row, e.field, e.message) for e in result.errors], result.row_count, seconds


def frictionless_errors(path: Path) -> tuple[list[tuple[Any, ...]], float]:
    data = path.read_bytes()
    start = time.perf_counter()
    report = run_frictionless(data, SCHEMA, ",", None)
    seconds = time.perf_counter() - start
    return [(e.type, e.row, e.field, e.message) for e in convert_errors(report)], seconds


def prefix(path: Path, target: Path, rows: int) -> None:
    with open(path, encoding="utf-8") as source, open(target, "w", encoding="utf-8") as out:
        for k, line in enumerate(source):
            if k > rows:
                break
            out.write(line)


def peak_rss(path: Path) -> tuple[float, float]:
    """Peak RSS (MiB) of the fast path on ``path`` in a fresh interpreter: ru_maxrss, VmHWM."""
    child = subprocess.run(
        [sys.executable, "-m", "bench.validate.run", "--child", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    return figures["rss_mib"], figures["hwm_mib"] or figures["rss_mib"]


def child(path: Path) -> None:
    _, _, seconds = fast_errors(path)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"rss_mib": rss, "hwm_mib": _vm_hwm(), "seconds": seconds}))


def _vm_hwm() -> float | None:
    """VmHWM of this process (MiB): unlike ru_maxrss, never inherited from the parent."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--frictionless-rows", type=int, default=100_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(Path(args.child))
        return 0
    if args.generate:
        generate(Path(args.generate[0]), int(args.generate[1]))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        return run(Path(tmp), args.rows, min(args.frictionless_rows, args.rows))


def run(folder: Path, rows: int, fl_rows: int) -> int:
    big, small, huge = folder / "big.csv", folder / "prefix.csv", folder / "huge.csv"
    t0 = time.perf_counter()
    for path, n in ((big, rows), (huge, rows * 5)):  # in children: the parent stays small
        subprocess.run(
            [sys.executable, "-m", "bench.validate.run", "--generate", str(path), str(n)],
            check=True,
        )
    prefix(big, small, fl_rows)
    print(f"generated {rows:,} and {rows * 5:,} rows in {time.perf_counter() - t0:.1f} s")
    (rss1, hwm1), (rss5, hwm5) = peak_rss(big), peak_rss(huge)  # before the parent grows
    fast_all, counted, fast_s = fast_errors(big)
    fast_prefix, _, _ = fast_errors(small)
    fl_prefix, fl_s = frictionless_errors(small)
    same = fast_prefix == fl_prefix
    fast_rate, fl_rate = counted / fast_s, fl_rows / fl_s
    print(f"frictionless measured on the first {fl_rows:,} rows, extrapolated to {rows:,}")
    print(f"{'':32}{'fast path':>14}{'frictionless':>14}{'ratio':>10}")
    print(f"{'rows per second':32}{fast_rate:>14,.0f}{fl_rate:>14,.0f}{fast_rate / fl_rate:>9.1f}×")
    print(f"{f'seconds for {rows:,} rows':32}{fast_s:>14.2f}{rows / fl_rate:>14.2f}")
    print(f"{f'errors on the {fl_rows:,}-row prefix':32}{len(fast_prefix):>14}{len(fl_prefix):>14}")
    print(f"{'identical error lists (prefix)':32}{str(same):>14}")
    print(f"{f'errors on {rows:,} rows (fast)':32}{len(fast_all):>14}")
    print(f"{f'peak RSS, {rows:,} rows (MiB)':32}{rss1:>14.0f}")
    print(f"{f'peak RSS, {rows * 5:,} rows (MiB)':32}{rss5:>14.0f}{'':>14}{rss5 / rss1:>9.2f}×")
    print(f"(ru_maxrss of a subprocess each; VmHWM cross-check: {hwm1:.0f} and {hwm5:.0f} MiB)")
    ok = same and fast_rate >= 10 * fl_rate and rss5 < 2.5 * rss1
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
