"""Controlled vocabularies the MQA checks against: EU file types, IANA media types,
licence and access-right authorities, and data.europa.eu's non-proprietary and
machine-readable format lists (as EU file-type codes).

The EU tables are not downloaded: a value is recognised by its IRI namespace and, for
formats, by an embedded list of the codes met in open data.
"""

from __future__ import annotations

import re

from observatory.scoring.licences import classify_licence

AUTHORITY = "http://publications.europa.eu/resource/authority/"


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: EU file-type codes seen in open data (authority table ``file-type``).
EU_FILE_TYPES = _codes(
    "7Z ATOM BIN BMP CSV DBF DOC DOCX DWG DXF ECW EPUB EXE GDB GEOJSON GEOTIFF GIF GML GMZ "
    "GPKG GRID GRID_ASCII GTFS GZIP HDF HTML ICS JPEG JPEG2000 JSON JSON_LD KML KMZ LAS LAZ "
    "MAP_SRVC MDB MRSID N3 NETCDF OCTET ODB ODF ODG ODP ODS ODT OWL PARQUET PDF PDFA1A PDFA1B "
    "PNG PPT PPTX PS RAR RDF RDFA RDF_N_QUADS RDF_N_TRIPLES RDF_TRIG RDF_TURTLE RDF_XML REST "
    "RSS RTF SDMX SHP SPARQLQ SPARQLQRES SQL SVG TAB TAR TAR_GZ TIFF TSV TXT WCS_SRVC WFS_SRVC "
    "WMS_SRVC WMTS_SRVC XHTML XLS XLSB XLSM XLSX XML XSLT XYZ YAML ZIP"
)
#: data.europa.eu's non-proprietary and machine-readable format lists (EU codes).
NON_PROPRIETARY = _codes(
    "7Z ATOM BMP CSV DBF GEOJSON GEOTIFF GML GPKG GTFS GZIP HTML ICS JPEG2000 JSON JSON_LD KML "
    "KMZ N3 NETCDF ODS ODT ODP ODG PARQUET PNG RDF RDF_N_QUADS RDF_N_TRIPLES RDF_TRIG "
    "RDF_TURTLE RDF_XML RSS RTF SVG TAR TIFF TSV TXT WCS_SRVC WFS_SRVC WMS_SRVC WMTS_SRVC "
    "XHTML XML YAML ZIP"
)
MACHINE_READABLE = _codes(
    "ATOM CSV DBF GEOJSON GML GPKG GTFS ICS JSON JSON_LD KML KMZ N3 NETCDF ODS PARQUET RDF "
    "RDF_N_QUADS RDF_N_TRIPLES RDF_TRIG RDF_TURTLE RDF_XML RSS SDMX SHP SPARQLQRES TSV "
    "WFS_SRVC XLS XLSX XML YAML"
)
#: Format names and media types as catalogues write them -> EU code.
_ALIASES = {
    "jsonld": "JSON_LD", "json-ld": "JSON_LD", "ttl": "RDF_TURTLE", "turtle": "RDF_TURTLE",
    "nt": "RDF_N_TRIPLES", "n-triples": "RDF_N_TRIPLES", "rdf/xml": "RDF_XML", "rdf+xml": "RDF_XML",
    "excel": "XLS", "word": "DOC", "tif": "TIFF", "jpg": "JPEG", "htm": "HTML", "gz": "GZIP",
    "wms": "WMS_SRVC", "wfs": "WFS_SRVC", "wmts": "WMTS_SRVC", "wcs": "WCS_SRVC",
    "geopackage": "GPKG", "esri shapefile": "SHP", "shapefile": "SHP", "netcdf": "NETCDF",
    "text/csv": "CSV", "application/json": "JSON", "application/geo+json": "GEOJSON",
    "application/ld+json": "JSON_LD", "application/xml": "XML", "text/xml": "XML",
    "application/rdf+xml": "RDF_XML", "text/turtle": "RDF_TURTLE", "application/zip": "ZIP",
    "application/pdf": "PDF", "text/html": "HTML", "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS", "application/gml+xml": "GML",
    "application/vnd.google-earth.kml+xml": "KML", "text/plain": "TXT",
    "text/tab-separated-values": "TSV", "application/gzip": "GZIP",
    "application/geopackage+sqlite3": "GPKG", "application/vnd.apache.parquet": "PARQUET",
}  # fmt: skip
_IANA_TOP = frozenset(
    {"application", "audio", "font", "image", "message", "model", "multipart", "text", "video"}
)
_MEDIA_RE = re.compile(r"^([a-z]+)/([a-z0-9][a-z0-9!#$&^_.+-]*)$")
_IANA_URI = re.compile(
    r"^https?://www\.(?:iana\.org/assignments|w3\.org/ns/iana)/media-types/([^#]+)", re.I
)
LICENCE_VOCABULARIES = (
    AUTHORITY + "licence/",
    "http://spdx.org/licenses/",
    "https://spdx.org/licenses/",
    "http://dcat-ap.de/def/licenses/",
)
ACCESS_RIGHTS = frozenset({"PUBLIC", "RESTRICTED", "NON_PUBLIC", "CONFIDENTIAL", "SENSITIVE"})


def eu_code(value: str | None) -> str | None:
    """The EU file-type code of a format IRI, name or media type; None when unknown."""
    if not value:
        return None
    text = value.strip()
    if "/authority/file-type/" in text:
        return text.rstrip("/").rsplit("/", 1)[-1].upper()
    iana = _IANA_URI.match(text)
    key = (iana.group(1) if iana else text).lower().split(";", 1)[0].strip().lstrip(".")
    if key in _ALIASES:
        return _ALIASES[key]
    code = key.upper().replace("-", "_")
    return code if code in EU_FILE_TYPES else None


def is_eu_file_type_iri(value: str | None) -> bool:
    return bool(value) and "publications.europa.eu/resource/authority/file-type/" in str(value)


def iana_media_type(value: str | None) -> str | None:
    """``type/subtype`` of an IANA media-type IRI or string; None when not IANA-like.

    Unregistered ``x-`` subtypes and unknown top-level types are refused.
    """
    if not value:
        return None
    text = value.strip()
    match = _IANA_URI.match(text)
    candidate = (match.group(1) if match else text).lower().split(";", 1)[0].strip()
    parsed = _MEDIA_RE.match(candidate)
    if not parsed or parsed.group(1) not in _IANA_TOP or parsed.group(2).startswith("x-"):
        return None
    return candidate


def licence_from_vocabulary(value: str | None) -> bool:
    """An EU licence authority, SPDX or DCAT-AP.de IRI, or a licence we recognise."""
    if not value:
        return False
    if value.strip().startswith(LICENCE_VOCABULARIES):
        return True
    return classify_licence(value)[0] == "open"


def access_rights_from_vocabulary(value: str | None) -> bool:
    if not value:
        return False
    text = value.strip()
    return "/authority/access-right/" in text or text.upper() in ACCESS_RIGHTS
