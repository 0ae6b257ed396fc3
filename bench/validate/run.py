"""Benchmark: `observatory validate` end to end against frictionless, full error lists.

    .venv/bin/python -m bench.validate.run [--rows N] [--repeat K] [--rss]

Generates two N-row CSV files (ten columns of mixed types, constraints, a primary key and
a unique column, about one error per 1,000 rows of every kind): an ASCII one, and one whose
names carry accents under a pattern constraint, written in Windows-1252 so encoding
detection has work to do. For each file it times, in the same run, the shipped command
`observatory validate FILE --schema SCHEMA --json` (a subprocess: the CLI, datasets.yml
as shipped, encoding and dialect detection included) and frictionless reading the same
file from disk with the same schema (a subprocess: its own encoding detection, no error
limit), and compares the FULL error lists. Each tool runs ``--repeat`` times (default 3),
in turn, and the ratio is of the medians: on a shared machine one run of each swings by
half. ``--rss`` also measures the fast path's peak RSS on N and 5×N rows, each in its own
subprocess.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from observatory.inspect.fastpath import validate_file_fast
from observatory.inspect.tabular import convert_errors

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
ROOT = Path(__file__).resolve().parents[2]
OBSERVATORY = str(Path(sys.executable).with_name("observatory"))


ACCENTED_SCHEMA: dict[str, Any] = {
    **SCHEMA,
    "fields": [
        {
            "name": "nom",
            "type": "string",
            "constraints": {"required": True, "pattern": "^[A-Za-zÀ-ÖØ-öø-ÿŒœ' -]+ [0-9]+$"},
        }
        if f["name"] == "nom"
        else f
        for f in SCHEMA["fields"]
    ],
}
PLACES = np.array(
    ["Évreux", "Saint-Étienne-lès-Remiremont", "Châlons", "L'Haÿ-les-Roses", "Œuilly"]
)


def generate(path: Path, rows: int, seed: int = 7, accented: bool = False) -> None:
    """Write the benchmark CSV in blocks of 200,000 rows (about 1 error per 1,000 rows);
    ``accented``: accented names (and a few digits among them), in Windows-1252."""
    rnd = np.random.default_rng(seed)
    encoding = "cp1252" if accented else "utf-8"
    with open(path, "w", encoding=encoding, newline="") as out:
        out.write(HEADER + "\n")
        for start in range(0, rows, 200_000):
            out.write(_block(rnd, start, min(rows, start + 200_000), accented))


def _block(rnd: np.random.Generator, start: int, stop: int, accented: bool = False) -> str:
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
        "nom": np.char.add(
            np.char.add(rnd.choice(PLACES, n), " ") if accented else "Commune ", ids.astype(str)
        ),
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
    if accented:  # a pattern error in about one name in 2,000
        for i in rnd.choice(n, max(1, n // 2000), replace=False):
            table[i, 2] = f"Évreux2 {i}"
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
    parser.add_argument("--rss", action="store_true", help="also measure peak RSS (N and 5×N)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each tool (medians)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--frictionless", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(Path(args.child))
        return 0
    if args.frictionless:
        frictionless_child(Path(args.frictionless[0]), Path(args.frictionless[1]))
        return 0
    if args.generate:
        path, n, accented = args.generate
        generate(Path(path), int(n), accented=accented == "accented")
        return 0
    print(f"load average before: {Path('/proc/loadavg').read_text().strip()}")
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        ok = run(Path(tmp), args.rows, max(1, args.repeat))
        if args.rss:
            ok = rss(Path(tmp), args.rows) and ok
    print(f"load average after: {Path('/proc/loadavg').read_text().strip()}")
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


def _generate(path: Path, rows: int, accented: bool = False) -> None:
    kind = "accented" if accented else "ascii"
    command = [sys.executable, "-m", "bench.validate.run", "--generate", str(path), str(rows), kind]
    subprocess.run(command, check=True)  # in a child: the parent stays small


def observatory_validate(
    path: Path, schema: Path, show: bool = True
) -> tuple[list[tuple[Any, ...]], float]:
    """Errors and wall seconds of the shipped CLI on ``path`` (``show``: print the command)."""
    command = [OBSERVATORY, "validate", str(path), "--schema", str(schema), "--json"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    errors = [(e["type"], e["row"], e["field"], e["message"]) for e in report["errors"]]
    if show:
        print(f"  $ {' '.join(command)}  (engine {report['engine']})")
    return errors, seconds


def frictionless_child(path: Path, schema: Path) -> None:
    """frictionless on a file on disk (its own encoding detection), every error, as JSON."""
    from frictionless import Resource, Schema

    descriptor = json.loads(schema.read_text(encoding="utf-8"))
    resource = Resource(
        path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(descriptor)
    )
    report = resource.validate(limit_errors=2**62)
    print(json.dumps([[e.type, e.row, e.field, e.message] for e in convert_errors(report)]))


def frictionless_validate(path: Path, schema: Path) -> tuple[list[tuple[Any, ...]], float]:
    command = [sys.executable, "-m", "bench.validate.run", "--frictionless", str(path), str(schema)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    seconds = time.perf_counter() - start
    return [tuple(e) for e in json.loads(done.stdout)], seconds


def run(folder: Path, rows: int, repeat: int = 3) -> bool:
    """Both files: CLI against frictionless, full error lists, ``repeat`` runs of each tool
    taken in turn (a busy machine slows both alike); the ratio is of the medians. True when
    the targets are met and every run's error lists are identical."""
    ok = True
    print(
        f"{'file':10}{'observatory s':>15}{'frictionless s':>16}{'ratio':>9}{'target':>8}"
        f"{'errors':>9}  identical (median of {repeat} interleaved runs each)"
    )
    for accented, target in ((False, 40), (True, 20)):
        name = "accented" if accented else "ascii"
        path, schema = folder / f"{name}.csv", folder / f"{name}-schema.json"
        _generate(path, rows, accented)
        schema.write_text(json.dumps(ACCENTED_SCHEMA if accented else SCHEMA), encoding="utf-8")
        times: tuple[list[float], list[float]] = ([], [])
        same = True
        for n in range(repeat):
            ours, ours_s = observatory_validate(path, schema, show=n == 0)
            theirs, theirs_s = frictionless_validate(path, schema)
            same = same and ours == theirs
            times[0].append(ours_s)
            times[1].append(theirs_s)
        ours_s, theirs_s = statistics.median(times[0]), statistics.median(times[1])
        ratio = theirs_s / ours_s
        print(
            f"{name:10}{ours_s:>15.2f}{theirs_s:>16.2f}{ratio:>8.1f}×{target:>7}×"
            f"{len(ours):>9}  {same} (frictionless {len(theirs)} errors)"
        )
        runs = ", ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(*times, strict=True))
        print(f"{'':10}runs (observatory/frictionless s): {runs}")
        ok = ok and same and ratio >= target
    return ok


def rss(folder: Path, rows: int) -> bool:
    big, huge = folder / "big.csv", folder / "huge.csv"
    _generate(big, rows)
    _generate(huge, rows * 5)
    (rss1, hwm1), (rss5, hwm5) = peak_rss(big), peak_rss(huge)
    print(
        f"peak RSS of the fast path: {rss1:.0f} MiB ({rows:,} rows), {rss5:.0f} MiB "
        f"({rows * 5:,} rows), ratio {rss5 / rss1:.2f}× (VmHWM {hwm1:.0f} / {hwm5:.0f} MiB)"
    )
    return rss5 < 2.5 * rss1


if __name__ == "__main__":
    sys.exit(main())
