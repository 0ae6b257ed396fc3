"""data.gouv.fr-scale benchmark through the production entry points: a synthetic portal of
N datasets (5 resources each by default, every one a file to probe) over H loopback hosts;
``observatory run`` (the Prefect flow, SHACL as ``datasets.yml`` ships it) then
``observatory report``, on SQLite and on PostgreSQL; then an unchanged re-run within the
hour and an unchanged re-run the next day (simulated clock: ``observatory run --now``);
then ``observatory report`` of the last run, and once more with nothing changed.

    .venv/bin/python bench/scale/run.py                   # 50,000 datasets, 2,000 hosts
    .venv/bin/python bench/scale/run.py --datasets 5000 --hosts 500 --backends sqlite

Every measured command is printed as it was run. Prints and writes (``--out``, default
``bench/scale/results-<N>.json``) wall time and peak RSS of each command (its process
tree's largest process, and the peak of the RSS summed over the whole tree: the
publication's helper process and search indexer count), store size and growth, the run's
per-phase timings, the probe schedule's counts (files due, asked, not modified) and the
load average around it.
``--prefect-server`` runs one Prefect server for all runs, as production does (otherwise
each run starts Prefect's temporary server, about 8 s here). Targets (issue 11): first
observe including publishing <= 10 min and <= 1 GB at 50,000 datasets; unchanged re-run
within the hour >= 10x faster; the next day >= 3x faster; store growth <= 20 MB per
unchanged run; publishing <= 2 min and <= 1 GB, largest page <= 1 MB, a re-publish with
nothing changed <= 20 s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.probe.server import Farm  # noqa: E402
from bench.scale.portal import Portal  # noqa: E402

PG_URL = os.environ.get(
    "OBSERVATORY_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
#: Runs the command; its wall time, the peak RSS of its largest process (the kernel's
#: count) and the peak of the RSS summed over its whole process tree (sampled every 0.1 s:
#: the publication's helper process and the search indexer included).
CHILD = """
import json, resource, subprocess, sys, threading, time
import psutil
t = time.monotonic()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
peak = [0]
def tree_rss():
    while child.poll() is None:
        total = 0
        try:
            root = psutil.Process(child.pid)
            for p in [root, *root.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak[0] = max(peak[0], total)
        time.sleep(0.1)
sampler = threading.Thread(target=tree_rss, daemon=True)
sampler.start()
stdout, stderr = child.communicate()
sampler.join()
print("RESULT " + json.dumps({"wall_s": time.monotonic() - t, "code": child.returncode,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "peak_tree_rss_mb": peak[0] / 2**20, "stdout": stdout, "stderr": stderr[-4000:]}))
"""
OBSERVATORY = str(Path(sys.executable).with_name("observatory"))


def spdr_entries() -> list[dict[str, Any]]:
    data = yaml.safe_load((ROOT / "datasets.yml").read_text(encoding="utf-8"))
    return [{k: v for k, v in e.items() if k != "apis"} for e in data["spdr"]]


def write_config(
    tmp: Path, portal: str, db_url: str, n: int, reprobe_after: float | None = None
) -> Path:
    config: dict[str, Any] = {
        "portal": {"id": "bench-portal", "name": "Portail synthétique", "url": portal},
        "settings": {
            "allowed_networks": ["127.0.0.0/8"],
            "timeouts": {"connect": 5, "read": 20, "total": 60},
            "max_pages": n // 100 + 10,
            "page_size": 100,
            "per_host_concurrency": 4,
        },
        "spdr": spdr_entries(),
        "catalogues": [
            {
                "id": "bench",
                "name": "Catalogue synthétique",
                "kind": "udata",
                "url": f"{portal}/api/1/datasets/?page_size=100",
                "max_pages": n // 100 + 10,
            }
        ],
        "database_url": db_url,
        "reports_dir": str(tmp / "reports"),
    }
    if reprobe_after is not None:
        config["settings"]["reprobe_after"] = reprobe_after
    path = tmp / "datasets.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


PREFECT_ENV: dict[str, str] = {}  # PREFECT_API_URL when --prefect-server runs one


@contextlib.contextmanager
def prefect_server(enabled: bool) -> Iterator[None]:
    """With ``enabled``, one Prefect server for every observe (as in production): no
    temporary server started by each run. Without, each run starts its own."""
    if not enabled:
        yield
        return
    port = _free_port()
    home = tempfile.mkdtemp(prefix="prefect-home-")
    env = dict(os.environ, PREFECT_HOME=home, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
        + ["--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        _wait_healthy(api, server)
        PREFECT_ENV.update(PREFECT_API_URL=api, PREFECT_HOME=home)
        yield
    finally:
        PREFECT_ENV.clear()
        server.terminate()
        server.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(api: str, server: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the Prefect server stopped")
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the Prefect server did not answer")


def measure(command: list[str]) -> dict[str, Any]:
    """Run one CLI command in its own process tree; wall time and its peak RSS."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PREFECT_LOGGING_LEVEL="WARNING")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.update(PREFECT_ENV)
    print("$ " + " ".join(command), flush=True)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"measuring failed:\n{out.stderr[-4000:]}")
    found = json.loads(line[7:])
    if found["code"] not in (0, 1):
        raise RuntimeError(f"{command[1]} failed ({found['code']}):\n{found['stderr']}")
    found["command"] = " ".join(command)
    return found


