"""A small inline SVG line chart of a dataset's overall score across runs (no JavaScript)."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup, escape

from observatory.publish import labels

WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 28


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if n == 1 else span * i / (n - 1))


def _y(value: float) -> float:
    value = max(0.0, min(100.0, value))
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / 100)


def score_chart(
    history: list[tuple[int, datetime, float | None, dict[str, float | None]]],
) -> Markup:
    """SVG markup: y from 0 to 100, one point per run, gaps where the score was missing."""
    n = len(history)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        'role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">',
        '<title id="chart-title">Évolution de la note globale (0 à 100) sur '
        f"{n} exécution{'s' if n > 1 else ''}</title>",
    ]
    for tick in (0, 25, 50, 75, 100):
        y = _y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, (_run_id, _at, overall, _p) in enumerate(history):
        if overall is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{_x(i, n):.1f},{_y(overall):.1f}")
    if segment:
        segments.append(segment)
    for seg in segments:
        parts.append(f'<polyline class="line" points="{" ".join(seg)}"/>')
    for i, (run_id, at, overall, _p) in enumerate(history):
        if overall is None:
            continue
        tip = escape(f"Exécution {run_id}, {labels.fmt_datetime(at)} : {labels.fmt_score(overall)}")
        parts.append(
            f'<circle class="dot" cx="{_x(i, n):.1f}" cy="{_y(overall):.1f}" r="3.5">'
            f"<title>{tip}</title></circle>"
        )
    if history:
        first, last = history[0][1], history[-1][1]
        parts.append(
            f'<text x="{LEFT}" y="{HEIGHT - 8}">{escape(labels.fmt_date(first.date()))}</text>'
        )
        if n > 1:
            parts.append(
                f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end">'
                f"{escape(labels.fmt_date(last.date()))}</text>"
            )
    parts.append("</svg>")
    # Every piece of text above is either a number we computed or passed through escape().
    return Markup("".join(parts))  # noqa: S704


Series = tuple[str, str, list[float | None]]  # css class, label, one value per date


def trend_chart(chart_id: str, title: str, dates: list[datetime], series: list[Series]) -> Markup:
    """Several 0..100 lines over the same dates, with a text legend; ids kept unique."""
    n = len(dates)
    tid = escape(f"{chart_id}-titre")
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="{tid}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{tid}">{escape(title)}</title>',
    ]
    for tick in (0, 25, 50, 75, 100):
        y = _y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    for css, label, values in series:
        segments: list[list[str]] = [[]]
        for i, value in enumerate(values[:n]):
            if value is None:
                segments.append([])
                continue
            segments[-1].append(f"{_x(i, n):.1f},{_y(value):.1f}")
            tip = escape(f"{label}, {labels.fmt_date(dates[i].date())} : {labels.fmt_score(value)}")
            parts.append(
                f'<circle class="dot {escape(css)}" cx="{_x(i, n):.1f}" cy="{_y(value):.1f}" '
                f'r="3"><title>{tip}</title></circle>'
            )
        for seg in segments:
            if len(seg) > 1:
                parts.append(f'<polyline class="line {escape(css)}" points="{" ".join(seg)}"/>')
    if dates:
        parts.append(
            f'<text x="{LEFT}" y="{HEIGHT - 8}">{escape(labels.fmt_date(dates[0].date()))}</text>'
        )
        if n > 1:
            parts.append(
                f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end">'
                f"{escape(labels.fmt_date(dates[-1].date()))}</text>"
            )
    parts.append("</svg>")
    # Only computed numbers and escaped text above.
    return Markup("".join(parts))  # noqa: S704
