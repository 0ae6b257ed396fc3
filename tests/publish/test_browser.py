"""The site in real headless Chromium: the index, a dataset, an organisation and the
availability page open from file:// with no console message, every internal link resolves,
and screenshots are saved under tests/artifacts/."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from observatory.publish import paths
from observatory.publish.search import SHARD
from observatory.publish.site import publish_site

from . import cdp
from .conftest import Published
from .factories import PORTAL, XSS_TITLE
from .htmlcheck import load, pages
from .many import dataset as many_dataset
from .many import many_snapshot
from .observed import Observed

# Datasets of the large search test: data.gouv.fr scale by default (the site of 50,000 is
# published and indexed in about two minutes here); OBSERVATORY_SEARCH_DATASETS=5000 makes a
# quick local run.
LARGE = int(os.environ.get("OBSERVATORY_SEARCH_DATASETS", "50000"))
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    "--window-size=1280,1600",
]


def chromium() -> str:
    """The headless browser: ``chromium`` (Debian) or ``chromium-browser`` on the PATH."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    why = "browser binary chromium (or chromium-browser) not found on the PATH"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why}: required under CI (.ci/run installs Debian's chromium)")
    pytest.skip(f"{why} (apt-get install chromium)")


def open_page(binary: str, page: Path, shot: Path, profile: Path) -> list[str]:
    """Load ``page`` and screenshot it; return the console lines Chromium logged."""
    done = subprocess.run(
        [binary, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 5000, "screenshot written"
    return [line for line in done.stderr.splitlines() if ":CONSOLE" in line]


def _resolves(target: Path, fragment: str) -> bool:
    if not target.is_file():
        return False
    return not (fragment and target.suffix == ".html") or fragment in load(target).ids


def broken_links(root: Path, page: Path) -> list[str]:
    """Relative links of ``page`` whose target file (or #fragment id) does not exist."""
    broken = []
    for link in load(page).links():
        parts = urlsplit(link)
        if parts.scheme or parts.netloc:
            continue
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        if root.resolve() not in target.parents and target != root.resolve():
            broken.append(f"{link} (leaves the site)")
        elif not _resolves(target, parts.fragment):
            broken.append(link)
    return broken


def test_pages_render_in_chromium_without_console_errors(
    observed: Observed, tmp_path: Path
) -> None:
    binary = chromium()
    root = observed.root
    org = next(
        p
        for p in sorted((root / "organisations").glob("*.html"))
        if "Liste des corrections" in p.read_text("utf-8")
    )
    dataset = next(iter(sorted((root / "datasets").glob("sandbox-5530fbacc751*.html"))))
    chosen = {
        "accueil": root / "index.html",
        "jeu": dataset,
        "organisation": org,
        "disponibilite": root / "disponibilite.html",
        "edition": next(iter(sorted((root / "editions").glob("*/index.html")))),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, page in chosen.items():
        console = open_page(binary, page, ARTIFACTS / f"{name}.png", tmp_path / f"profil-{name}")
        assert console == [], f"{name}: {console}"


def test_every_internal_link_resolves(observed: Observed) -> None:
    broken = {
        str(p.relative_to(observed.root)): b
        for p in pages(observed.root)
        if (b := broken_links(observed.root, p))
    }
    assert broken == {}


def test_pages_are_accessible_by_construction(observed: Observed) -> None:
    for path in pages(observed.root):
        page = load(path)
        html = path.read_text("utf-8")
        assert '<html lang="fr">' in html, path
        assert sum(1 for t, _ in page.tags if t == "h1") == 1, path
        assert "contenu" in page.ids and 'class="skip-link"' in html, path
        assert any(t == "main" for t, _ in page.tags) and any(t == "nav" for t, _ in page.tags)
        for tag, attrs in page.tags:
            if tag == "th":
                assert attrs.get("scope") in ("row", "col"), (path, attrs)


def search(browser: cdp.Browser, start: str, words: str, title: str) -> int:
    """From ``start``, type ``words`` in the header search form and press Enter; wait for a
    result named ``title`` and return its position (from 1)."""
    browser.goto(start)
    browser.type_text("#recherche-q", words)
    browser.wait_for("location.pathname.endsWith('/recherche.html')")
    links = json.dumps("#recherche-resultats li a")
    position = browser.wait_for(
        f"(() => {{ const i = [...document.querySelectorAll({links})]"
        f".findIndex(a => a.textContent === {json.dumps(title)}); return i < 0 ? 0 : i + 1; }})()"
    )
    assert browser.eval("document.getElementById('recherche-q').value") == words
    return int(position)


def open_result(browser: cdp.Browser, position: int, title: str) -> str:
    """Click the result at ``position``; wait for the page titled ``title``; return its URL."""
    browser.click(f"#recherche-resultats li:nth-child({position}) a")
    browser.wait_for(
        "document.readyState === 'complete' && !location.pathname.endsWith('/recherche.html')"
        f" && document.querySelector('h1').textContent.includes({json.dumps(title)})"
    )
    return str(browser.eval("location.href"))


def test_search_from_a_sub_folder_shows_hostile_titles_as_text(
    published: Published, tmp_path: Path
) -> None:
    binary = chromium()
    root = published.root  # served as /site/: every search URL must be relative
    start = paths.dataset_page(f"{PORTAL}:irve")
    with cdp.static_server(root.parent) as base, cdp.browser(binary, FLAGS, tmp_path / "p") as b:
        position = search(b, f"{base}site/{start}", "alert", XSS_TITLE)
        injected = json.dumps("#recherche-resultats script, #recherche-resultats img, [onerror]")
        assert b.eval(f"document.querySelectorAll({injected}).length") == 0
        opened = open_result(b, position, XSS_TITLE)
    assert opened.startswith(f"{base}site/datasets/")


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site of LARGE datasets written by the production site writer (in-memory data)."""
    snapshot = many_snapshot(LARGE)
    root = tmp_path_factory.mktemp("large") / "site"
    return publish_site(root, snapshot, None, [snapshot.run], spdr=[])


def test_search_finds_one_dataset_among_many(large_site: Path, tmp_path: Path) -> None:
    """The index is written in parts (``publish.search.SHARD`` records each): a dataset of the
    first part and one of a later part are both found."""
    binary = chromium()
    parts = json.loads((large_site / "pagefind" / "shards.json").read_text("utf-8"))
    assert len(parts) >= LARGE // SHARD  # the datasets alone fill that many
    first, later = many_dataset(7), many_dataset(LARGE * 3 // 4 + 7)
    if LARGE * 3 // 4 + 7 >= SHARD:  # as by default (50,000 datasets): a later part
        assert parts
    with cdp.static_server(large_site) as base, cdp.browser(binary, FLAGS, tmp_path / "p") as b:
        for target in (later, first):
            position = search(b, f"{base}index.html", target.title, target.title)
            opened = open_result(b, position, target.title)
            assert opened == f"{base}{paths.dataset_page(target.key)}"
