"""Listings cut into pages: a site of a few hundred datasets published with 20 rows a page
reaches every dataset, theme member, organisation and catalogue member exactly once, page
by page, and no listing page (nor the index, the themes overview or a catalogue page) grows
with the catalogue.

Organisation pages still list all their own datasets (not paginated yet)."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from observatory.publish import paths
from observatory.publish.site import publish_site
from observatory.publish.themes import groups_of

from .conftest import build_pair
from .factories import _dataset, spdr_entries
from .htmlcheck import load

SIZE = 20
EXTRA = 330
WORDS = ["eau potable", "transport", "énergie", "cadastre", "faune", "sans thème"]
MAX_BYTES = 200_000  # with 20 rows a page, any page is far below this


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    current, previous = build_pair()
    extra = [
        _dataset(
            f"synth-{i:04d}",
            f"{WORDS[i % len(WORDS)]} jeu {i:04d}",
            (f"o{i % 47}", f"Org {i % 47}"),
            i,
        )
        for i in range(EXTRA)
    ]
    current = replace(current, datasets=[*current.datasets, *extra])
    root = publish_site(
        tmp_path_factory.mktemp("listings") / "site",
        current,
        previous,
        [previous.run, current.run],
        spdr=spdr_entries(),
        listing_page_size=SIZE,
    )
    return root, [d for d in current.datasets if not d.deleted]


def _walk(root: Path, first: str) -> list[str]:
    """Listing pages from ``first`` following rel=next, checking rel=prev points back."""
    chain, here, before = [], first, None
    while here is not None:
        assert here not in chain, here
        chain.append(here)
        page = load(root / here)
        rels = {a.get("rel"): a.get("href") for t, a in page.tags if t == "a" and a.get("rel")}
        prev = _resolve(here, rels["prev"]) if "prev" in rels else None
        assert prev == before, (here, prev, before)
        before, here = here, (_resolve(here, rels["next"]) if "next" in rels else None)
    return chain


def _resolve(page: str, href: str | None) -> str:
    assert href is not None
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href))


def _targets(root: Path, page: str, folder: str) -> list[str]:
    """Root-relative targets of the table rows' header links on ``page`` under ``folder``."""
    html = (root / page).read_text(encoding="utf-8")
    hrefs = re.findall(r'<th scope="row"><a href="([^"]+)"', html)
    found = [_resolve(page, h) for h in hrefs]
    return [f for f in found if f.startswith(folder + "/")]


def test_every_dataset_is_listed_once_across_linked_pages(site: tuple[Path, list]) -> None:
    root, datasets = site
    chain = _walk(root, paths.DATASETS_LISTING)
    assert len(chain) == -(-len(datasets) // SIZE) > 10
    listed = [t for page in chain for t in _targets(root, page, "datasets")]
    assert Counter(listed) == Counter(paths.dataset_page(d.key) for d in datasets)
    assert all((root / t).is_file() for t in listed)
    index = load(root / "index.html")
    assert paths.DATASETS_LISTING in index.links()


def test_every_theme_member_is_listed_once_on_its_theme_pages(site: tuple[Path, list]) -> None:
    root, datasets = site
    expected: dict[str, Counter[str]] = {}
    for d in datasets:
        for key in groups_of(d):
            expected.setdefault(key, Counter())[paths.dataset_page(d.key)] += 1
    overview = load(root / "thematiques.html")
    assert len(overview.text.encode()) < 20_000  # a summary, not a listing
    for key, members in expected.items():
        first = paths.theme_page(key)
        assert f"../{first}" not in overview.links() and first in overview.links()
        chain = _walk(root, first)
        listed = Counter(t for page in chain for t in _targets(root, page, "datasets"))
        assert listed == members, key
    assert max(sum(c.values()) for c in expected.values()) > 2 * SIZE  # really paginated


def test_every_organisation_is_listed_once(site: tuple[Path, list]) -> None:
    root, datasets = site
    orgs = {d.organization_key for d in datasets if d.organization_key}
    chain = _walk(root, paths.ORGANISATIONS_LISTING)
    listed = Counter(t for page in chain for t in _targets(root, page, "organisations"))
    assert listed == Counter(paths.organisation_page(k) for k in orgs)
    assert len(chain) > 1


def test_no_page_grows_with_the_catalogue_and_links_resolve(site: tuple[Path, list]) -> None:
    root, _ = site
    listing_pages = ["index.html", "thematiques.html"]
    listing_pages += [p.relative_to(root).as_posix() for p in root.glob("*/index.html")]
    listing_pages += [p.relative_to(root).as_posix() for p in root.rglob("*page-*.html")]
    listing_pages += [p.relative_to(root).as_posix() for p in (root / "thematiques").glob("*.html")]
    for page in listing_pages:
        assert (root / page).stat().st_size < MAX_BYTES, page
        for href in load(root / page).links():
            if "://" in href or href.startswith(("#", "mailto:")):
                continue
            target = _resolve(page, href.split("#")[0])
            assert (root / target).exists(), (page, href)
    assert len(listing_pages) > 20


def test_catalogue_page_summarises_and_links_its_paginated_datasets(
    site: tuple[Path, list],
) -> None:
    root, datasets = site
    catalogue = datasets[-1].catalogue_id
    page = paths.catalogue_page(catalogue)
    assert (root / page).stat().st_size < MAX_BYTES
    assert _resolve(page, f"../{paths.catalogue_listing(catalogue)}") in {
        _resolve(page, h) for h in load(root / page).links()
    }
    chain = _walk(root, paths.catalogue_listing(catalogue))
    listed = Counter(t for p in chain for t in _targets(root, p, "datasets"))
    own = [d for d in datasets if d.catalogue_id == catalogue]
    assert listed == Counter(paths.dataset_page(d.key) for d in own) and len(chain) > 10
