"""GeoNetwork CSW catalogues, asked for DCAT (``outputSchema=http://www.w3.org/ns/dcat#``).

A ``GetRecords`` page (GET with KVP parameters) answers a ``csw:GetRecordsResponse``
whose ``csw:SearchResults`` holds records: ``rdf:RDF`` or bare DCAT elements, or — what
most servers answer whatever was asked — ISO 19139 ``gmd:MD_Metadata`` and Dublin Core
``csw:Record`` (``csw_records``: SEMIC's ISO 19139 → DCAT-AP XSLT, a DC mapping). They
are gathered into one RDF/XML document and read by ``dcat.parse_dcat``, so CSW records
are normalised exactly like any DCAT catalogue. A page holding records of which fewer
are read (as datasets or services) is an error for the source (``no-dataset``), so an
incremental run marks nothing deleted because of it. Paging follows ``nextRecord``
and stops when it is 0, beyond ``numberOfRecordsMatched``, or not after the current
``startPosition`` (a server going backwards would loop forever).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from xml.parsers import expat

import requests
from lxml import etree

from observatory.harvest.csw_records import records_to_rdf
from observatory.harvest.dcat import parse_dcat
from observatory.harvest.readers import Document, Reader
from observatory.model import HarvestPage, SourceError
from observatory.net.fetch import FetchError, HttpSettings, fetch

CSW = "http://www.opengis.net/cat/csw/2.0.2"
OWS = ("http://www.opengis.net/ows", "http://www.opengis.net/ows/1.1")
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DCAT_SCHEMA = "http://www.w3.org/ns/dcat#"
ACCEPT = "application/xml, text/xml;q=0.9, */*;q=0.1"
GETRECORDS_DEFAULTS = {
    "service": "CSW",
    "version": "2.0.2",
    "request": "GetRecords",
    "typeNames": "csw:Record",
    "resultType": "results",
    "elementSetName": "full",
    "outputSchema": DCAT_SCHEMA,
}


def _now() -> datetime:
    return datetime.now(UTC)


class CswError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _query(url: str) -> dict[str, str]:
    return {k: v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)}


def _with_query(url: str, query: dict[str, str]) -> str:
    return urlunsplit(urlsplit(url)._replace(query=urlencode(query)))


def _get(query: dict[str, str], name: str) -> str | None:
    """A KVP parameter, case-insensitively (CSW parameter names are not case-sensitive)."""
    lowered = {k.lower(): v for k, v in query.items()}
    return lowered.get(name.lower())


def getrecords_url(endpoint: str, start: int = 1, max_records: int = 50) -> str:
    """A ``GetRecords`` KVP URL asking DCAT; parameters already in ``endpoint`` are kept."""
    query = _query(endpoint)
    present = {k.lower() for k in query}
    if (_get(query, "request") or "").lower() != "getrecords":
        query = {k: v for k, v in query.items() if k.lower() != "request"}
        present.discard("request")
    for name, value in GETRECORDS_DEFAULTS.items():
        if name.lower() not in present:
            query[name] = value
    for name, value in (("startPosition", str(start)), ("maxRecords", str(max_records))):
        query = {k: v for k, v in query.items() if k.lower() != name.lower()} | {name: value}
    return _with_query(endpoint, query)


def _int_attr(element: etree._Element, name: str) -> int | None:
    try:
        return int(element.attrib[name].strip())
    except (KeyError, ValueError):
        return None


def _exception_text(root: etree._Element) -> str:
    texts = [
        (el.text or "").strip()
        for ns in OWS
        for el in root.iter(f"{{{ns}}}ExceptionText")
        if (el.text or "").strip()
    ]
    codes = [
        el.attrib.get("exceptionCode", "") for ns in OWS for el in root.iter(f"{{{ns}}}Exception")
    ]
    return "; ".join(texts) or ", ".join(c for c in codes if c) or "no detail"


def _refuse_entities(*_args: object) -> None:
    raise CswError("parse", "XML entity declarations are refused")


def _parse_xml(content: bytes) -> etree._Element:
    """Parse with expat first, refusing any entity declaration (billion laughs, external
    ones), then with lxml, entities unresolved and the network off."""
    checker = expat.ParserCreate()
    checker.EntityDeclHandler = _refuse_entities
    checker.UnparsedEntityDeclHandler = _refuse_entities
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        checker.Parse(content, True)
        return etree.fromstring(content, parser)
    except (etree.XMLSyntaxError, expat.ExpatError) as exc:
        raise CswError("parse", f"malformed XML: {exc}") from None


def _local(tag: object) -> str:
    return tag.split("}")[-1] if isinstance(tag, str) else ""


def split_response(content: bytes) -> tuple[bytes, dict[str, int | None], int, list[str]]:
    """(one RDF/XML document with every record, paging attributes, number of records,
    notes on unread records); raise CswError when the answer is not a GetRecords one."""
    root = _parse_xml(content)
    if _local(root.tag) == "ExceptionReport":
        raise CswError(
            "csw-exception", f"the CSW server answered an exception: {_exception_text(root)}"
        )
    results = root.find(f"{{{CSW}}}SearchResults")
    if root.tag != f"{{{CSW}}}GetRecordsResponse" or results is None:
        raise CswError("not-csw", f"not a CSW GetRecords response (root <{root.tag}>)")
    rdf, records, notes = records_to_rdf(list(results))
    paging = {
        name: _int_attr(results, name)
        for name in ("numberOfRecordsMatched", "numberOfRecordsReturned", "nextRecord")
    }
    return rdf, paging, records, notes


def next_start(start: int, paging: dict[str, int | None]) -> tuple[int | None, str | None]:
    """(next startPosition or None, why paging stopped when it is not the normal end)."""
    following = paging.get("nextRecord")
    matched = paging.get("numberOfRecordsMatched")
    if following is None or following == 0:
        return None, None
    if matched is not None and following > matched:
        return None, None
    if following <= start:
        return None, f"nextRecord {following} does not move past startPosition {start}"
    if paging.get("numberOfRecordsReturned") == 0:
        return None, f"no record returned at {start} though nextRecord is {following}"
    return following, None


def parse_csw_page(content: bytes, url: str, catalogue_id: str, shacl: int = 0) -> HarvestPage:
    """One GetRecords answer to a page of normalised records (pure, no HTTP); with
    ``shacl`` > 0 the first ``shacl`` records also get their DCAT-AP SHACL verdict."""
    try:
        rdf, paging, records, notes = split_response(content)
    except CswError as exc:
        error = SourceError(catalogue_id, url, exc.kind, f"{url}: {exc.message}", _now())
        return HarvestPage(url=url, errors=[error])
    page = parse_dcat(rdf, "application/rdf+xml", url, catalogue_id, shacl=shacl)
    page.url = url
    for note in notes:
        page.errors.append(SourceError(catalogue_id, url, "unsupported", f"{url}: {note}", _now()))
    read = len(page.datasets) + len(page.services)
    if records and read < records:
        message = (
            f"{url}: the page holds {records} records but only {read} were read as datasets "
            "or services; the harvest of this source is incomplete"
        )
        page.errors.append(SourceError(catalogue_id, url, "no-dataset", message, _now()))
    page.next_url = None  # CSW paging, not hydra
    page.total = paging.get("numberOfRecordsMatched")
    query = _query(url)
    try:
        start = int(_get(query, "startPosition") or 1)
    except ValueError:
        start = 1
    following, problem = next_start(start, paging)
    if problem:
        page.errors.append(
            SourceError(catalogue_id, url, "page-loop", f"{url}: {problem}; stopped", _now())
        )
    if following is not None:
        query = {k: v for k, v in query.items() if k.lower() != "startposition"}
        page.next_url = _with_query(url, query | {"startPosition": str(following)})
    return page


def fetch_csw_page(
    url: str,
    catalogue_id: str,
    http: HttpSettings,
    session: requests.Session | None = None,
    shacl: int = 0,
) -> HarvestPage:
    """GET one GetRecords page under the guard and caps, then read it; never raises."""
    try:
        response = fetch(url, http, session, headers={"Accept": ACCEPT})
    except FetchError as exc:
        message = f"{url}: {exc.message}"
        return HarvestPage(
            url=url, errors=[SourceError(catalogue_id, url, exc.kind, message, _now())]
        )
    return parse_csw_page(response.content, url, catalogue_id, shacl)


# --- the reader of the registry (observatory.harvest.readers) ---------------------------
_OWS_EXCEPTIONS = {f"{{{ns}}}ExceptionReport" for ns in OWS}


def _detect(document: Document) -> bool:
    root = document.xml_root
    return root is not None and (
        root.startswith("{http://www.opengis.net/cat/csw/") or root in _OWS_EXCEPTIONS
    )


def _read_page(
    url: str,
    catalogue_id: str,
    http: HttpSettings,
    *,
    session: requests.Session | None = None,
    shacl: int = 0,
) -> HarvestPage:
    return fetch_csw_page(url, catalogue_id, http, session, shacl)


def _read_file(path: Path, catalogue_id: str, shacl: int) -> HarvestPage:
    return parse_csw_page(path.read_bytes(), path.resolve().as_uri(), catalogue_id, shacl)


def _claims_url(url: str) -> bool:
    parts = urlsplit(url)
    query = {k.lower(): v.lower() for k, v in parse_qsl(parts.query)}
    if query.get("service") == "csw":
        return True
    asked = query.get("request") in ("getrecords", "getcapabilities")
    return asked or parts.path.lower().rstrip("/").endswith("/csw")


READER = Reader("csw", getrecords_url, _read_page, _read_file, _detect, claims_url=_claims_url)
