"""The one harvest front door: a registry of catalogue readers by kind.

Every way of reading catalogues — ``observatory harvest``, ``observatory check``, the
observe engine and its Prefect flow (``paging.harvest_catalogue``), kind detection — asks
this registry. A reader is one module exposing ``READER = Reader(...)``; adding a kind
means that module and one line in ``MODULES``.

A ``Reader`` gives:

- ``first_url(catalogue_url)``: the first page to ask for that catalogue;
- ``read_page(url, catalogue_id, http, *, session=None, shacl=0) -> HarvestPage``: one
  page fetched under the guard and parsed; never raises (problems are ``page.errors``),
  ``page.next_url`` gives the next page;
- ``read_file(path, catalogue_id, shacl) -> HarvestPage``: a saved page or export (a
  folder too when ``reads_folders``);
- ``detect(document) -> bool``: whether a whole document has this kind's structure;
- ``claims_url(url) -> bool`` (optional): the address alone says this kind (API paths);
- ``claims_name(source, content_type) -> bool`` (optional): a weak hint, the suffix or
  declared type, asked only when no structure was recognised;
- ``portal_api`` (optional): a path under a portal's home page answering JSON when the
  portal is of this kind;
- ``after_pages`` (optional): records read once per catalogue after its pages (udata's
  dataservices).

Detection asks every reader in ``MODULES`` order: addresses first (``kind_of_url``), then
the document's structure (``kind_of``: the parsed JSON value or the XML root element,
whatever the document's size, never a prefix), then the weak hints (``kind_of_name``).
``read_page`` and ``read_after`` are the units of work of a harvest (the engine makes
each one a task run).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from observatory.model import HarvestPage, SourceError
from observatory.net.fetch import HttpSettings, make_session

if TYPE_CHECKING:
    import requests

#: kind -> module defining ``READER`` (the order is the order of detection).
MODULES = {
    "csw": "observatory.harvest.csw",
    "ckan": "observatory.harvest.ckan",
    "udata": "observatory.harvest.udata",
    "dcat": "observatory.harvest.dcat",
    "catalog-csv": "observatory.harvest.catalog_csv",
}


class ReadPage(Protocol):
    def __call__(
        self,
        url: str,
        catalogue_id: str,
        http: HttpSettings,
        *,
        session: requests.Session | None = None,
        shacl: int = 0,
    ) -> HarvestPage: ...


class AfterPages(Protocol):
    def __call__(
        self,
        catalogue_url: str,
        catalogue_id: str,
        http: HttpSettings,
        session: requests.Session,
        max_pages: int,
    ) -> HarvestPage | None: ...


@dataclass(frozen=True)
class Reader:
    """How one kind of catalogue is read (see the module docstring)."""

    kind: str
    first_url: Callable[[str], str]
    read_page: ReadPage
    read_file: Callable[[Path, str, int], HarvestPage]
    detect: Callable[[Document], bool]
    after_pages: AfterPages | None = None
    claims_url: Callable[[str], bool] = lambda url: False
    claims_name: Callable[[str, str], bool] = lambda source, content_type: False
    portal_api: str | None = None
    reads_folders: bool = False  # ``read_file`` takes a folder (of exports)


class Document:
    """A whole document whose structure is looked at once, lazily."""

    def __init__(self, content: bytes, content_type: str | None = None) -> None:
        self.content = content
        self.content_type = (content_type or "").split(";")[0].strip().lower()

    @cached_property
    def text_start(self) -> str:
        return self.content[:4096].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")

    @cached_property
    def json(self) -> Any:
        """The parsed JSON value, or None when the document is not JSON."""
        if self.text_start[:1] not in ("{", "["):
            return None
        try:
            return json.loads(self.content.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None

    @cached_property
    def xml_root(self) -> str | None:
        """The root element as ``{namespace}name``, or None when not XML."""
        if not self.text_start.startswith("<"):
            return None
        from lxml import etree

        try:
            events = etree.iterparse(
                _Bytes(self.content),
                events=("start",),
                resolve_entities=False,
                no_network=True,
                recover=False,
            )
            for _event, element in events:
                return str(element.tag)
        except etree.XMLSyntaxError:
            return None
        return None


class _Bytes:
    """A read-only file over bytes, for lxml's iterparse (stops at the first element)."""

    def __init__(self, content: bytes) -> None:
        self._content = content
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._content) if size < 0 else self._pos + size
        chunk = self._content[self._pos : end]
        self._pos += len(chunk)
        return chunk


class NoReader(ValueError):
    """A catalogue kind no reader is registered for; the message names the known kinds."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"unknown catalogue kind {kind!r}; known kinds: {', '.join(kinds())}")
        self.kind = kind


def kinds() -> tuple[str, ...]:
    """Every kind a reader is registered for, in detection order."""
    return tuple(MODULES)


def registry() -> dict[str, Reader]:
    """Every reader by kind (modules imported on first use)."""
    return {kind: reader(kind) for kind in MODULES}


def reader(kind: str) -> Reader:
    """The reader of one kind; ``NoReader`` (a ValueError) names the kinds known."""
    module = MODULES.get(kind)
    if module is None:
        raise NoReader(kind)
    found: Reader = importlib.import_module(module).READER
    if found.kind != kind:
        raise ValueError(f"{module}: READER.kind is {found.kind!r}, registered as {kind!r}")
    return found


def no_reader_error(kind: str, source: str, url: str) -> SourceError:
    """What a source of a kind without a reader records (the run goes on)."""
    message = f"source {source!r} ({url}): {NoReader(kind)}; source not read"
    return SourceError(source, url, "unsupported", message, datetime.now(UTC))


def kind_of_url(url: str) -> str | None:
    """The first kind whose reader claims the address alone, or None."""
    return next((k for k, r in registry().items() if r.claims_url(url)), None)


def kind_of(document: Document) -> str | None:
    """The first kind whose structure the document has, or None."""
    return next((k for k, r in registry().items() if r.detect(document)), None)


def kind_of_name(source: str, content_type: str | None) -> str | None:
    """The first kind a file name or declared Content-Type hints at, or None."""
    declared = (content_type or "").split(";")[0].strip().lower()
    return next((k for k, r in registry().items() if r.claims_name(source, declared)), None)


def folder_kind() -> str | None:
    """The first kind whose reader reads a whole folder, or None."""
    return next((k for k, r in registry().items() if r.reads_folders), None)


def portal_apis() -> list[tuple[str, str]]:
    """(API path, kind) of the readers that can recognise a portal's home page."""
    return [(r.portal_api, k) for k, r in registry().items() if r.portal_api]


def read_page(
    kind: str,
    url: str,
    catalogue_id: str,
    http: HttpSettings,
    shacl: int = 0,
    session: requests.Session | None = None,
) -> HarvestPage:
    """One page of a catalogue of ``kind``: the one place a catalogue page is read."""
    return reader(kind).read_page(url, catalogue_id, http, session=session, shacl=shacl)


def read_after(
    kind: str,
    catalogue_url: str,
    catalogue_id: str,
    http: HttpSettings,
    max_pages: int,
    session: requests.Session | None = None,
) -> HarvestPage | None:
    """The records a reader reads once after a catalogue's pages (None: nothing more)."""
    after = reader(kind).after_pages
    if after is None:
        return None
    if session is not None:
        return after(catalogue_url, catalogue_id, http, session, max_pages)
    with make_session(http) as own:
        return after(catalogue_url, catalogue_id, http, own, max_pages)
