"""The site's static search: a Pagefind index of datasets, organisations, catalogues and themes.

Records are built from the data the pages render (not by re-reading 50,000 HTML files) and
handed to Pagefind's indexer through its Python API; the index is written under
``pagefind/`` beside the pages. The indexer holds a whole index in memory until it writes
it (about 18 kB a record: 925 MB for a 50,000-dataset site), so the records are indexed
``SHARD`` at a time, each part its own Pagefind index (``pagefind/`` for the first,
``pagefind/shard-2/``… for the next, listed in ``pagefind/shards.json``), which the
search page merges (Pagefind's ``mergeIndex``). Every URL is relative to the site root, so
the search works wherever the site is served (a sub-folder of a static host included).
Records carry producers' text as plain text: ``recherche.js`` shows it with
``textContent`` only.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
from collections.abc import Coroutine, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observatory.model import CatalogueStatus, Dataset
from observatory.publish import paths, themes
from observatory.publish.details import batches
from observatory.publish.views import SiteData

FOLDER = "pagefind"
LANGUAGE = "fr"
DESCRIPTION_CHARS = 400
BATCH = 500
#: Records per Pagefind index (the indexer's memory grows with them: about 180 MB).
SHARD = 10_000
#: The indexes after the first, relative to ``pagefind/``, for the search page.
SHARDS_FILE = "shards.json"
KIND_LABELS = {
    "dataset": "Jeu de données",
    "organisation": "Organisation",
    "catalogue": "Catalogue",
    "theme": "Thématique",
}


@dataclass(frozen=True)
class Record:
    """One search entry: where it leads, what is searched, what a result shows."""

    url: str
    kind: str
    title: str
    content: str
    detail: str = ""


def dataset_record(dataset: Dataset, org_name: str | None) -> Record:
    """A dataset: its title, producer, keywords and the start of its description."""
    description = " ".join((dataset.description or "").split())[:DESCRIPTION_CHARS]
    words = [dataset.title, org_name or "", " ".join(dataset.keywords), description]
    return Record(
        url=paths.dataset_page(dataset.key),
        kind="dataset",
        title=dataset.title,
        content=" ".join(w for w in words if w),
        detail=org_name or "",
    )


def organisation_record(name: str, page: str, count: int) -> Record:
    detail = f"{count} jeu{'x' if count > 1 else ''} de données"
    return Record(url=page, kind="organisation", title=name, content=name, detail=detail)


def catalogue_record(status: CatalogueStatus) -> Record:
    return Record(
        url=paths.catalogue_page(status.id),
        kind="catalogue",
        title=status.name,
        content=f"{status.name} {status.url}",
        detail=f"{status.dataset_count} jeux de données",
    )


def theme_record(key: str, count: int) -> Record:
    label = themes.group_label(key)
    needles = " ".join(themes.GROUPS.get(key, ("", ()))[1])
    return Record(
        url=paths.theme_page(key),
        kind="theme",
        title=label,
        content=f"{label} {needles}",
        detail=f"{count} jeux de données",
    )


def _payload(record: Record) -> dict[str, Any]:
    label = KIND_LABELS[record.kind]
    return {
        "url": record.url,
        "content": record.content,
        "language": LANGUAGE,
        "meta": {"title": record.title, "kind": label, "detail": record.detail},
        "filters": {"type": [label]},
    }


class _Unthrottled:
    """``asyncio`` as Pagefind's service client sees it, without its 0.1 s pause before
    reading each response (50,000 records would otherwise take 85 minutes): the read that
    follows already waits for data."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        return await asyncio.sleep(0, result)


@contextlib.contextmanager
def _unthrottled() -> Iterator[None]:
    import pagefind.service as service

    saved = service.asyncio
    service.asyncio = _Unthrottled()  # type: ignore[assignment]
    try:
        yield
    finally:
        service.asyncio = saved


class SearchIndexError(RuntimeError):
    """Pagefind did not finish writing the index: the files on disk cannot be trusted."""


