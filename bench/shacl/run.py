"""SHACL benchmark: DCAT-AP validation per dataset, through the production entry point.

``python -m bench.shacl.run [--datasets N] [--repeat R]``

1. ``observatory harvest`` (the CLI, ``datasets.yml`` as shipped: ``shacl: true``) of a
   synthetic DCAT-AP catalogue of N datasets (3 distributions each, pages of 100, Turtle,
   served on loopback by ``bench.harvest.server``), and the same with ``shacl: false``.
   Each run is a subprocess; its CPU time (user + system) is measured, so SHACL's cost per
   dataset is (CPU with SHACL − CPU without) / N, a figure per core. The output is checked:
   every dataset carries its verdict.
2. The reference engine measured in the same run: the same pages validated with pyshacl
   (``check_page(..., engine="pyshacl")``) and with the compiled evaluator (the production
   default), in process, CPU time per page; the verdicts of both must be equal.
3. The same comparison on every DCAT file of the shared corpus (real catalogues).

The table gives datasets per second per core and the ratio to pyshacl (median of R runs).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harvest.server import PAGE_SIZE

ROOT = Path(__file__).resolve().parents[2]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cpu() -> float:
    return time.process_time()


def _configs(folder: Path) -> dict[str, Path]:
    """datasets.yml as shipped, and a copy with SHACL off."""
    shipped = (ROOT / "datasets.yml").read_text(encoding="utf-8")
    assert "  shacl: true" in shipped, "datasets.yml no longer ships with SHACL on"
    paths = {"on": folder / "on.yml", "off": folder / "off.yml"}
    paths["on"].write_text(shipped, encoding="utf-8")
    paths["off"].write_text(shipped.replace("  shacl: true", "  shacl: false"), encoding="utf-8")
    return paths


def harvest_cli(url: str, config: Path) -> tuple[float, float, list[dict[str, object]]]:
    """``observatory harvest URL --json``: (wall s, CPU s, datasets)."""
    env = dict(os.environ, OBSERVATORY_ALLOWED_NETWORKS="127.0.0.0/8")
    command = [sys.executable, "-m", "observatory.cli", "harvest", url, "--config", str(config)]
    before, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [*command, "--json"], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    wall, cpu = time.perf_counter() - started, _children_cpu() - before
    if done.returncode not in (0, 1):
        raise SystemExit(f"observatory harvest failed ({done.returncode}): {done.stderr[-2000:]}")
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return wall, cpu, rows


def _extras(row: dict[str, object]) -> dict[str, object]:
    extras = row.get("extras")
    return extras if isinstance(extras, dict) else {}


def cli_rows(datasets: int, repeat: int) -> dict[str, float]:
    from bench.harvest.run import _serve

    server, url = _serve(datasets, "ttl")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            configs = _configs(Path(tmp))
            cpu: dict[str, list[float]] = {"on": [], "off": []}
            wall: dict[str, list[float]] = {"on": [], "off": []}
            for _ in range(repeat):
                for mode in ("off", "on"):
                    w, c, rows = harvest_cli(url, configs[mode])
                    assert len(rows) == datasets, f"{mode}: {len(rows)} datasets of {datasets}"
                    verdicts = sum(1 for r in rows if "shacl" in _extras(r))
                    assert verdicts == (datasets if mode == "on" else 0), (mode, verdicts)
                    cpu[mode].append(c)
                    wall[mode].append(w)
    finally:
        server.terminate()
        server.wait()
    out = {f"cpu_{m}": statistics.median(v) for m, v in cpu.items()}
    out |= {f"wall_{m}": statistics.median(v) for m, v in wall.items()}
    out["per_ds_ms"] = 1000 * (out["cpu_on"] - out["cpu_off"]) / datasets
    return out


def pages_compare(bodies: list[tuple[str, bytes, str | None]], repeat: int) -> dict[str, float]:
    """CPU seconds of check_page on each document, pyshacl vs the compiled evaluator."""
    from observatory.harvest.dcat import graph_to_page, read_triples
    from observatory.scoring.shacl_page import check_page

    totals = {"pyshacl": [], "auto": []}  # type: dict[str, list[float]]
    count = 0
    for _ in range(repeat):
        spent = {"pyshacl": 0.0, "auto": 0.0}
        count = 0
        for url, body, ctype in bodies:
            triples = read_triples(body, ctype, url)
            verdicts = {}
            for engine in ("pyshacl", "auto"):
                page = graph_to_page(triples, url, "bench")
                pairs = _pairs(triples, page)
                started = _cpu()
                check_page(triples, pairs, limit=10_000, engine=engine)
                spent[engine] += _cpu() - started
                verdicts[engine] = [d.extras.get("shacl") for d in page.datasets]
            assert verdicts["auto"] == verdicts["pyshacl"], f"verdicts differ on {url}"
            count += len(verdicts["auto"])
        for engine, seconds in spent.items():
            totals[engine].append(seconds)
    return {"datasets": count} | {e: statistics.median(v) for e, v in totals.items()}


def _pairs(triples, page):  # type: ignore[no-untyped-def]
    """(dataset node, record) pairs as graph_to_page makes them."""
    from observatory.harvest.dcat import _Reader

    reader = _Reader(triples, "bench", page.url)
    subjects = reader.dataset_subjects()
    reader.assign_keys(subjects)
    return list(zip(subjects, page.datasets, strict=True))


def synthetic_bodies(pages: int) -> list[tuple[str, bytes, str | None]]:
    from bench.harvest.server import page_ttl

    base = "http://bench.test/catalog"
    total = pages * PAGE_SIZE
    return [
        (f"{base}?page={n}", page_ttl(n, total, base).encode(), "text/turtle")
        for n in range(1, pages + 1)
    ]


def corpus_bodies() -> list[tuple[str, bytes, str | None]]:
    from tests.corpus import CORPUS

    return [
        (path.resolve().as_uri(), path.read_bytes(), None)
        for path in sorted((CORPUS / "dcat").iterdir())
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    command = " ".join(["python -m bench.shacl.run", *sys.argv[1:]])
    print(f"command: {command}")
    print(f"load average before: {Path('/proc/loadavg').read_text().strip()}")
    cli = cli_rows(args.datasets, args.repeat)
    synthetic = pages_compare(synthetic_bodies(2), args.repeat)
    corpus = pages_compare(corpus_bodies(), args.repeat)
    print(f"load average after:  {Path('/proc/loadavg').read_text().strip()}")
    print()
    print(
        f"1. observatory harvest (CLI, datasets.yml as shipped), {args.datasets} datasets, "
        f"median of {args.repeat}"
    )
    print(f"   SHACL off: {cli['wall_off']:.2f} s wall, {cli['cpu_off']:.2f} s CPU")
    print(f"   SHACL on:  {cli['wall_on']:.2f} s wall, {cli['cpu_on']:.2f} s CPU")
    rate = 1000 / cli["per_ds_ms"] if cli["per_ds_ms"] > 0 else float("inf")
    print(f"   SHACL: {cli['per_ds_ms']:.2f} ms CPU per dataset = {rate:.0f} datasets/s per core")
    print()
    print(
        f"{'2./3. same pages, check_page':34s} {'datasets':>8s} {'pyshacl ds/s':>13s} "
        f"{'compiled ds/s':>14s} {'ratio':>6s}"
    )
    rows = (("synthetic (2 pages of 100)", synthetic), ("shared corpus (real files)", corpus))
    for name, row in rows:
        n = row["datasets"]
        ref, fast = n / row["pyshacl"], n / row["auto"]
        print(f"{name:34s} {n:8.0f} {ref:13.0f} {fast:14.0f} {fast / ref:5.1f}x")
    print("verdicts of both engines identical on every page (checked)")


if __name__ == "__main__":
    main()
