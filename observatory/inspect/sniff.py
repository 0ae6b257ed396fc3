"""Recognise a file's real format from its first bytes, whatever its declared format says.

A resource declared "csv" that starts with ``<!DOCTYPE html`` is a portal page or a
firewall block page; a "zip" that holds ``xl/`` is a spreadsheet. Magic bytes first, then
text heuristics; the declared Content-Type only breaks ties when the bytes say nothing.
"""

from __future__ import annotations

import csv
import json
import re

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "pdf"),
    (b"\x1f\x8b", "gzip"),
    (b"PAR1", "parquet"),
    (b"BZh", "bz2"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"Rar!\x1a\x07", "rar"),
    (b"SQLite format 3\x00", "sqlite"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),  # OLE2: legacy Office (xls, doc)
    (b"\x89HDF\r\n\x1a\n", "hdf5"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"ARROW1", "arrow"),
)
CONTENT_TYPES = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/json": "json",
    "application/geo+json": "geojson",
    "application/vnd.geo+json": "geojson",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/html": "html",
    "application/pdf": "pdf",
    "application/zip": "zip",
    "application/gzip": "gzip",
    "application/x-gzip": "gzip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/x-parquet": "parquet",
    "application/vnd.apache.parquet": "parquet",
}
DELIMITERS = (",", ";", "\t", "|")
_GEOJSON = re.compile(rb'"type"\s*:\s*"(FeatureCollection|Feature)"')
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _zip_kind(head: bytes) -> str:
    """Tell an Office/OpenDocument file from a plain archive by its first entry names."""
    if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in head[:200]:
        return "ods"
    if b"xl/" in head:
        return "xlsx"
    if b"word/" in head:
        return "docx"
    if b"ppt/" in head:
        return "pptx"
    return "zip"


def _decode(head: bytes) -> str | None:
    """The text of ``head`` (a prefix: a cut multi-byte character is tolerated), or None."""
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[2:].decode(codec, "ignore")
    body = head[3:] if head.startswith(_BOMS[0]) else head
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(body) - 3:  # a character cut by the prefix
            return body[: exc.start].decode("utf-8")
    return body.decode("cp1252", "replace")


def _markup_kind(text: str) -> str:
    start = text[:4096].lower()
    if "<!doctype html" in start or "<html" in start or "<body" in start:
        return "html"
    return "xml"


def _json_kind(raw: bytes, text: str) -> str | None:
    """json or geojson; a long prefix that does not parse is taken as JSON cut short."""
    try:
        json.loads(text)
    except ValueError:
        if len(raw) < 4096:
            return None
    return "geojson" if _GEOJSON.search(raw[:65536]) else "json"


def csv_delimiter(text: str, max_lines: int = 50) -> str | None:
    """The delimiter splitting the first lines into the same number (> 1) of fields."""
    lines = text.splitlines()
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line may be cut by the prefix
    lines = [line for line in lines[:max_lines] if line.strip()]
    if not lines:
        return None
    best: tuple[float, int, str] | None = None
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        width = counts[0]
        if width < 2:
            continue
        share = sum(1 for c in counts if c == width) / len(counts)
        if share < 0.8:
            continue
        score = (share, width, delimiter)
        if best is None or score[:2] > best[:2]:
            best = score
    return best[2] if best else None


def sniff_format(head: bytes, content_type: str | None = None) -> str | None:
    """The format of a file from its first bytes: csv, json, geojson, zip, xlsx, pdf, html…"""
    declared = CONTENT_TYPES.get((content_type or "").split(";")[0].strip().lower())
    if not head:
        return declared
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(head)
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    text = _decode(head)
    if text is None:
        return declared
    stripped = text.lstrip()
    if stripped.startswith("<"):
        return _markup_kind(stripped)
    if stripped.startswith(("{", "[")):
        as_json = _json_kind(head, stripped)
        if as_json:
            return as_json
    if csv_delimiter(text):
        return "csv"
    return declared or ("text" if stripped else None)
