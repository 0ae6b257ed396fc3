"""Profile the scale benchmark's observe runs: cProfile of the flow process, per run.

    .venv/bin/python bench/scale/profile.py --datasets 5000 --hosts 500 --out /tmp/prof

Starts the file farm and the synthetic portal like ``bench/scale/run.py``, then runs
``observe`` twice (first, unchanged) on SQLite (or ``--backend postgresql``), each in its own
process under cProfile; writes ``<out>/<label>.pstats`` and prints the top functions by
cumulative time and the phase timings the run summary reports.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.probe.server import Farm  # noqa: E402
from bench.scale.portal import Portal  # noqa: E402
from bench.scale.run import pg_schema_url, spdr_entries, write_config  # noqa: E402

CHILD = """
import cProfile, json, resource, sys, time
from flows.observe import observe
t = time.monotonic()
prof = cProfile.Profile()
r = prof.runcall(observe, sys.argv[1], publish_site=False, now=sys.argv[3] or None)
prof.dump_stats(sys.argv[2])
print("RESULT " + json.dumps({"wall_s": time.monotonic() - t,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "summary": r["summary"]}, default=str))
"""


def run(config: Path, stats_path: Path, now: str | None = None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PREFECT_LOGGING_LEVEL="WARNING")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(config), str(stats_path), now or ""],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(out.stderr[-4000:])
    return json.loads(line[7:])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", type=int, default=5000)
    parser.add_argument("--resources", type=int, default=5)
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--runs", default="first,unchanged", help="of first,unchanged,next_day")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--out", default="/tmp/observatory-profile")
    parser.add_argument("--store", help="SQLite file to keep the store in (default: temporary)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    spdr_ids = [e["id"] for e in spdr_entries()]
    with (
        Farm(args.hosts, processes=3, delay=0.0, lifetime=7200) as farm,
        tempfile.TemporaryDirectory() as tmp_name,
        Portal(args.datasets, args.resources, farm.bases(), spdr_ids) as portal,
    ):
        tmp = Path(tmp_name)
        drop = None
        if args.backend == "sqlite":
            db_url = f"sqlite:///{Path(args.store).resolve() if args.store else tmp / 'store.db'}"
        else:
            db_url, drop = pg_schema_url()
        try:
            config = write_config(tmp, portal.url, db_url, args.datasets)
            clock = None
            for label in args.runs.split(","):
                path = out / f"{args.backend}-{label}.pstats"
                now = None
                if label == "next_day":  # the first run's clock plus a day, as run.py does
                    now = (datetime.fromisoformat(clock) + timedelta(days=1)).isoformat()
                result = run(config, path, now)
                s = result["summary"]
                clock = clock or s["clock"]
                print(f"== {label}: {result['wall_s']:.1f} s, {result['peak_rss_mb']:.0f} MB")
                print("   incremental", json.dumps(s.get("incremental")))
                print("   timings", json.dumps(s.get("timings")))
                stats = pstats.Stats(str(path))
                stats.sort_stats("cumulative").print_stats(args.top)
        finally:
            if drop:
                drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
