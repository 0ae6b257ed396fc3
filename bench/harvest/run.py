"""Harvest benchmark: a synthetic DCAT-AP catalogue on loopback, harvested into SQLite.

``python -m bench.harvest.run [--datasets N] [--workers W]`` serves N datasets (3
distributions each) in pages of 100 from a separate process, as JSON-LD (data.gouv.fr's
catalog.jsonld shape, read by the fast JSON-LD path) and as Turtle (read by rdflib), then
measures, each in its own subprocess so that peak RSS (ru_maxrss) belongs to one phase:

- ``bare``: fetch every page and parse it with rdflib, nothing else (the reference);
- ``harvest``: the observatory's path end to end (guarded fetch, format detection,
  parse, normalisation to the model, ``Store.save_catalogue`` every 10 pages), pages
  read ahead by ``PagePrefetcher`` in W worker processes while the main one stores.

JSON-LD runs at 10,000 datasets and at N (default 50,000) to show whether RSS grows with
the number of pages; Turtle at 10,000 (``--turtle-datasets``). A table with datasets/s,
peak RSS and ratios is printed; the peak RSS of a harvest phase includes its workers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harvest.server import PAGE_SIZE

BATCH_PAGES = 10
SMALL = 10_000


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """CPU time of this process and its finished workers: a figure the machine's load spares."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _bare_parse(body: bytes, url: str) -> object:
    """rdflib alone; udata's context URL replaced by its local copy (rdflib would fetch it)."""
    from rdflib import Graph

    if url.split("?")[0].endswith(".jsonld"):
        from observatory.harvest.rdf_parse import known_context

        document = json.loads(body)
        document["@context"] = known_context(document["@context"])
        return Graph().parse(data=json.dumps(document), format="json-ld", base=url)
    return Graph().parse(data=body, format="turtle", publicID=url)


def phase_bare(url: str) -> dict[str, float]:
    import requests
    from rdflib import URIRef
    from rdflib.namespace import DCAT, RDF

    hydra_next = URIRef("http://www.w3.org/ns/hydra/core#next")
    datasets = pages = 0
    start = time.perf_counter()
    with requests.Session() as session:
        next_url: str | None = url
        while next_url:
            body = session.get(next_url, timeout=30).content
            graph: Any = _bare_parse(body, next_url)
            datasets += len(set(graph.subjects(RDF.type, DCAT.Dataset)))
            found = list(graph.objects(None, hydra_next))
            next_url = str(found[0]) if found else None
            pages += 1
    return {"seconds": time.perf_counter() - start, "datasets": datasets, "pages": pages}


def phase_harvest(url: str, total_pages: int, workers: int) -> dict[str, float]:
    from observatory.harvest.paging import absorb, walk_pages
    from observatory.harvest.prefetch import PagePrefetcher
    from observatory.model import Catalogue, CatalogueStatus
    from observatory.net.fetch import HttpSettings
    from observatory.net.guard import parse_networks
    from observatory.storage.store import Store

    http = HttpSettings(allowed=tuple(parse_networks(["127.0.0.0/8"])), read_timeout=60)
    datasets = distributions = errors = 0
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.db")
        run_id = store.start_run(kind="bench")
        start = time.perf_counter()
        prefetcher = PagePrefetcher("bench", http, workers=workers)
        pages = walk_pages(url, prefetcher, total_pages + 1, "bench")
        batch: list = []
        number = 0

        def flush() -> None:
            nonlocal number, datasets, distributions, errors
            part = Catalogue(id=f"bench-{number:04d}", name="bench", kind="dcat", url=url)
            absorb(part, batch)
            status = CatalogueStatus(
                id=part.id,
                name=part.name,
                kind="dcat",
                url=url,
                ok=not part.errors,
                dataset_count=len(part.datasets),
                errors=part.errors,
            )
            store.save_catalogue(run_id, part, status)
            datasets += len(part.datasets)
            distributions += sum(len(d.distributions) for d in part.datasets)
            errors += len(part.errors)
            number += 1
            batch.clear()

        for page in pages:
            batch.append(page)
            if len(batch) == BATCH_PAGES:
                flush()
        if batch:
            flush()
        seconds = time.perf_counter() - start
        store.finish_run(run_id, "ok", {})
        store.close()
        prefetcher.close()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "workers_peak_mb": children,
        "seconds": seconds,
        "datasets": datasets,
        "distributions": distributions,
        "errors": errors,
        "batches": number,
    }


def _in_subprocess(phase: str, url: str, pages: int, workers: int) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.harvest.run", "--phase", phase, "--url", url]
    command += ["--pages", str(pages), "--workers", str(workers)]
    out = subprocess.run(
        command, check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2]
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _serve(datasets: int, suffix: str) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.harvest.server", str(datasets)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert server.stdout is not None
    port = int(server.stdout.readline())
    return server, f"http://127.0.0.1:{port}/catalog.{suffix}?page=1"


def measure(datasets: int, suffix: str, workers: int) -> dict[str, dict[str, float]]:
    server, url = _serve(datasets, suffix)
    pages = -(-datasets // PAGE_SIZE)
    try:
        return {p: _in_subprocess(p, url, pages, workers) for p in ("bare", "harvest")}
    finally:
        server.terminate()
        server.wait()


def table(results: dict[tuple[str, int], dict[str, dict[str, float]]]) -> str:
    rows = [
        f"{'format':<7} {'datasets':>9} {'phase':<8} {'seconds':>8} {'datasets/s':>11} "
        f"{'peak RSS MB':>12} {'workers MB':>11} {'speed vs bare':>14} {'datasets/cpu-s':>14}"
    ]
    for (fmt, size), phases in results.items():
        bare_rate = phases["bare"]["datasets"] / phases["bare"]["seconds"]
        for name, r in phases.items():
            rate = r["datasets"] / r["seconds"]
            workers = f"{r['workers_peak_mb']:>11.0f}" if "workers_peak_mb" in r else " " * 11
            per_cpu = r["datasets"] / r["cpu_seconds"] if r.get("cpu_seconds") else 0.0
            rows.append(
                f"{fmt:<7} {size:>9,} {name:<8} {r['seconds']:>8.1f} {rate:>11,.0f} "
                f"{r['peak_mb']:>12.0f} {workers} {rate / bare_rate:>13.2f}x {per_cpu:>13,.0f}"
            )
    sizes = sorted(size for fmt, size in results if fmt == "jsonld")
    if len(sizes) == 2:
        small, large = (results[("jsonld", s)]["harvest"]["peak_mb"] for s in sizes)
        rows.append(
            f"jsonld harvest peak RSS growth {sizes[0]:,} -> {sizes[1]:,}: {large / small:.2f}x"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=50_000)
    parser.add_argument("--turtle-datasets", type=int, default=SMALL)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--phase", choices=["bare", "harvest"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--pages", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = (
            phase_bare(args.url)
            if args.phase == "bare"
            else phase_harvest(args.url, args.pages, args.workers)
        )
        print(json.dumps(result | {"peak_mb": _peak_mb(), "cpu_seconds": _cpu_seconds()}))
        return
    runs = [("jsonld", s) for s in sorted({min(SMALL, args.datasets), args.datasets})]
    if args.turtle_datasets:
        runs.append(("ttl", args.turtle_datasets))
    results = {}
    for fmt, size in runs:
        results[(fmt, size)] = measure(size, fmt, args.workers)
        print(f"{fmt} {size:,}: {json.dumps(results[(fmt, size)])}", file=sys.stderr, flush=True)
    print(table(results))
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
