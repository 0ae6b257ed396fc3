"""The site in real headless Chromium: the index, a dataset, an organisation and the
availability page open from file:// with no console message, every internal link resolves,
and screenshots are saved under tests/artifacts/."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .htmlcheck import load, pages
from .observed import Observed

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
