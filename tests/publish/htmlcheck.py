"""Parse published pages with html.parser: tags, attributes, links, ids and visible text."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class Page(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()
        self.text_parts: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id"):
            self.ids.add(attributes["id"] or "")

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def links(self) -> list[str]:
        return [
            value
            for _tag, attrs in self.tags
            for name, value in attrs.items()
            if name in ("href", "src") and value is not None
        ]


def load(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def table_rows(page: Page) -> int:
    return sum(1 for tag, _ in page.tags if tag == "tr")
