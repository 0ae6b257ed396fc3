"""Harvest benchmark: ``observatory harvest`` end to end, per RDF serialisation.

``python -m bench.harvest.run [--datasets N] [--small S] [--formats jsonld,ttl,rdf]``
serves a synthetic data.gouv.fr-like DCAT-AP catalogue (100 datasets of 3 distributions
per page, hydra paging) on loopback from a separate process, in JSON-LD (data.gouv.fr's
catalog.jsonld shape, udata's context URL), Turtle and RDF/XML, and measures, each in
its own subprocess so that peak RSS belongs to one phase:

- ``rdflib``: the reference — fetch every page and parse it with rdflib, nothing else;
- ``harvest``: the production entry point, the command printed below: ``observatory
  harvest URL --json`` with ``datasets.yml`` as shipped (loopback allowed through
  ``OBSERVATORY_ALLOWED_NETWORKS``): guarded fetch, kind detection, parse (pyoxigraph),
  normalisation, the DCAT-AP SHACL check of every page (``settings.shacl``), one JSON
  line per dataset streamed out page by page;
- ``no-shacl``: the same command with ``settings.shacl: false`` (``--config``): the
  harvest alone, the figure issue 13 sets at 2,000 datasets/s.

Each format runs at S (default 10,000) and N (default 50,000) datasets: flat memory means
the same peak RSS at both. rdflib runs at S only (it is the slow one); the ratio is taken
at S. ``datasets/cpu-s`` divides by the CPU time of the measured process (the CLI and
its page-reading worker processes, watched with psutil: ``bench/tree.py``), a figure a
loaded machine spares better than wall time. ``peak RSS MB`` is the largest process of
the command's tree, ``tree RSS MB`` the largest sum over the tree at one instant. SHACL's own
throughput per dataset is measured by ``bench/shacl``. The table gives medians when
``--repeat`` > 1, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.harvest.server import PAGE_SIZE
from bench.tree import TreeWatch

ROOT = Path(__file__).resolve().parents[2]
COMMAND = "observatory harvest {url} --json"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _bare_parse(body: bytes, url: str, suffix: str) -> Any:
    """rdflib alone; udata's context URL replaced by its local copy (rdflib would fetch it)."""
    from rdflib import Graph

    if suffix == "jsonld":
        from observatory.harvest.rdf_parse import known_context

        document = json.loads(body)
        document["@context"] = known_context(document["@context"])
        return Graph().parse(data=json.dumps(document), format="json-ld", base=url)
    fmt = "turtle" if suffix == "ttl" else "xml"
    return Graph().parse(data=body, format=fmt, publicID=url)


def phase_rdflib(url: str) -> dict[str, float]:
    import requests
    from rdflib import URIRef
    from rdflib.namespace import DCAT, RDF

    hydra_next = URIRef("http://www.w3.org/ns/hydra/core#next")
    suffix = url.split("?")[0].rsplit(".", 1)[1]
    datasets = 0
    start = time.perf_counter()
    with requests.Session() as session:
        next_url: str | None = url
        while next_url:
            body = session.get(next_url, timeout=60).content
            graph = _bare_parse(body, next_url, suffix)
            datasets += len(set(graph.subjects(RDF.type, DCAT.Dataset)))
            found = list(graph.objects(None, hydra_next))
            next_url = str(found[0]) if found else None
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "seconds": time.perf_counter() - start,
        "datasets": datasets,
        "peak_mb": _peak_mb(),
        "cpu": own.ru_utime + own.ru_stime,
    }


def _config_without_shacl() -> Path:
    """datasets.yml as shipped, SHACL off: the harvest alone (bench/shacl measures SHACL)."""
    import tempfile

    import yaml

    config = yaml.safe_load((ROOT / "datasets.yml").read_text(encoding="utf-8"))
    config.setdefault("settings", {})["shacl"] = False
    path = Path(tempfile.mkdtemp(prefix="bench-harvest-")) / "datasets.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def phase_harvest(url: str, shacl: bool = True) -> dict[str, float]:
    """The CLI in a child process; its lines counted as they stream; its peak RSS."""
    env = os.environ | {"OBSERVATORY_ALLOWED_NETWORKS": "127.0.0.0/8"}
    command = [str(Path(sys.executable).with_name("observatory")), "harvest", url, "--json"]
    if not shacl:
        command += ["--config", str(_config_without_shacl())]
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert child.stdout is not None
    with TreeWatch(child.pid) as tree:  # the command and its page-reading processes
        datasets = sum(1 for _ in child.stdout)
        stderr = child.stderr.read().decode() if child.stderr else ""
        code = child.wait()
    seconds = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"{' '.join(command)} exited {code}: {stderr[-2000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # exact, for the command itself
    own = usage.ru_utime + usage.ru_stime
    others = tree.cpu_seconds - tree.cpu.get(child.pid, 0.0)
    return {
        "seconds": seconds,
        "datasets": datasets,
        "peak_mb": max(usage.ru_maxrss / 1024, tree.peak_process_mb),
        "tree_mb": tree.peak_total_mb,
        "processes": tree.processes,
        "cpu": own + others,
    }


