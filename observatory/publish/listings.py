"""The site's long listings, cut into pages by ``pager``: all datasets, each theme, the
organisations, each catalogue's and each organisation's datasets, each organisation's
fixes; and the short summaries the index and the themes overview show instead.

Each listing page has its JSON mirror under ``api/`` (same items, plus the page links).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from observatory.publish import amdac, apijson, ecosphere, pager, paths
from observatory.publish.pages import Organisation
from observatory.publish.views import DatasetRow

TOP_ORGS = 20  # organisations with the most datasets shown on the index


class Writer(Protocol):
    root: Path

    def page(self, rel_path: str, template: str, **context: Any) -> None: ...


def _links(p: pager.Page[Any]) -> dict[str, Any]:
    return {
        "page": p.number,
        "pages": p.count,
        "total": p.total,
        "prev": p.prev,
        "next": p.next,
        "prev_json": paths.api_path(p.prev) if p.prev else None,
        "next_json": paths.api_path(p.next) if p.next else None,
    }


def write_datasets(out: Writer, rows: list[DatasetRow], size: int) -> list[pager.Page[Any]]:
    """``datasets/index.html``, ``datasets/page-2.html``…: every dataset once, by title."""
    return _write_pages(
        out,
        pager.paginate(rows, size, paths.DATASETS_LISTING),
        ("datasets_listing.html.j2", {}),
        lambda items: {"datasets": [apijson.row_record(r) for r in items]},
    )


def _write_pages(
    out: Writer,
    pages: list[pager.Page[Any]],
    template: tuple[str, dict[str, Any]],
    record: Callable[[Sequence[Any]], dict[str, Any]],
) -> list[pager.Page[Any]]:
    """Each page rendered with ``template`` (name, extra context) and its JSON mirror: the
    page links plus ``record`` of its items."""
    name, context = template
    for p in pages:
        json_path = paths.api_path(p.path)
        out.page(p.path, name, p=p, json=json_path, **context)
        apijson.write(out.root, json_path, _links(p) | record(p.items))
    return pages


def theme_summaries(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per theme: label, dataset count, mean score and the link to its pages."""
    out = []
    for g in groups:
        scores = [r.overall for r in g["rows"] if r.overall is not None]
        out.append(
            {
                "key": g["key"],
                "label": g["label"],
                "count": len(g["rows"]),
                "mean": sum(scores) / len(scores) if scores else None,
                "page": paths.theme_page(g["key"]),
                "json": paths.api_path(paths.theme_page(g["key"])),
            }
        )
    return out


def write_rows_with_todos(
    out: Writer,
    first: str,
    rows: list[DatasetRow],
    size: int,
    heading: tuple[str, str, tuple[str, str]],
) -> None:
    """A paginated table of datasets with what hampers each (a theme, a catalogue).

    ``heading``: the title, the words after "N jeux de données" and the (path, text) of the
    page it belongs to.
    """
    label, what, back = heading
    items = [(r, _todo_words(ecosphere.todo_for(r))) for r in rows]
    _write_pages(
        out,
        pager.paginate(items, size, first),
        ("theme.html.j2", {"label": label, "what": what, "back": back}),
        lambda page: {
            "label": label,
            "datasets": [apijson.row_record(r) | {"to_do": t} for r, t in page],
        },
    )


def write_fixes(
    out: Writer,
    first: str,
    fixes: list[amdac.Fix],
    size: int,
    heading: tuple[str, tuple[str, str], str],
) -> None:
    """An organisation's fix list in priority order, page by page.

    ``heading``: the title, the (path, text) of the page it belongs to and the path of the
    CSV export holding every fix.
    """
    label, back, csv = heading
    _write_pages(
        out,
        pager.paginate(fixes, size, first),
        ("fixes_listing.html.j2", {"label": label, "back": back, "csv": csv}),
        lambda page: {"label": label, "fixes": [amdac.fix_record(f) for f in page]},
    )


def write_themes(out: Writer, rows: list[DatasetRow], size: int) -> list[dict[str, Any]]:
    """The themes overview (summaries only) and each theme's paginated page."""
    groups = ecosphere.by_group(rows)
    summaries = theme_summaries(groups)
    back = ("thematiques.html", "Toutes les thématiques")
    for g in groups:
        heading = (g["label"], "de cette thématique", back)
        write_rows_with_todos(out, paths.theme_page(g["key"]), g["rows"], size, heading)
    out.page("thematiques.html", "themes.html.j2", themes=summaries)
    apijson.write(out.root, "api/thematiques.json", {s["key"]: s for s in summaries})
    return summaries


def _todo_words(todo: Any) -> list[str]:
    return [*todo.complete, *todo.update, *todo.consolidate]


def write_organisations(out: Writer, orgs: list[Organisation], size: int) -> None:
    """``organisations/index.html`` and its next pages: every organisation once, by name."""
    _write_pages(
        out,
        pager.paginate(orgs, size, paths.ORGANISATIONS_LISTING),
        ("organisations_listing.html.j2", {}),
        lambda page: {
            "organisations": [
                {"name": o.name, "datasets": len(o.datasets), "page": o.page} for o in page
            ]
        },
    )


def top_organisations(orgs: list[Organisation], n: int = TOP_ORGS) -> list[Organisation]:
    """The ``n`` organisations with the most datasets (ties by name)."""
    return sorted(orgs, key=lambda o: (-len(o.datasets), o.name.lower()))[:n]
