"""Listings cut into pages: a site of a few hundred datasets published with 20 rows a page
reaches every dataset, theme member, organisation and catalogue member exactly once, page
by page, and no listing page (nor the index, the themes overview or a catalogue page) grows
with the catalogue.

One organisation publishes 260 scored datasets: its page summarises and links its datasets
and its fixes page by page; its notice spells out the first 100 fixes and links the rest."""

from __future__ import annotations

import json
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
from .factories import PORTAL, _criteria, _dataset, _score, spdr_entries
from .htmlcheck import load

SIZE = 20
EXTRA = 330
WORDS = ["eau potable", "transport", "énergie", "cadastre", "faune", "sans thème"]
MAX_BYTES = 200_000  # with 20 rows a page, any page is far below this
BIG_ORG, BIG_COUNT = ("grand-producteur", "Grand producteur"), 260
BIG_KEY = f"{PORTAL}:{BIG_ORG[0]}"
ORG_MAX_BYTES = 40_000  # 20 datasets and 20 fixes, whatever the organisation's size


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
    big = [
        _dataset(f"grand-{i:03d}", f"Grand producteur jeu {i:03d}", BIG_ORG, i)
        for i in range(BIG_COUNT)
    ]
    scores = {d.key: _score(d.key, i, d.distributions[0].url) for i, d in enumerate(big)}
    current = replace(
        current,
        datasets=[*current.datasets, *extra, *big],
        scores={**current.scores, **scores},
    )
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


def _internal_links_resolve(root: Path, page: str) -> None:
    for href in load(root / page).links():
        if "://" not in href and not href.startswith(("#", "mailto:")):
            assert (root / _resolve(page, href.split("#")[0])).exists(), (page, href)


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
        _internal_links_resolve(root, page)
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


FIX_ROW = re.compile(
    r'<th scope="row">(\d+)</th>\s*<td><a href="([^"]+)">[^<]*</a></td>\s*<td>([^<]+?) <span'
    r".*?poids ([\d,]+)</span>",
    re.S,
)


def _expected_fixes(datasets: list) -> Counter[tuple[str, str]]:
    """(dataset page, criterion label) of every failed or partial criterion of the big org."""
    return Counter(
        (paths.dataset_page(d.key), r.label)
        for i, d in enumerate(d for d in datasets if d.organization_key == BIG_KEY)
        for r in _criteria(i, d.distributions[0].url)
        if r.status in ("fail", "partial")
    )


def test_organisation_page_summarises_and_links_its_paginated_lists(
    site: tuple[Path, list],
) -> None:
    root, datasets = site
    page = paths.organisation_page(BIG_KEY)
    listing, fixes_listing = paths.organisation_listings(BIG_KEY)
    assert (root / page).stat().st_size < ORG_MAX_BYTES
    text = load(root / page).text
    assert f"Tous les jeux de données de l'organisation ({BIG_COUNT})" in text
    linked = {_resolve(page, h) for h in load(root / page).links()}
    assert {listing, fixes_listing} <= linked
    own = [d for d in datasets if d.organization_key == BIG_KEY]
    chain = _walk(root, listing)
    listed = Counter(t for p in chain for t in _targets(root, p, "datasets"))
    assert listed == Counter(paths.dataset_page(d.key) for d in own)
    assert len(chain) == -(-BIG_COUNT // SIZE)
    for p in [page, *chain]:
        _internal_links_resolve(root, p)


def test_every_fix_is_listed_once_in_priority_order(site: tuple[Path, list]) -> None:
    root, datasets = site
    _, fixes_listing = paths.organisation_listings(BIG_KEY)
    chain = _walk(root, fixes_listing)
    rows = [
        (int(n), _resolve(p, href), label, float(weight.replace(",", ".")))
        for p in chain
        for n, href, label, weight in FIX_ROW.findall((root / p).read_text("utf-8"))
    ]
    expected = _expected_fixes(datasets)
    assert Counter((target, label) for _, target, label, _ in rows) == expected
    assert [n for n, *_ in rows] == list(range(1, len(rows) + 1))
    weights = [w for *_, w in rows]
    assert weights == sorted(weights, reverse=True) and len(chain) > 10
    for p in chain:
        _internal_links_resolve(root, p)
        mirror = json.loads((root / paths.api_path(p)).read_text("utf-8"))
        assert mirror["total"] == len(rows)
        assert len(mirror["fixes"]) == len(FIX_ROW.findall((root / p).read_text("utf-8")))
    head = FIX_ROW.findall((root / paths.organisation_page(BIG_KEY)).read_text("utf-8"))
    assert [int(n) for n, *_ in head] == list(range(1, 21))


def test_notice_lists_the_first_100_fixes_then_counts_and_links_the_rest(
    site: tuple[Path, list],
) -> None:
    root, datasets = site
    md_path, html_path = paths.notice_paths(BIG_KEY)
    text = (root / md_path).read_text("utf-8")
    numbers = [int(n) for n in re.findall(r"^(\d+)\. \*\*", text, re.M)]
    assert numbers == list(range(1, 101))
    rest = sum(_expected_fixes(datasets).values()) - 100
    assert rest > 0 and f"Et {rest} autres corrections" in text
    _, fixes_listing = paths.organisation_listings(BIG_KEY)
    csv_fixes = paths.organisation_exports(BIG_KEY)[1]
    wanted = {fixes_listing, csv_fixes}
    assert {_resolve(md_path, h) for h in re.findall(r"\]\(([^)]+)\)", text)} >= wanted
    assert {_resolve(html_path, h) for h in load(root / html_path).links()} >= wanted
    _internal_links_resolve(root, html_path)
    small = (root / paths.notice_paths(f"{PORTAL}:insee")[0]).read_text("utf-8")
    assert "autre" not in small and re.search(r"^1\. \*\*", small, re.M)
