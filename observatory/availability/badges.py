"""Shields-style flat SVG badges: 30-day availability and overall quality score.

Widths come from a fixed per-character estimate (Verdana 11 px), so the same text always
gives the same SVG, byte for byte. All text goes through xml.etree, so a hostile label is
escaped; characters XML 1.0 forbids (control characters) are dropped first.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
GREY = "#9f9f9f"
LABEL_BG = "#555"
NBSP = "\u00a0"
_NARROW = set("fijlrt.,:;!|'() ")
_WIDE = set("mwMW%@")
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# (lowest value, colour): the first threshold met wins.
UPTIME_COLOURS = ((99.5, "#4c1"), (99.0, "#97ca00"), (97.5, "#dfb317"), (95.0, "#fe7d37"))
SCORE_COLOURS = ((80.0, "#4c1"), (60.0, "#a4a61d"), (40.0, "#dfb317"), (20.0, "#fe7d37"))
RED = "#e05d44"


def xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold."""
    return _INVALID_XML.sub("", text)


def text_width(text: str) -> int:
    """Estimated width in pixels of ``text`` in Verdana 11 px (deterministic)."""
    total = 0.0
    for char in text:
        if char in _NARROW:
            total += 3.7
        elif char in _WIDE:
            total += 10.5
        elif char.isupper():
            total += 8.5
        else:
            total += 6.6
    return math.ceil(total)


def colour_for(value: float | None, scale: tuple[tuple[float, str], ...]) -> str:
    if value is None:
        return GREY
    return next((colour for low, colour in scale if value >= low), RED)


def french_percent(share: float) -> str:
    """0.99876 -> "99,8 %": truncated (never rounded up past a legal threshold)."""
    tenths = math.floor(share * 1000 + 1e-9) / 10
    return f"{tenths:.1f}".replace(".", ",") + NBSP + "%"


def badge_svg(label: str, value: str, colour: str) -> str:
    """A flat badge: grey label on the left, coloured value on the right."""
    label, value = xml_safe(label), xml_safe(value)
    left, right = text_width(label) + 10, text_width(value) + 10
    width = left + right
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "width": str(width),
            "height": "20",
            "role": "img",
            "aria-label": f"{label}: {value}",
        },
    )
    ET.SubElement(svg, "title").text = f"{label}: {value}"
    ET.SubElement(svg, "rect", {"width": str(left), "height": "20", "fill": LABEL_BG})
    ET.SubElement(
        svg, "rect", {"x": str(left), "width": str(right), "height": "20", "fill": colour}
    )
    group = ET.SubElement(
        svg,
        "g",
        {
            "fill": "#fff",
            "text-anchor": "middle",
            "font-family": "Verdana,Geneva,DejaVu Sans,sans-serif",
            "font-size": "11",
        },
    )
    for x, text in ((left / 2, label), (left + right / 2, value)):
        ET.SubElement(group, "text", {"x": f"{x:g}", "y": "14"}).text = text
    return ET.tostring(svg, encoding="unicode")


def uptime_badge(share: float | None, label: str = "disponibilité 30 j") -> str:
    """Availability badge; ``share`` is 0..1 or None ("pas de données")."""
    if share is None:
        return badge_svg(label, "pas de données", GREY)
    return badge_svg(label, french_percent(share), colour_for(share * 100, UPTIME_COLOURS))


def score_badge(score: float | None, label: str = "qualité") -> str:
    """Quality badge; ``score`` is 0..100 or None ("non évalué")."""
    if score is None:
        return badge_svg(label, "non évalué", GREY)
    value = f"{math.floor(score + 1e-9):d}/100"
    return badge_svg(label, value, colour_for(score, SCORE_COLOURS))
