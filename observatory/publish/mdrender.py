"""Methodology markdown to HTML: headings, paragraphs, lists, code, tables; raw HTML escaped.

Uses markdown-it-py (already installed with rich) with HTML input disabled; links keep only
http(s), mailto and relative targets.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup

from observatory.publish.paths import web_url


def _validate_link(url: str) -> bool:
    lowered = url.strip().lower()
    if lowered.startswith(("http:", "https:")):
        return web_url(url) is not None
    if lowered.startswith("mailto:"):
        return True
    return ":" not in lowered.split("/", 1)[0]


def _accessible(state: StateCore) -> None:
    """Table headers get scope="col"; headings move one level down (the page owns h1)."""
    for token in state.tokens:
        if token.type == "th_open":
            token.attrSet("scope", "col")
        elif token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + 1, 6)
            token.tag = f"h{level}"


@cache
def _parser() -> MarkdownIt:
    """Built once: every notice and the methodology go through the same parser."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.core.ruler.push("accessible", _accessible)
    return md


def render_markdown(text: str) -> Markup:
    """Safe HTML for a markdown text (any HTML in it is shown as text)."""
    # markdown-it with html=False escapes every tag of the input.
    return Markup(_parser().render(text))  # noqa: S704
