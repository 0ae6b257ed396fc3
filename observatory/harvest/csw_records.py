"""CSW records in ISO 19139 or Dublin Core turned into DCAT-AP RDF/XML.

ISO 19139 (``gmd:MD_Metadata``, what most GeoNetwork catalogues answer) goes through
SEMIC's official ISO 19139 → DCAT-AP transformation, the XSLT bundled unchanged in
``xslt/`` (source, licence and date in ``xslt/README.md``), run by lxml (libxslt) with
every document, file and network access denied: the coupled-resource look-up, which
would fetch other records, is disabled. Dublin Core records (``csw:Record``, also
``csw:SummaryRecord`` and ``csw:BriefRecord``) are mapped here, element by element, to
the same DCAT terms (dc:title → dct:title, dct:abstract → dct:description, dc:subject →
dcat:keyword, dc:URI and dct:references → distributions…).

``records_to_rdf`` takes the record elements of one GetRecords page and returns one
RDF/XML document with every record's DCAT description, the count of records it read,
and one note per record it could not map (an unknown schema).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

XSLT_PATH = Path(__file__).resolve().parent / "xslt" / "iso-19139-to-dcat-ap.xsl"
GMD = "http://www.isotc211.org/2005/gmd"
CSW = "http://www.opengis.net/cat/csw/2.0.2"
DC = "http://purl.org/dc/elements/1.1/"
DCT = "http://purl.org/dc/terms/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DCAT = "http://www.w3.org/ns/dcat#"
DC_RECORDS = {f"{{{CSW}}}Record", f"{{{CSW}}}SummaryRecord", f"{{{CSW}}}BriefRecord"}
ISO_RECORDS = {f"{{{GMD}}}MD_Metadata"}
#: Parameters of the transformation: udata's choices (French labels first, dct:rights kept).
XSLT_PARAMS = {
    "CoupledResourceLookUp": "'disabled'",
    "include-deprecated": "'yes'",
    "locale-preferred-lang": "'fre'",
}


@cache
def _iso_transform() -> etree.XSLT:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    stylesheet = etree.parse(str(XSLT_PATH), parser)
    return etree.XSLT(stylesheet, access_control=etree.XSLTAccessControl.DENY_ALL)


def iso_to_rdf(records: list[etree._Element]) -> list[etree._Element]:
    """The DCAT-AP descriptions (children of rdf:RDF) of ISO 19139 records."""
    if not records:
        return []
    wrapper = etree.Element("records")
    for record in records:
        wrapper.append(_copy(record))
    result = _iso_transform()(etree.ElementTree(wrapper), **XSLT_PARAMS)
    root = result.getroot()
    return list(root) if root is not None else []


def _copy(element: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(element))


def _texts(record: etree._Element, *tags: str) -> list[str]:
    out: list[str] = []
    for tag in tags:
        for element in record.iter(tag):
            text = (element.text or "").strip()
            if text and text not in out:
                out.append(text)
    return out


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> None:
    element = etree.SubElement(parent, tag, {f"{{{RDF}}}{k}": v for k, v in attrib.items()})
    if text is not None:
        element.text = text


def dublin_core_to_rdf(record: etree._Element) -> etree._Element:
    """One DCAT dataset for one Dublin Core record."""
    identifiers = _texts(record, f"{{{DC}}}identifier")
    about = next((i for i in identifiers if i.startswith(("http://", "https://"))), None)
    dataset = etree.Element(f"{{{DCAT}}}Dataset", {f"{{{RDF}}}about": about} if about else {})
    for ident in identifiers[:1]:
        _sub(dataset, f"{{{DCT}}}identifier", ident)
    for title in _texts(record, f"{{{DC}}}title")[:1]:
        _sub(dataset, f"{{{DCT}}}title", title)
    for text in _texts(record, f"{{{DCT}}}abstract", f"{{{DC}}}description")[:1]:
        _sub(dataset, f"{{{DCT}}}description", text)
    for keyword in _texts(record, f"{{{DC}}}subject"):
        _sub(dataset, f"{{{DCAT}}}keyword", keyword)
    for when in _texts(record, f"{{{DCT}}}modified", f"{{{DC}}}date")[:1]:
        _sub(dataset, f"{{{DCT}}}modified", when)
    for publisher in _texts(record, f"{{{DC}}}publisher", f"{{{DC}}}creator")[:1]:
        _sub(dataset, f"{{{DCT}}}publisher", publisher)
    for rights in _texts(record, f"{{{DC}}}rights", f"{{{DCT}}}accessRights")[:1]:
        _sub(dataset, f"{{{DCT}}}accessRights", rights)
    for element in [*record.iter(f"{{{DC}}}URI"), *record.iter(f"{{{DCT}}}references")]:
        url = (element.text or "").strip()
        if not url:
            continue
        link = etree.SubElement(dataset, f"{{{DCAT}}}distribution")
        dist = etree.SubElement(link, f"{{{DCAT}}}Distribution")
        _sub(dist, f"{{{DCAT}}}accessURL", resource=url)
        name = element.get("name") or element.get("description")
        if name:
            _sub(dist, f"{{{DCT}}}title", name)
        protocol = element.get("protocol") or element.get("scheme")
        if protocol:
            _sub(dist, f"{{{DCT}}}format", protocol)
    return dataset


def records_to_rdf(children: list[etree._Element]) -> tuple[bytes, int, list[str]]:
    """(one RDF/XML document, number of records read, notes on records left unread)."""
    merged = etree.Element(f"{{{RDF}}}RDF", nsmap={"rdf": RDF, "dcat": DCAT, "dct": DCT})
    iso: list[etree._Element] = []
    notes: list[str] = []
    records = 0
    for child in children:
        if not isinstance(child.tag, str):
            continue  # a comment or processing instruction
        if child.tag == f"{{{RDF}}}RDF":
            records += 1
            merged.extend(_copy(c) for c in child)
        elif child.tag in ISO_RECORDS:
            records += 1
            iso.append(child)
        elif child.tag in DC_RECORDS:
            records += 1
            merged.append(dublin_core_to_rdf(child))
        elif child.tag.startswith(f"{{{DCAT}}}"):
            records += 1
            merged.append(_copy(child))
        else:
            records += 1
            notes.append(f"a record in an unsupported schema <{child.tag}> was not read")
    merged.extend(iso_to_rdf(iso))
    return etree.tostring(merged, encoding="utf-8", xml_declaration=True), records, notes