def _in_subprocess(phase: str, url: str) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.harvest.run", "--phase", phase, "--url", url]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _serve(datasets: int, suffix: str) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "bench.harvest.server", str(datasets)]
    server = subprocess.Popen(
        command + (["rdf"] if suffix == "rdf" else []), stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert server.stdout is not None
    port = int(server.stdout.readline())
    return server, f"http://127.0.0.1:{port}/catalog.{suffix}?page=1"


def measure(datasets: int, suffix: str, phases: list[str], repeat: int) -> dict[str, Any]:
    server, url = _serve(datasets, suffix)
    try:
        out: dict[str, Any] = {"url": url}
        for phase in phases:
            runs = [_in_subprocess(phase, url) for _ in range(repeat)]
            out[phase] = {
                "seconds": statistics.median(r["seconds"] for r in runs),
                "cpu": statistics.median(r["cpu"] for r in runs),
                "datasets": runs[0]["datasets"],
                "peak_mb": max(r["peak_mb"] for r in runs),
                "tree_mb": max(r.get("tree_mb", r["peak_mb"]) for r in runs),
                "processes": max(r.get("processes", 1) for r in runs),
            }
        return out
    finally:
        server.terminate()
        server.wait()


def table(results: dict[tuple[str, int], dict[str, Any]], small: int) -> str:
    rows = [
        f"{'format':<7} {'datasets':>9} {'phase':<8} {'seconds':>8} {'datasets/s':>11} "
        f"{'peak RSS MB':>12} {'vs rdflib':>10} {'datasets/cpu-s':>15} {'vs rdflib':>10} "
        f"{'processes':>9} {'tree RSS MB':>12}"
    ]
    for (fmt, size), phases in results.items():
        reference = results[(fmt, small)].get("rdflib")
        ref_rate = reference["datasets"] / reference["seconds"] if reference else None
        ref_cpu = reference["datasets"] / reference["cpu"] if reference else None
        for name in ("rdflib", "harvest", "no-shacl"):
            if name not in phases:
                continue
            r = phases[name]
            rate = r["datasets"] / r["seconds"]
            ratio = f"{rate / ref_rate:>9.1f}x" if ref_rate else " " * 10
            per_cpu = r["datasets"] / r["cpu"]
            cpu_ratio = f"{per_cpu / ref_cpu:>9.1f}x" if ref_cpu else " " * 10
            rows.append(
                f"{fmt:<7} {size:>9,} {name:<8} {r['seconds']:>8.1f} {rate:>11,.0f} "
                f"{r['peak_mb']:>12.0f} {ratio} {per_cpu:>15,.0f} {cpu_ratio} "
                f"{r['processes']:>9} {r['tree_mb']:>12.0f}"
            )
    for fmt in dict.fromkeys(f for f, _ in results):
        sizes = sorted(s for f, s in results if f == fmt)
        if len(sizes) == 2:
            low, high = (results[(fmt, s)]["harvest"]["peak_mb"] for s in sizes)
            rows.append(
                f"{fmt} harvest peak RSS {sizes[0]:,} -> {sizes[1]:,} datasets: {high / low:.2f}x"
            )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--formats", default="jsonld,ttl,rdf")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--phase", choices=["rdflib", "harvest", "no-shacl"], help=argparse.SUPPRESS
    )
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        if args.phase == "rdflib":
            result = phase_rdflib(args.url)
        else:
            result = phase_harvest(args.url, shacl=args.phase == "harvest")
        print(json.dumps(result))
        return
    before = Path("/proc/loadavg").read_text().split()[:3]
    results: dict[tuple[str, int], dict[str, Any]] = {}
    for fmt in args.formats.split(","):
        for size in sorted({args.small, args.datasets}):
            phases = ["rdflib"] if size == args.small else []
            phases += ["harvest", "no-shacl"]
            results[(fmt, size)] = measure(size, fmt, phases, args.repeat)
            print(f"{fmt} {size:,}: {json.dumps(results[(fmt, size)])}", file=sys.stderr)
    print(table(results, args.small))
    print(
        f"measured: {COMMAND.format(url='http://127.0.0.1:PORT/catalog.{jsonld,ttl,rdf}?page=1')}"
    )
    print(
        f"pages of {PAGE_SIZE} datasets (3 distributions each); 'harvest': datasets.yml as "
        "shipped (SHACL on); 'no-shacl': the same with settings.shacl false (--config)"
    )
    after = Path("/proc/loadavg").read_text().split()[:3]
    print(
        f"load average before: {' '.join(before)}; after: {' '.join(after)}",
        f"({os.cpu_count()} cores)",
    )


if __name__ == "__main__":
    main()
