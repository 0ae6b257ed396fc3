"""Numbered catalogue pages read ahead: the same pages, in the same order, fetched earlier."""

from __future__ import annotations

import threading

from observatory.harvest.dcat import fetch_dcat_page
from observatory.harvest.paging import walk_pages
from observatory.harvest.prefetch import PageLookAhead
from observatory.model import HarvestPage
from observatory.net.fetch import HttpSettings
from observatory.net.guard import parse_networks


def test_pages_read_ahead_are_the_pages_read_one_by_one(sandbox) -> None:
    http = HttpSettings(allowed=tuple(parse_networks(["127.0.0.0/8"])))
    first = sandbox.url("catalogue", "/catalogue/catalog.jsonld?page_size=5")
    threads: dict[str, str] = {}

    def read(url: str) -> HarvestPage:
        threads[url] = threading.current_thread().name
        return fetch_dcat_page(url, "aura", http)

    plain = list(walk_pages(first, read, 50, "aura"))
    with PageLookAhead(read, ahead=2) as fetch_page:
        ahead = list(walk_pages(first, fetch_page, 50, "aura"))
    assert len(plain) == 7  # 34 regional records, 5 a page
    assert [p.url for p in ahead] == [p.url for p in plain]
    assert [[d.key for d in p.datasets] for p in ahead] == [
        [d.key for d in p.datasets] for p in plain
    ]
    assert any(name.startswith("page-ahead") for name in threads.values())


def test_a_page_cap_still_stops_the_walk(sandbox) -> None:
    http = HttpSettings(allowed=tuple(parse_networks(["127.0.0.0/8"])))
    first = sandbox.url("catalogue", "/catalogue/catalog.jsonld?page_size=5")
    with PageLookAhead(lambda url: fetch_dcat_page(url, "aura", http)) as fetch_page:
        pages = list(walk_pages(first, fetch_page, 3, "aura"))
    assert len(pages) == 3
    assert pages[-1].errors[-1].kind == "page-cap"  # read ahead, never harvested
