"""Search index at data.gouv.fr scale: build time and peak memory of the Pagefind index.

    .venv/bin/python bench/search/run.py                    # 50,000 datasets
    .venv/bin/python bench/search/run.py --datasets 5000 --site

Indexes the records of N synthetic datasets (plus their 500 organisations, one catalogue
and the themes) through ``observatory.publish.search`` and prints wall time, the peak RSS of
this process and of the Pagefind indexer (its child), and the size of the written index.
``--site`` times the whole site writer (``publish_site``) instead of the index alone.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from observatory.publish import ecosphere, pages, search  # noqa: E402
from observatory.publish.site import publish_site  # noqa: E402
from observatory.publish.views import SiteData  # noqa: E402
from tests.publish.many import many_snapshot  # noqa: E402


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=50_000)
    parser.add_argument("--site", action="store_true", help="time the whole publish_site")
    args = parser.parse_args()
    snapshot = many_snapshot(args.datasets)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        start = time.monotonic()
        if args.site:
            publish_site(root, snapshot, None, [snapshot.run], spdr=[])
        else:
            root.mkdir()
            data = SiteData(snapshot, None)
            groups = ecosphere.by_group(data.rows(snapshot.datasets))
            records = search.site_records(data, pages.organisations(data), groups)
            print(f"records ready in {time.monotonic() - start:.1f} s")
            search.write_index(root, records)
        wall = time.monotonic() - start
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        what = "publish_site" if args.site else "search index"
        print(f"{what}, {args.datasets} datasets: {wall:.1f} s")
        print(f"peak RSS: python {own:.0f} MB, pagefind indexer {child:.0f} MB")
        print(f"index size: {_size_mb(root / search.FOLDER):.1f} MB")


if __name__ == "__main__":
    main()
