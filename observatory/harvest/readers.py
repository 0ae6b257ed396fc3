"""The one harvest front door: a registry of catalogue readers by kind.

Every way of reading catalogues — ``observatory harvest``, ``observatory check``, the
registry's catalogues (``paging.harvest_catalogue``), the observe flow — asks this
registry. A reader is one module exposing ``READER = Reader(...)``; adding a kind means
that module and one line in ``MODULES``.

A ``Reader`` gives:

- ``first_url(catalogue_url)``: the first page to ask for that catalogue;
- ``read_page(url, catalogue_id, http, *, session=None, shacl=0) -> HarvestPage``: one
  page fetched under the guard and parsed; never raises (problems are ``page.errors``),
  ``page.next_url`` gives the next page;
- ``read_file(path, catalogue_id, shacl) -> HarvestPage``: a saved page or export;
- ``detect(document) -> bool``: whether a whole document has this kind's structure;
- ``after_pages`` (optional): records read once per catalogue after its pages (udata's
  dataservices).

``detect_kind`` tells the kind of a document from its structure — the parsed JSON value
or the XML root element, whatever the document's size — never from a prefix.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Protocol

import requests

from observatory.model import HarvestPage
from observatory.net.fetch import HttpSettings

#: kind -> module defining ``READER`` (the order is the order of detection).
MODULES = {
    "csw": "observatory.harvest.csw",
    "ckan": "observatory.harvest.ckan",
    "udata": "observatory.harvest.udata",
    "dcat": "observatory.harvest.dcat",
    "catalog-csv": "observatory.harvest.catalog_csv",
}
KINDS = tuple(MODULES)


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


@cache
def registry() -> dict[str, Reader]:
    """Every reader by kind (modules imported on first use)."""
    return {kind: importlib.import_module(module).READER for kind, module in MODULES.items()}


def reader(kind: str) -> Reader:
    """The reader of one kind; KeyError names the kinds known."""
    try:
        return registry()[kind]
    except KeyError:
        raise KeyError(f"unknown catalogue kind {kind!r}; one of {', '.join(KINDS)}") from None


def kind_of(document: Document) -> str | None:
    """The first kind whose structure the document has, or None."""
    for kind, found in registry().items():
        if found.detect(document):
            return kind
    return None