def run_observe(config: Path, now: str | None = None) -> dict[str, Any]:
    """``observatory run`` (the production job, through the Prefect flow), not publishing:
    publishing is measured by ``observatory report`` right after."""
    command = [OBSERVATORY, "run", "--config", str(config), "--json", "--no-publish"]
    found = measure(command + (["--now", now] if now else []))
    stdout = found.pop("stdout")
    try:
        result = json.loads(stdout)
    except ValueError as exc:
        raise RuntimeError(f"no JSON summary ({exc}): {stdout[:300]!r} {found['stderr']}") from exc
    return found | {"run_id": result["run_id"], "summary": result["summary"]}


def run_report(config: Path) -> dict[str, Any]:
    """``observatory report``: its result (files written, unchanged, up to date) and the
    site's size, largest page and largest file."""
    found = measure([OBSERVATORY, "report", "--config", str(config), "--json"])
    stdout = found.pop("stdout")
    try:
        found["publication"] = json.loads(stdout)
    except ValueError as exc:
        raise RuntimeError(f"no JSON result ({exc}): {stdout[:300]!r} {found['stderr']}") from exc
    return found | site_sizes(config.parent / "reports")


def site_sizes(root: Path) -> dict[str, Any]:
    files = [(p.stat().st_size, str(p.relative_to(root))) for p in root.rglob("*") if p.is_file()]
    pages = [f for f in files if f[1].endswith(".html")]
    return {
        "site_files": len(files),
        "site_mb": round(sum(size for size, _ in files) / 2**20, 1),
        "largest_page": max(pages, default=None),
        "largest_file": max(files, default=None),
    }


def store_size(db_url: str, tmp: Path) -> int:
    if db_url.startswith("sqlite"):
        return sum(p.stat().st_size for p in tmp.glob("store.db*"))
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        size = conn.execute(
            text(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )
        ).scalar_one()
    engine.dispose()
    return int(size)


def table_sizes(db_url: str) -> dict[str, int]:
    """Bytes per table and per index (a PostgreSQL table with its TOAST; SQLite: pages,
    ``dbstat``)."""
    from sqlalchemy import create_engine, text

    if db_url.startswith("sqlite"):
        query = "SELECT name, sum(pgsize) FROM dbstat GROUP BY name"
    else:
        query = (
            "SELECT c.relname, CASE WHEN c.relkind = 'r' THEN pg_table_size(c.oid) "
            "ELSE pg_relation_size(c.oid) END FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')"
        )
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return {name: int(size) for name, size in conn.execute(text(query))}
    finally:
        engine.dispose()


def growth_by_table(
    before: dict[str, int], after: dict[str, int], top: int = 8
) -> dict[str, float]:
    """The tables and indexes that grew most (MB), largest first."""
    grew = sorted(((after[k] - before.get(k, 0), k) for k in after), reverse=True)
    return {k: round(d / 2**20, 2) for d, k in grew[:top] if d > 0}


def pg_schema_url() -> tuple[str, Any]:
    from sqlalchemy import create_engine, text

    schema = f"obs_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}", drop


def host_load(farm: Farm) -> dict[str, int]:
    """What the busiest file host saw: requests in one second, requests at once."""
    stats = farm.stats().values()
    return {
        "max_requests_per_second": max((s["max_per_second"] for s in stats), default=0),
        "max_concurrent": max((s["max_current"] for s in stats), default=0),
    }


@contextlib.contextmanager
def portal_store(
    backend: str, args: argparse.Namespace, farm: Farm
) -> Iterator[tuple[Path, str, Portal]]:
    """The synthetic portal of ``args`` and an empty store on ``backend``, in a temporary
    folder: (folder, store URL, portal). The PostgreSQL schema is dropped at the end."""
    spdr_ids = [e["id"] for e in spdr_entries()]
    with (
        tempfile.TemporaryDirectory() as tmp_name,
        Portal(args.datasets, args.resources, farm.bases(), spdr_ids) as portal,
    ):
        tmp = Path(tmp_name)
        drop = None
        if backend == "sqlite":
            db_url = f"sqlite:///{tmp / 'store.db'}"
        else:
            db_url, drop = pg_schema_url()
        try:
            yield tmp, db_url, portal
        finally:
            if drop:
                drop()


