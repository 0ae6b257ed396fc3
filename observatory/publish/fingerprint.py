"""Whether a published site is already the one a publication would write, found cheaply.

A publication's fingerprint is a digest of everything its bytes depend on: the store's state
for the run (``Store.publication_state``: the run, its previous run, the runs listed, every
per-run table, the reference files' availability history and structures), the publication's
settings (title, listing size, reference datasets and every other registry setting but the
store's URL and the output folder), the methodology text, and the code that renders (every
file of the ``observatory`` package, templates and assets included, plus the versions of the
libraries that write pages, search index and RDF). The site folder's manifest
(``MANIFEST``) keeps the fingerprint of the publication that wrote it and a digest of the
folder's files as it left them (path, size, modification time), so a file deleted, edited
or added since also makes the site out of date.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import observatory

MANIFEST = ".observatory-site.json"
FORMAT = 1
#: Libraries whose version changes bytes of the site (pages, Markdown, search index, RDF).
RENDERING_LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py", "pagefind", "rdflib", "babel")


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def code_digest() -> str:
    """Digest of every file of the installed ``observatory`` package (code, templates,
    assets, message catalogues), the rendering libraries' versions and Python's version."""
    package = Path(observatory.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    versions = []
    for name in RENDERING_LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    versions.append(f"python={sys.version_info[0]}.{sys.version_info[1]}")
    digest.update("\n".join(versions).encode("utf-8"))
    return digest.hexdigest()


def fingerprint(store_state: dict[str, Any], settings: dict[str, Any], methodology: str) -> str:
    """The digest of one publication's inputs (see the module docstring)."""
    return _digest(
        {
            "format": FORMAT,
            "code": code_digest(),
            "store": store_state,
            "settings": settings,
            "methodology": hashlib.sha256(methodology.encode("utf-8")).hexdigest(),
        }
    )


def tree_digest(root: Path) -> str:
    """Digest of every file under ``root`` but the manifest: relative path, size and
    modification time (one ``stat`` per file, no file read)."""
    entries = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        rel = os.path.relpath(folder, root)
        for name in sorted(files):
            if rel == "." and name == MANIFEST:
                continue
            st = os.stat(os.path.join(folder, name), follow_symlinks=False)
            entries.append(f"{os.path.join(rel, name)}\0{st.st_size}\0{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(entries).encode("utf-8", "surrogatepass")).hexdigest()


def read_manifest(site: Path) -> dict[str, Any] | None:
    """The manifest of a published site, None when missing or unreadable."""
    try:
        found = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def write_manifest(site: Path, record: dict[str, Any]) -> None:
    """Write the manifest whole (a temporary file renamed over the old one)."""
    tmp = site / f"{MANIFEST}.tmp"
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    os.replace(tmp, site / MANIFEST)


def forget_manifest(site: Path) -> None:
    """Remove the manifest before the site's files start changing: a publication cut short
    must not leave a site that says it is up to date."""
    (site / MANIFEST).unlink(missing_ok=True)


def up_to_date(site: Path, print_: str) -> dict[str, Any] | None:
    """The manifest of ``site`` when it was written by a publication of fingerprint
    ``print_`` and no file changed since; None otherwise."""
    manifest = read_manifest(site)
    if manifest is None or manifest.get("fingerprint") != print_:
        return None
    if manifest.get("tree") != tree_digest(site):
        return None
    return manifest