async def _index(out: Path, records: Iterable[Record]) -> int:
    from pagefind.index import IndexConfig
    from pagefind.service import PagefindService

    out = out.resolve()
    config = IndexConfig(force_language=LANGUAGE, output_path=str(out))
    service = await PagefindService().launch()
    count = 0
    try:
        index = await service.create_index(config)
        batch: list[Record] = []
        for record in records:
            batch.append(record)
            if len(batch) >= BATCH:
                await asyncio.gather(*(index.add_custom_record(**_payload(r)) for r in batch))
                count += len(batch)
                batch = []
        await asyncio.gather(*(index.add_custom_record(**_payload(r)) for r in batch))
        count += len(batch)
        await index.write_files()
        await writes_finished(service._backend.pid, out)
    finally:
        code = await shut_down(service)
    if code != 0:
        raise SearchIndexError(f"the Pagefind indexer ended with code {code} while writing {out}")
    return count


def open_files_under(pid: int, folder: Path) -> int | None:
    """How many files under ``folder`` process ``pid`` holds open (None: /proc unreadable)."""
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return None
    count = 0
    for fd in fds:
        with contextlib.suppress(OSError):
            count += Path(os.readlink(fd)).is_relative_to(folder)
    return count


async def writes_finished(pid: int, folder: Path, timeout: float = 120.0) -> None:
    """Wait until the indexer holds no file of ``folder`` open.

    Pagefind answers "files written" when its last write is handed to a worker thread, not
    when it is done (tokio files written without a flush), and ends the moment its input
    closes: stopping it at once left a file empty now and then. Each file stays open until
    its write is done, so none open means all written. Without /proc, a short grace."""
    deadline = asyncio.get_running_loop().time() + timeout
    while (count := open_files_under(pid, folder)) != 0:
        if count is None:
            await asyncio.sleep(1.0)
            return
        if asyncio.get_running_loop().time() > deadline:
            raise SearchIndexError(f"the Pagefind indexer still writes {folder} after {timeout} s")
        await asyncio.sleep(0.01)


async def shut_down(service: Any, timeout: float = 120.0) -> int:
    """Stop a Pagefind service by closing its input, and return its exit code (killed,
    negative, only if it has not ended within ``timeout`` seconds)."""
    backend = service._backend  # the library offers no graceful stop of its own
    backend.stdin.close()
    try:
        code = await asyncio.wait_for(backend.wait(), timeout)
    except TimeoutError:
        backend.kill()
        code = await backend.wait()
    service._poll_task.cancel()
    return int(code)


def write_index(root: Path, records: Iterable[Record], shard: int = SHARD) -> int:
    """Index ``records`` into ``root/pagefind/``, ``shard`` records per Pagefind index;
    returns how many were indexed."""
    folder = root / FOLDER
    count, parts = 0, []
    with _unthrottled():
        for number, part in enumerate(batches(records, shard), start=1):
            name = f"shard-{number}/" if number > 1 else ""
            count += _run(_index(folder / name, part))
            parts.append(name)
        if not parts:  # still an index (an empty one) for the search page to load
            _run(_index(folder, []))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SHARDS_FILE).write_text(json.dumps(parts[1:]), encoding="utf-8")
    return count


def _run(job: Coroutine[Any, Any, int]) -> int:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(job)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:  # in an event loop
        return pool.submit(asyncio.run, job).result()


def site_records(
    data: SiteData, organisations: Iterable[Any], groups: list[dict[str, Any]]
) -> Iterator[Record]:
    """Every record of a site: datasets (with their producer's name), organisations,
    catalogues, then thematic groups (``groups`` as ``listings.theme_summaries`` makes them)."""
    for dataset in data.current.datasets:
        yield dataset_record(dataset, data.org_name(dataset))
    for org in organisations:
        yield organisation_record(org.name, org.page, len(org.datasets))
    for status in data.current.catalogues:
        yield catalogue_record(status)
    for group in groups:
        yield theme_record(group["key"], group["count"])
