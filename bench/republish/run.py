"""Re-publishing cost on the synthetic portal of ``bench/scale``: one ``observatory run``
(not publishing), then ``observatory report`` three times: the full first publication,
the same publication again (nothing changed: the site is found up to date), and
``--force`` (everything rendered, only the files whose bytes differ replaced).

    .venv/bin/python bench/republish/run.py --datasets 10000 --hosts 500
    .venv/bin/python bench/republish/run.py --datasets 50000 --backends sqlite,postgresql

Every measured command is printed as it was run, with its wall time, peak RSS and what the
publication did (files written, unchanged, removed). Target (issue 11): a re-publish with
nothing changed in <= 20 s at 50,000 datasets.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.probe.server import Farm  # noqa: E402
from bench.scale.run import (  # noqa: E402
    OBSERVATORY,
    measure,
    portal_arguments,
    portal_store,
    run_observe,
    timed,
    write_config,
)


def report(config: Path, *extra: str) -> dict[str, Any]:
    found = measure([OBSERVATORY, "report", "--config", str(config), "--json", *extra])
    published = json.loads(found.pop("stdout"))
    keep = ("up_to_date", "written", "unchanged", "removed")
    return found | {k: published[k] for k in keep}


def bench_backend(backend: str, args: argparse.Namespace, farm: Farm) -> dict[str, Any]:
    with portal_store(backend, args, farm) as (tmp, db_url, portal):
        config = write_config(tmp, portal.url, db_url, args.datasets)
        observed = run_observe(config)
        out: dict[str, Any] = {"backend": backend, "observe_s": observed["wall_s"]}
        for label, extra in (("full", ()), ("unchanged", ()), ("force", ("--force",))):
            result = report(config, *extra)
            out[label] = result
            print(
                f"[{backend}] report {label}: {result['wall_s']:.1f} s, peak RSS "
                f"{result['peak_rss_mb']:.0f} MB, up to date {result['up_to_date']}, "
                f"written {result['written']}, unchanged {result['unchanged']}, "
                f"removed {result['removed']}",
                flush=True,
            )
        return out


def main(argv: list[str] | None = None) -> int:
    args = portal_arguments(__doc__.splitlines()[0], "sqlite").parse_args(argv)
    with Farm(args.hosts, processes=args.processes, delay=0.0, lifetime=7200) as farm:
        runs = [bench_backend(b, args, farm) for b in args.backends.split(",")]
    print(json.dumps(runs, indent=1, default=str))
    return 0


if __name__ == "__main__":
    timed(main)
