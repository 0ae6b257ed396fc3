"""Small pieces readers meet on every page: score changes, French numbers, chart, markdown."""

from __future__ import annotations

from datetime import UTC, datetime

from observatory.publish import labels
from observatory.publish.charts import score_chart
from observatory.publish.mdrender import render_markdown

from .htmlcheck import Page


def test_change_wording() -> None:
    assert labels.change(72.5, 70.0, True).text == "▲ +2,5 pts"
    assert labels.change(70.0, 72.5, True).text == "▼ −2,5 pts"
    assert labels.change(70.0, 70.0, True).text == "= stable"
    assert labels.change(70.0, None, False).text == "nouveau"
    assert labels.change(None, 70.0, True).text == "—"


def test_french_formats() -> None:
    assert labels.fmt_number(40000) == "40\u202f000"
    assert labels.fmt_score(66.54) == "66,5"
    assert labels.fmt_score(None) == "n.d."
    when = datetime(2025, 4, 1, 6, 5, tzinfo=UTC)
    assert labels.fmt_datetime(when) == "1er avril 2025 à 06:05 UTC"


def test_chart_breaks_the_line_where_a_score_is_missing() -> None:
    at = datetime(2025, 4, 7, tzinfo=UTC)
    history = [(1, at, 50.0, {}), (2, at, 60.0, {}), (3, at, None, {}), (4, at, 80.0, {})]
    page = Page(str(score_chart(history)))
    tags = [t for t, _ in page.tags]
    assert tags[0] == "svg" and tags.count("polyline") == 2 and tags.count("circle") == 3
    assert "Exécution 4" in page.text and "80,0" in page.text


def test_markdown_links_keep_only_safe_targets() -> None:
    page = Page(str(render_markdown("[a](javascript:alert(1)) [b](https://x.fr) [c](data:x)")))
    hrefs = [a.get("href") for t, a in page.tags if t == "a"]
    assert hrefs == ["https://x.fr"]