def bench_backend(backend: str, args: argparse.Namespace, farm: Farm) -> dict[str, Any]:
    with portal_store(backend, args, farm) as (tmp, db_url, portal):
        config = write_config(tmp, portal.url, db_url, args.datasets, args.reprobe_after)
        out: dict[str, Any] = {"backend": backend}
        size, tables = 0.0, {}
        labels = ["first", "unchanged", "next_day"]
        labels += [] if args.skip_report else ["report", "republish"]
        for label in labels:
            farm.reset()
            load = os.getloadavg()[0]
            if label in ("report", "republish"):  # republish: the same run, nothing changed
                result = run_report(config)
            else:
                now = None
                if label == "next_day":
                    start = datetime.fromisoformat(out["first"]["summary"]["clock"])
                    now = (start + timedelta(days=1)).isoformat()
                result = run_observe(config, now)
            # other work on the machine skews wall times: the load averages say how much
            result["load_1min"] = [round(load, 2), round(os.getloadavg()[0], 2)]
            result["hosts"] = host_load(farm)
            result["store_mb"] = round(store_size(db_url, tmp) / 2**20, 1)
            result["store_growth_mb"] = round(result["store_mb"] - size, 1)
            size, before = result["store_mb"], tables
            tables = table_sizes(db_url)
            result["growth_by_table_mb"] = growth_by_table(before, tables)
            out[label] = result
            _print_step(backend, label, result)
        if "report" in out:
            first = out["first"]["wall_s"] + out["report"]["wall_s"]
            out["first_with_publishing_s"] = round(first, 1)
        out["speedup"] = round(out["first"]["wall_s"] / out["unchanged"]["wall_s"], 2)
        out["speedup_next_day"] = round(out["first"]["wall_s"] / out["next_day"]["wall_s"], 2)
        return out


def _print_step(backend: str, label: str, result: dict[str, Any]) -> None:
    s = result.get("summary") or {}
    if "publication" in result:
        site = {k: result[k] for k in ("site_files", "site_mb", "largest_page", "largest_file")}
        print(
            f"[{backend}] {label}: {result['wall_s']:.1f} s, "
            f"peak RSS {result['peak_rss_mb']:.0f} MB "
            f"(tree {result['peak_tree_rss_mb']:.0f} MB), load {result['load_1min']}, "
            f"{result['publication']}, site {site}",
            flush=True,
        )
        return
    print(
        f"[{backend}] {label}: {result['wall_s']:.1f} s, "
        f"peak RSS {result['peak_rss_mb']:.0f} MB (tree {result['peak_tree_rss_mb']:.0f} MB), "
        f"store {result['store_mb']} MB "
        f"(+{result['store_growth_mb']}: {result['growth_by_table_mb']}), "
        f"load {result['load_1min']}, "
        f"busiest host {result['hosts']}, "
        f"{s.get('datasets')} datasets, schedule {s.get('schedule')}, "
        f"incremental {s.get('incremental')}, timings {s.get('timings')}",
        flush=True,
    )


def portal_arguments(description: str, backends: str) -> argparse.ArgumentParser:
    """The synthetic portal's size and the backends, shared by the benchmarks using it."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--datasets", type=int, default=50_000)
    parser.add_argument("--resources", type=int, default=5, help="resources per dataset")
    parser.add_argument("--hosts", type=int, default=2_000)
    parser.add_argument("--processes", type=int, default=3, help="file-host server processes")
    parser.add_argument("--backends", default=backends)
    return parser


def timed(main: Any) -> None:
    """Run ``main``, print the total time, exit with its code."""
    t0 = time.monotonic()
    code = main()
    print(f"total {time.monotonic() - t0:.0f} s")
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> int:
    parser = portal_arguments(__doc__.splitlines()[0], "sqlite,postgresql")
    parser.add_argument("--reprobe-after", type=float, default=None, help="seconds (0: all)")
    parser.add_argument(
        "--skip-report", action="store_true", help="measure observe runs only (no publishing)"
    )
    parser.add_argument(
        "--prefect-server",
        action="store_true",
        help="run one Prefect server for all observes (production-like) instead of a "
        "temporary one per run",
    )
    parser.add_argument("--out", default=None, help="default bench/scale/results-<N>.json")
    args = parser.parse_args(argv)
    out = Path(args.out or ROOT / "bench" / "scale" / f"results-{args.datasets}.json")
    results = {"datasets": args.datasets, "resources": args.datasets * args.resources}
    results["hosts"] = args.hosts
    results["prefect"] = "server" if args.prefect_server else "temporary server per run"
    with (
        prefect_server(args.prefect_server),
        Farm(args.hosts, processes=args.processes, delay=0.0, lifetime=7200) as farm,
    ):
        results["runs"] = [bench_backend(b, args, farm) for b in args.backends.split(",")]
    out.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    for r in results["runs"]:
        print(
            f"{r['backend']}: first observe + publishing {r.get('first_with_publishing_s')} s, "
            f"unchanged re-run {r['speedup']}x faster, next day {r['speedup_next_day']}x"
        )
    return 0


if __name__ == "__main__":
    timed(main)
