"""A toy catalogue kind, registered by the tests only: one module, one registry line.

A toy catalogue is text: a ``TOY-CATALOGUE`` first line, then ``dataset|id|title|file``
lines and at most one ``next|url`` line (the next page). Nothing else of the observatory
knows it: ``observatory harvest``, ``observatory check`` and the observe engine read it
through ``observatory.harvest.readers`` alone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import requests

from observatory.harvest.readers import Document, Reader
from observatory.model import Dataset, Distribution, HarvestPage, SourceError
from observatory.net.fetch import FetchError, HttpSettings, fetch

KIND = "toy"
MAGIC = "TOY-CATALOGUE"


def toy_page(url: str, text: str, catalogue_id: str) -> HarvestPage:
    """The records of one toy document."""
    page = HarvestPage(url=url)
    lines = text.splitlines()
    if not lines or lines[0].strip() != MAGIC:
        error = SourceError(catalogue_id, url, "parse", f"{url}: not a toy catalogue")
        return HarvestPage(url=url, errors=[error])
    for line in lines[1:]:
        cells = line.strip().split("|")
        if cells[0] == "dataset" and len(cells) == 4:
            _, ident, title, file = cells
            key = f"{catalogue_id}:{ident}"
            dist = Distribution(key=f"{key}:0", url=urljoin(url, file), format="csv")
            page.datasets.append(Dataset(key, catalogue_id, ident, title, distributions=[dist]))
        elif cells[0] == "next" and len(cells) == 2:
            page.next_url = urljoin(url, cells[1])
    return page


def _read_page(
    url: str,
    catalogue_id: str,
    http: HttpSettings,
    *,
    session: requests.Session | None = None,
    shacl: int = 0,
) -> HarvestPage:
    try:
        response = fetch(url, http, session)
    except FetchError as exc:
        error = SourceError(catalogue_id, url, exc.kind, exc.message, datetime.now(UTC))
        return HarvestPage(url=url, errors=[error])
    return toy_page(url, response.content.decode("utf-8"), catalogue_id)


def _read_file(path: Path, catalogue_id: str, shacl: int) -> HarvestPage:
    return toy_page(path.resolve().as_uri(), path.read_text(encoding="utf-8"), catalogue_id)


def _detect(document: Document) -> bool:
    return document.text_start.startswith(MAGIC)


READER = Reader(KIND, str, _read_page, _read_file, _detect)
