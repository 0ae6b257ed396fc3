"""Render the whole static site for one run, then swap it into place atomically.

Everything is written into a temporary folder beside ``out_dir`` (same filesystem); only
when every page and export is written does the old site move aside and the new one take
its place. A failure while rendering leaves the previous site as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from observatory.model import RunInfo, Snapshot
from observatory.publish import exports, labels, pages, paths
from observatory.publish.mdrender import render_markdown
from observatory.publish.views import SiteData
from observatory.registry import SpdrEntry

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_METHODOLOGY = (
    "La méthodologie détaillée n'a pas été fournie pour cette publication. "
    "Chaque note est la moyenne pondérée des critères applicables de quatre piliers : "
    "complétude, fraîcheur, conformité et disponibilité."
)
History = dict[str, list[tuple[int, datetime, float | None, dict[str, float | None]]]]


def make_env() -> Environment:
    """The Jinja2 environment: autoescape on, strict undefined, French filters."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        score=labels.fmt_score,
        num=labels.fmt_number,
        when=labels.fmt_datetime,
        day=labels.fmt_date,
        outcome=lambda o: labels.OUTCOME_LABELS.get(o, o),
    )
    env.globals.update(
        web_url=paths.web_url,
        dataset_page=paths.dataset_page,
        catalogue_page=paths.catalogue_page,
        PILLAR_LABELS=labels.PILLAR_LABELS,
        PILLARS=list(labels.PILLAR_LABELS),
    )
    return env


class _Renderer:
    """Writes pages under one root with the context every page shares."""

    def __init__(self, root: Path, common: dict[str, Any]) -> None:
        self.root = root
        self.env = make_env()
        self.common = common

    def page(self, rel_path: str, template: str, **context: Any) -> None:
        target = self.root / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        up = "../" * rel_path.count("/")
        html = self.env.get_template(template).render(
            **self.common, **context, root=up, here=rel_path
        )
        target.write_text(html, encoding="utf-8")


def _build(
    root: Path,
    current: Snapshot,
    previous: Snapshot | None,
    runs: list[RunInfo],
    spdr: list[SpdrEntry],
    history: History | None,
    methodology_md: str | None,
    title: str,
) -> None:
    data = SiteData(current, previous)
    out = _Renderer(root, {"site_title": title, "run": current.run, "previous_run": previous})
    (root / "assets").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(TEMPLATES / "style.css", root / "assets" / "style.css")
    out.page("index.html", "index.html.j2", **pages.index_context(data, spdr))
    entries = {}
    for entry in spdr:
        found = pages.find_spdr(entry, current.datasets)
        if found is not None:
            entries[found.key] = entry
    for dataset in current.datasets:
        ctx = pages.dataset_context(
            data, dataset, entries.get(dataset.key), (history or {}).get(dataset.key)
        )
        out.page(paths.dataset_page(dataset.key), "dataset.html.j2", **ctx)
    for status in current.catalogues:
        ctx = pages.catalogue_context(data, status)
        out.page(paths.catalogue_page(status.id), "catalogue.html.j2", **ctx)
    for org in pages.organisations(data):
        ctx = pages.organisation_context(data, org)
        csv_datasets, csv_fixes = paths.organisation_exports(org.key)
        out.page(org.page, "organisation.html.j2", csv=(csv_datasets, csv_fixes), **ctx)
        exports.organisation_exports(
            (root / csv_datasets, root / csv_fixes),
            current,
            {d.key for d in org.datasets},
            [pages.fix_record(i, fix) for i, fix in enumerate(ctx["fixes"], start=1)],
        )
    body = render_markdown(methodology_md or DEFAULT_METHODOLOGY)
    out.page("methodology.html", "methodology.html.j2", body=body)
    out.page("runs.html", "runs.html.j2", **pages.runs_context(runs))
    exports.write_exports(root / "data", current)


def _swap(new: Path, out_dir: Path) -> None:
    """Put ``new`` in place of ``out_dir``: old aside, new in, old deleted."""
    if not out_dir.exists():
        os.rename(new, out_dir)
        return
    backup = out_dir.parent / f".{out_dir.name}.old-{uuid.uuid4().hex[:8]}"
    os.rename(out_dir, backup)
    try:
        os.rename(new, out_dir)
    except BaseException:
        os.rename(backup, out_dir)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def publish_site(
    out_dir: Path,
    current: Snapshot,
    previous: Snapshot | None,
    runs: list[RunInfo],
    *,
    spdr: list[SpdrEntry],
    history: History | None = None,
    methodology_md: str | None = None,
    title: str = "Observatoire de la qualité des données publiques",
) -> Path:
    """Render the site of ``current`` (compared with ``previous``) into ``out_dir`` atomically.

    A ``README.md`` already in ``out_dir`` is carried over. Returns ``out_dir``.
    """
    out_dir = Path(out_dir).absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        tmp.chmod(0o755)
        _build(tmp, current, previous, runs, spdr, history, methodology_md, title)
        readme = out_dir / "README.md"
        if readme.is_file():
            shutil.copy2(readme, tmp / "README.md")
        _swap(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
