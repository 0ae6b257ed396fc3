"""The pager every listing uses: page paths, neighbours, bounds of the page size."""

from __future__ import annotations

import pytest

from observatory.publish import pager, paths
from observatory.registry import ConfigError, Settings, apply_environment, parse_config


def test_pages_cover_every_item_once_in_order() -> None:
    items = list(range(45))
    pages = pager.paginate(items, 20, "datasets/index.html")
    assert [p.path for p in pages] == [
        "datasets/index.html",
        "datasets/page-2.html",
        "datasets/page-3.html",
    ]
    assert [x for p in pages for x in p.items] == items
    assert [(p.start, p.end) for p in pages] == [(1, 20), (21, 40), (41, 45)]
    assert [p.prev for p in pages] == [None, "datasets/index.html", "datasets/page-2.html"]
    assert [p.next for p in pages] == ["datasets/page-2.html", "datasets/page-3.html", None]
    assert {p.count for p in pages} == {3} and {p.total for p in pages} == {45}


def test_named_first_pages_and_edges() -> None:
    assert pager.page_path("thematiques/eau.html", 2) == "thematiques/eau-page-2.html"
    assert pager.page_path("thematiques/eau.html", 1) == "thematiques/eau.html"
    empty = pager.paginate([], 5, "organisations/index.html")
    assert len(empty) == 1 and not empty[0].items and empty[0].next is None
    assert (empty[0].start, empty[0].end) == (0, 0)
    exact = pager.paginate(list(range(10)), 5, "x/index.html")
    assert len(exact) == 2 and exact[-1].next is None
    with pytest.raises(ValueError):
        pager.page_path("x/index.html", 0)


@pytest.mark.parametrize("size", [0, -1, 501, True])
def test_page_size_outside_1_to_500_is_refused(size: int) -> None:
    with pytest.raises(ValueError):
        pager.paginate([1], size, "x/index.html")


def test_theme_page_is_one_file_per_theme() -> None:
    assert paths.theme_page("eau") == "thematiques/eau.html"
    odd = paths.theme_page("../../etc/passwd")
    assert odd.startswith("thematiques/") and ".." not in odd and odd.count("/") == 1


def test_listing_page_size_setting_and_environment() -> None:
    assert Settings().listing_page_size == 200
    config = parse_config(_minimal(), env={})
    assert config.settings.listing_page_size == 200
    env = {"OBSERVATORY_LISTING_PAGE_SIZE": "20"}
    assert apply_environment(config, env).settings.listing_page_size == 20
    for bad in ("0", "501", "vingt"):
        with pytest.raises(ConfigError, match="OBSERVATORY_LISTING_PAGE_SIZE"):
            apply_environment(config, {"OBSERVATORY_LISTING_PAGE_SIZE": bad})
    with pytest.raises(ConfigError, match="listing_page_size"):
        parse_config(_minimal("settings: {listing_page_size: 1000}\n"), env={})


def _minimal(extra: str = "") -> str:
    return "portal: {url: 'https://www.data.gouv.fr/api/1/'}\nspdr: []\n" + extra
