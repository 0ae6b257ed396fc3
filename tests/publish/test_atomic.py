"""Publishing swaps a whole new site in, or leaves the previous one exactly as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2
import pytest

from observatory.publish.site import publish_site

from .conftest import Published, build_pair


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_failure_half_way_leaves_previous_site_whole(
    published: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    (published.root / "README.md").write_text("# Rapports publiés\n", encoding="utf-8")
    before = _hashes(published.root)
    assert len(before) > 30
    calls = {"n": 0}
    real_render = jinja2.Template.render

    def failing_render(self: jinja2.Template, *args: object, **kwargs: object) -> str:
        calls["n"] += 1
        if calls["n"] == 6:
            raise RuntimeError("disque plein (simulé)")
        return real_render(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", failing_render)
    current, previous = build_pair()
    current.run.id = 99
    with pytest.raises(RuntimeError, match="simulé"):
        publish_site(published.root, current, previous, [current.run], spdr=published.spdr)
    assert calls["n"] == 6  # it did fail half-way, after several pages were written
    assert _hashes(published.root) == before
    siblings = [p.name for p in published.root.parent.iterdir()]
    assert siblings == ["site"], siblings  # no temporary folder left behind


def test_first_publication_creates_the_folder(tmp_path: Path) -> None:
    current, previous = build_pair()
    from .factories import spdr_entries

    out = publish_site(tmp_path / "deep" / "reports", current, None, [], spdr=spdr_entries())
    assert (out / "index.html").is_file() and (out / "data" / "datasets.csv").is_file()
    index = (out / "index.html").read_text("utf-8")
    assert "aucune évolution à comparer" in index and "nouveau" not in index
    assert "Aucune exécution" in (out / "runs.html").read_text("utf-8")
