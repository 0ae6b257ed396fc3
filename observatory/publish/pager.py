"""Split a long listing into numbered pages: ``x/index.html``, ``x/page-2.html``…

Every listing of the site (all datasets, one theme, the organisations) goes through
``paginate`` so no page grows with the catalogue: a page holds at most ``size`` items and
links to the previous and next ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MIN_SIZE, MAX_SIZE, DEFAULT_SIZE = 1, 500, 200


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing: its items, its number (from 1) and its neighbours' paths."""

    items: Sequence[T]
    number: int
    count: int
    path: str
    prev: str | None
    next: str | None
    first: str
    start: int  # 1-based rank of the first item, 0 on an empty listing
    total: int

    @property
    def end(self) -> int:
        """1-based rank of the last item on this page."""
        return self.start + len(self.items) - 1 if self.items else 0


def page_path(first: str, number: int) -> str:
    """Path of page ``number`` of the listing whose first page is ``first``.

    ``datasets/index.html`` -> ``datasets/page-2.html``; ``thematiques/eau.html`` ->
    ``thematiques/eau-page-2.html``.
    """
    if number < 1:
        raise ValueError(f"page numbers start at 1 (got {number})")
    if number == 1:
        return first
    folder, _, name = first.rpartition("/")
    stem = name.removesuffix(".html")
    leaf = f"page-{number}.html" if stem == "index" else f"{stem}-page-{number}.html"
    return f"{folder}/{leaf}" if folder else leaf


def check_size(size: int) -> int:
    """``size`` when it is a valid page size (1–500), else ValueError."""
    if isinstance(size, bool) or not isinstance(size, int) or not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"page size must be an integer from {MIN_SIZE} to {MAX_SIZE}")
    return size


def paginate(items: Sequence[T], size: int, first: str) -> list[Page[T]]:
    """``items`` cut into pages of at most ``size``; an empty listing is one empty page."""
    check_size(size)
    count = max(1, -(-len(items) // size))
    paths = [page_path(first, n) for n in range(1, count + 1)]
    return [
        Page(
            items=items[(n - 1) * size : n * size],
            number=n,
            count=count,
            path=paths[n - 1],
            prev=paths[n - 2] if n > 1 else None,
            next=paths[n] if n < count else None,
            first=first,
            start=(n - 1) * size + 1 if items else 0,
            total=len(items),
        )
        for n in range(1, count + 1)
    ]
