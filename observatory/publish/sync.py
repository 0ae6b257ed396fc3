"""Put a freshly rendered site in place of the published one, touching only what changed.

Files whose bytes are the same stay as they are (same inode, same modification time, so
rsync and CDN uploads skip them); a changed or new file replaces the published one with
``os.replace``, so every published file is at all times either its old or its new version,
never half-written; files the new site no longer has are removed, then folders left empty.
New files go in before the pages that link to them (deepest paths first, each folder's
``index.html`` last). Any exception part way puts every file back as it was (the old
versions are kept as hard links in ``.<site>.undo-*`` beside the site until the end).
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from observatory.publish.fingerprint import MANIFEST

CHUNK = 1 << 20


@dataclass
class SyncCounts:
    """How many files a publication wrote, left unchanged and removed."""

    written: int = 0
    unchanged: int = 0
    removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"written": self.written, "unchanged": self.unchanged, "removed": self.removed}


def site_files(root: Path) -> list[str]:
    """Relative paths (``/``-separated) of every file under ``root`` but the manifest."""
    found = []
    for folder, _dirs, files in os.walk(root):
        rel = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        found += [prefix + name for name in files if prefix or name != MANIFEST]
    return found


def same_bytes(a: Path, b: Path) -> bool:
    """Whether two files hold the same bytes (the same inode counts as equal)."""
    sa, sb = a.stat(), b.stat()
    if (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino):
        return True
    if sa.st_size != sb.st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            chunk = fa.read(CHUNK)
            if chunk != fb.read(CHUNK):
                return False
            if not chunk:
                return True


def _order(rel: str) -> tuple[int, bool, str]:
    return (-rel.count("/"), rel.rsplit("/", 1)[-1] == "index.html", rel)


class _Journal:
    """Old versions of the files a sync replaced or removed, to undo it on failure."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.undo = site.parent / f".{site.name}.undo-{uuid.uuid4().hex[:8]}"
        self.steps: list[tuple[str, str]] = []  # (added | kept, relative path)

    def _keep(self, rel: str, move: bool) -> None:
        """Keep the published ``rel`` in the undo folder: moved, or hard-linked (copied
        where links are refused) so that it stays published until replaced."""
        source, kept = self.site / rel, self.undo / rel
        kept.parent.mkdir(parents=True, exist_ok=True)
        if move or source.is_dir():
            os.rename(source, kept)
        else:
            try:
                os.link(source, kept)
            except OSError:
                shutil.copy2(source, kept)
        self.steps.append(("kept", rel))

    def _clear_parents(self, rel: str) -> None:
        """Move aside a published file standing where the new file needs a folder."""
        parts = rel.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            parent = "/".join(parts[:i])
            if (self.site / parent).is_file():
                self._keep(parent, move=True)
                break

    def put(self, new: Path, rel: str) -> None:
        target = self.site / rel
        self._clear_parents(rel)
        if target.exists() or target.is_symlink():
            self._keep(rel, move=target.is_dir())
        else:
            self.steps.append(("added", rel))
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(new, target)

    def remove(self, rel: str) -> None:
        self._keep(rel, move=True)

    def rollback(self) -> None:
        for kind, rel in reversed(self.steps):
            target = self.site / rel
            if kind == "added":
                target.unlink(missing_ok=True)
                continue
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.undo / rel, target)

    def discard(self) -> None:
        shutil.rmtree(self.undo, ignore_errors=True)


def _prune_folders(site: Path, keep: set[str]) -> None:
    """Remove folders left empty that the new site does not have."""
    for folder, dirs, files in os.walk(site, topdown=False):
        rel = Path(folder).relative_to(site).as_posix()
        if rel != "." and rel not in keep and not dirs and not files:
            try:
                os.rmdir(folder)
            except OSError:
                continue


def sync_tree(new: Path, site: Path) -> SyncCounts:
    """Make ``site`` hold exactly the files of ``new`` (the manifest aside), replacing only
    the files whose bytes differ; files moved out of ``new`` are consumed. On any exception
    every file of ``site`` is put back as it was before the exception is raised again."""
    fresh = site_files(new)
    published = set(site_files(site))
    counts = SyncCounts()
    journal = _Journal(site)
    try:
        for rel in sorted(fresh, key=_order):
            if rel in published and (site / rel).is_file() and same_bytes(new / rel, site / rel):
                counts.unchanged += 1
                continue
            journal.put(new / rel, rel)
            counts.written += 1
        for rel in sorted(published - set(fresh), key=_order):
            if (site / rel).exists() or (site / rel).is_symlink():
                journal.remove(rel)
                counts.removed += 1
        folders = {Path(rel).parent.as_posix() for rel in fresh}
        _prune_folders(site, {p for f in folders for p in _ancestors(f)})
    except BaseException:
        journal.rollback()  # should this fail too, the undo folder stays for a person
        journal.discard()
        raise
    journal.discard()
    return counts


def _ancestors(folder: str) -> list[str]:
    parts = folder.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]
