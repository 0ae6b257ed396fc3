"""SHACL benchmark: what DCAT-AP validation adds to reading a catalogue page.

``python -m bench.shacl.run [--repeat R]`` parses each page once without SHACL and once
with it (``parse_dcat(..., shacl=N)``: one pyshacl call over the page's dataset
descriptions) and prints the best of R timings of each, for:

- the sandbox's regional catalogue (34 datasets), as the observe flow reads it (pages of
  10, JSON-LD through the fast reader) and as one page of 34;
- every file of the shared corpus (``../shared/corpus/dcat``);
- a synthetic 100-dataset page of the harvest benchmark (3 distributions per dataset).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from observatory.harvest.dcat import parse_dcat
from observatory.model import HarvestPage
from observatory.scoring.shacl import load_shapes
from tests.corpus import CORPUS

Parse = Callable[[int], HarvestPage]


def best(fn: Parse, shacl: int, repeat: int) -> tuple[float, HarvestPage]:
    times, page = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        page = fn(shacl)
        times.append(time.perf_counter() - started)
    assert page is not None
    return min(times), page


def row(name: str, fn: Parse, repeat: int) -> tuple[int, float, float]:
    plain, _ = best(fn, 0, repeat)
    checked, page = best(fn, 10_000, repeat)
    n = len(page.datasets)
    added = checked - plain
    per = 1000 * added / n if n else 0.0
    print(f"{name:42s} {n:5d} {plain * 1000:9.0f} {checked * 1000:9.0f} {per:8.1f}")
    return n, plain, checked


def sandbox_pages(repeat: int) -> list[tuple[int, float, float]]:
    from observatory.net.fetch import HttpSettings, fetch, parse_networks
    from observatory.sandbox.server import Sandbox

    out = []
    with Sandbox(port=0).start() as portal:
        http = HttpSettings(allowed=tuple(parse_networks(["127.0.0.0/8"])))
        base = portal.url("catalogue", "/catalogue/catalog.jsonld")
        for size, pages in ((10, 4), (34, 1)):
            for number in range(1, pages + 1):
                url = f"{base}?page={number}&page_size={size}"
                body = fetch(url, http).content

                def parse(shacl: int, body: bytes = body, url: str = url) -> HarvestPage:
                    return parse_dcat(body, "application/ld+json", url, "aura", shacl=shacl)

                out.append(row(f"sandbox régional p{number} ({size}/page)", parse, repeat))
    return out


def corpus_files(repeat: int) -> list[tuple[int, float, float]]:
    out = []
    for path in sorted((CORPUS / "dcat").iterdir()):
        content = path.read_bytes()

        def parse(shacl: int, content: bytes = content) -> HarvestPage:
            return parse_dcat(content, None, "https://catalogue.test/", "c", shacl=shacl)

        out.append(row(path.name, parse, repeat))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load_shapes()
    print(f"{'page':42s} {'ds':>5s} {'parse ms':>9s} {'+shacl ms':>9s} {'ms/ds':>8s}")
    totals = {"sandbox": sandbox_pages(args.repeat), "corpus": corpus_files(args.repeat)}
    from bench.harvest.server import page_ttl

    body = page_ttl(1, 100, "http://bench.test/catalog").encode()

    def synthetic(shacl: int) -> HarvestPage:
        return parse_dcat(body, "text/turtle", "http://bench.test/catalog", "b", shacl=shacl)

    totals["synthetic"] = [row("bench page (100 ds, 300 distributions)", synthetic, args.repeat)]
    for name, rows in totals.items():
        n = sum(r[0] for r in rows)
        plain, checked = sum(r[1] for r in rows), sum(r[2] for r in rows)
        print(
            f"total {name:10s}: {n} datasets, parse {plain:.2f} s, with SHACL {checked:.2f} s "
            f"(+{1000 * (checked - plain) / max(n, 1):.1f} ms per dataset)"
        )


if __name__ == "__main__":
    main()
