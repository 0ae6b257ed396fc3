"""File formats: declared names and MIME types to families, open and machine-readable sets.

Used by the conformity criteria (declared vs sniffed format, open formats) and by the udata
score (udata's closed formats list, verbatim).
"""

from __future__ import annotations

#: udata ``CLOSED_FORMATS``: a dataset whose resources all have these (or no) format fails
#: "has_open_format".
UDATA_CLOSED_FORMATS = frozenset({"pdf", "doc", "docx", "word", "xls", "excel", "xlsx"})

#: MIME types and synonyms -> family name.
_MIME_FAMILY: dict[str, str] = {
    "text/csv": "csv",
    "application/csv": "csv",
    "text/tab-separated-values": "csv",
    "text/plain": "text",
    "application/json": "json",
    "application/geo+json": "json",
    "application/ld+json": "json",
    "application/vnd.geo+json": "json",
    "application/zip": "zip",
    "application/x-zip-compressed": "zip",
    "application/gzip": "gzip",
    "application/x-gzip": "gzip",
    "application/x-7z-compressed": "7z",
    "application/x-tar": "tar",
    "application/pdf": "pdf",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/rdf+xml": "xml",
    "application/gml+xml": "xml",
    "application/vnd.google-earth.kml+xml": "xml",
    "text/turtle": "turtle",
    "application/n-triples": "turtle",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.apache.parquet": "parquet",
    "application/x-parquet": "parquet",
    "application/geopackage+sqlite3": "gpkg",
    "application/x-sqlite3": "gpkg",
}

_NAME_FAMILY: dict[str, str] = {
    "csv": "csv",
    "tsv": "csv",
    "txt": "text",
    "json": "json",
    "geojson": "json",
    "jsonld": "json",
    "json-ld": "json",
    "ndjson": "json",
    "zip": "zip",
    "shp": "zip",
    "gz": "gzip",
    "gzip": "gzip",
    "csv.gz": "gzip",
    "7z": "7z",
    "tar": "tar",
    "pdf": "pdf",
    "html": "html",
    "htm": "html",
    "xml": "xml",
    "rdf": "xml",
    "gml": "xml",
    "kml": "xml",
    "ttl": "turtle",
    "turtle": "turtle",
    "nt": "turtle",
    "xls": "xls",
    "excel": "xls",
    "xlsx": "xlsx",
    "ods": "ods",
    "odt": "odt",
    "doc": "doc",
    "word": "doc",
    "docx": "docx",
    "parquet": "parquet",
    "gpkg": "gpkg",
    "geopackage": "gpkg",
}

#: Families a declared family may legitimately be served as (containers, lenient servers).
_COMPATIBLE: dict[str, frozenset[str]] = {
    "csv": frozenset({"csv", "text"}),
    "text": frozenset({"text", "csv"}),
    "json": frozenset({"json", "text"}),
    "xml": frozenset({"xml", "text"}),
    "turtle": frozenset({"turtle", "text"}),
    "xlsx": frozenset({"xlsx", "zip"}),
    "docx": frozenset({"docx", "zip"}),
    "ods": frozenset({"ods", "zip"}),
    "odt": frozenset({"odt", "zip"}),
    "xls": frozenset({"xls", "doc"}),  # both OLE2 containers
    "doc": frozenset({"doc", "xls"}),
    "gzip": frozenset({"gzip"}),
}

#: Values that tell nothing about the content.
_UNINFORMATIVE = frozenset({"application/octet-stream", "binary/octet-stream", "octet-stream"})

#: Formats that are proprietary or not meant for machines to read.
PROPRIETARY = frozenset({"xls", "xlsx", "doc", "docx", "pdf"})
NOT_MACHINE_READABLE = frozenset({"pdf", "doc", "docx", "odt", "html", "image"})


def family(value: str | None) -> str | None:
    """The family ("csv", "json", "zip", …) of a format name or MIME type; None if unknown."""
    if not value:
        return None
    key = value.strip().lower().split(";", 1)[0].strip().lstrip(".")
    if not key or key in _UNINFORMATIVE:
        return None
    if key in _MIME_FAMILY:
        return _MIME_FAMILY[key]
    if key in _NAME_FAMILY:
        return _NAME_FAMILY[key]
    if key.startswith("image/") or key in ("png", "jpg", "jpeg", "gif", "tif", "tiff"):
        return "image"
    if key.endswith("+json"):
        return "json"
    if key.endswith("+xml"):
        return "xml"
    return key.rsplit("/", 1)[-1]


def compatible(declared: str, sniffed: str) -> bool:
    """True when content of family ``sniffed`` may be served for declared family ``declared``."""
    return sniffed in _COMPATIBLE.get(declared, frozenset({declared}))


def is_open(fmt_family: str | None) -> bool:
    return fmt_family is not None and fmt_family not in PROPRIETARY


def is_machine_readable(fmt_family: str | None) -> bool:
    return fmt_family is not None and fmt_family not in NOT_MACHINE_READABLE
