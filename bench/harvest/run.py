"""Harvest benchmark: a synthetic DCAT-AP catalogue on loopback, harvested into SQLite.

``python -m bench.harvest.run [--datasets N]`` serves N datasets (3 distributions each)
in Turtle pages of 100 from a separate process, then measures, each in its own
subprocess so that peak RSS (ru_maxrss) belongs to one phase only:

- ``bare``: fetch every page and parse it with rdflib, nothing else (the floor);
- ``harvest``: the observatory's path end to end (guarded fetch, format detection,
  parse, normalisation to the model, ``Store.save_catalogue`` every 10 pages).

Both run at 10,000 datasets and at N (default 50,000) to show whether RSS grows with
the number of pages. A table with datasets/s, peak RSS and ratios is printed.
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

from bench.harvest.server import PAGE_SIZE

BATCH_PAGES = 10
SMALL = 10_000


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_bare(url: str) -> dict[str, float]:
    import requests
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCAT, RDF

    hydra_next = URIRef("http://www.w3.org/ns/hydra/core#next")
    datasets = pages = 0
    start = time.perf_counter()
    with requests.Session() as session:
        next_url: str | None = url
        while next_url:
            body = session.get(next_url, timeout=30).content
            graph = Graph().parse(data=body, format="turtle", publicID=next_url)
            datasets += len(set(graph.subjects(RDF.type, DCAT.Dataset)))
            found = list(graph.objects(None, hydra_next))
            next_url = str(found[0]) if found else None
            pages += 1
    return {"seconds": time.perf_counter() - start, "datasets": datasets, "pages": pages}


def phase_harvest(url: str, total_pages: int) -> dict[str, float]:
    from observatory.harvest.dcat import fetch_dcat_page
    from observatory.harvest.paging import absorb, walk_pages
    from observatory.model import Catalogue, CatalogueStatus
    from observatory.net.fetch import HttpSettings, make_session
    from observatory.net.guard import parse_networks
    from observatory.storage.store import Store

    http = HttpSettings(allowed=tuple(parse_networks(["127.0.0.0/8"])), read_timeout=60)
    datasets = distributions = errors = 0
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.db")
        run_id = store.start_run(kind="bench")
        start = time.perf_counter()
        session = make_session(http)
        pages = walk_pages(
            url, lambda u: fetch_dcat_page(u, "bench", http, session), total_pages + 1, "bench"
        )
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
        session.close()
    return {
        "seconds": seconds,
        "datasets": datasets,
        "distributions": distributions,
        "errors": errors,
        "batches": number,
    }


def _in_subprocess(phase: str, url: str, pages: int) -> dict[str, float]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.harvest.run",
            "--phase",
            phase,
            "--url",
            url,
            "--pages",
            str(pages),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _serve(datasets: int) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.harvest.server", str(datasets)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert server.stdout is not None
    port = int(server.stdout.readline())
    return server, f"http://127.0.0.1:{port}/catalog.ttl?page=1"


def measure(datasets: int) -> dict[str, dict[str, float]]:
    server, url = _serve(datasets)
    pages = -(-datasets // PAGE_SIZE)
    try:
        return {phase: _in_subprocess(phase, url, pages) for phase in ("bare", "harvest")}
    finally:
        server.terminate()
        server.wait()


def table(results: dict[int, dict[str, dict[str, float]]]) -> str:
    rows = [
        f"{'datasets':>9} {'phase':<8} {'seconds':>8} {'datasets/s':>11} {'peak RSS MB':>12} "
        f"{'speed vs bare':>14}"
    ]
    for size, phases in results.items():
        bare_rate = phases["bare"]["datasets"] / phases["bare"]["seconds"]
        for name, r in phases.items():
            rate = r["datasets"] / r["seconds"]
            rows.append(
                f"{size:>9,} {name:<8} {r['seconds']:>8.1f} {rate:>11,.0f} "
                f"{r['peak_mb']:>12.0f} {rate / bare_rate:>13.2f}x"
            )
    sizes = sorted(results)
    if len(sizes) == 2:
        small, large = (results[s]["harvest"]["peak_mb"] for s in sizes)
        rows.append(f"harvest peak RSS growth {sizes[0]:,} -> {sizes[1]:,}: {large / small:.2f}x")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=50_000)
    parser.add_argument("--phase", choices=["bare", "harvest"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--pages", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = (
            phase_bare(args.url) if args.phase == "bare" else phase_harvest(args.url, args.pages)
        )
        print(json.dumps(result | {"peak_mb": _peak_mb()}))
        return
    results = {}
    for size in sorted({min(SMALL, args.datasets), args.datasets}):
        results[size] = measure(size)
        print(f"{size:,} datasets: {json.dumps(results[size])}", file=sys.stderr, flush=True)
    print(table(results))


if __name__ == "__main__":
    main()
