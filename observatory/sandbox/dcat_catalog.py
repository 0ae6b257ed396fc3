"""DCAT-AP exports of the sandbox: the portal's site catalogue and a regional catalogue.

Both are rdflib graphs paged with ``hydra:PartialCollectionView`` / ``hydra:next`` like
data.gouv.fr's ``/api/1/site/catalog.jsonld?page=N``. The regional catalogue (Ecosphères
style, "Catalogue régional Auvergne-Rhône-Alpes") holds 34 datasets whose metadata ranges
from excellent to a bare title. Blank nodes carry fixed ids so output is reproducible.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlencode

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from observatory.sandbox.common import Response
from observatory.sandbox.state import SandboxState

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
FORMATS = {
    "json": "json-ld",
    "jsonld": "json-ld",
    "ttl": "turtle",
    "xml": "xml",
    "rdf": "xml",
    "nt": "nt",
}
MEDIA = {
    "json-ld": "application/ld+json",
    "turtle": "text/turtle",
    "xml": "application/rdf+xml",
    "nt": "application/n-triples",
}
EU_FREQ = {
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "semiannual": "ANNUAL_2",
    "threeTimesAYear": "ANNUAL_3",
    "annual": "ANNUAL",
    "irregular": "IRREG",
    "unknown": "UNKNOWN",
}
EU_FILE = {
    "csv": "CSV",
    "zip": "ZIP",
    "json": "JSON",
    "geojson": "GEOJSON",
    "pdf": "PDF",
    "html": "HTML",
    "xlsx": "XLSX",
}

TOPICS = (
    ("eau", "ENVI", "Qualité des cours d'eau"),
    ("biodiversite", "ENVI", "Zones naturelles d'intérêt écologique (ZNIEFF)"),
    ("dechets", "ENVI", "Tonnages de déchets ménagers collectés"),
    ("energie", "ENER", "Consommation d'électricité par secteur"),
    ("energie", "ENER", "Production d'énergie renouvelable"),
    ("climat", "ENVI", "Plan climat-air-énergie territorial"),
    ("air", "ENVI", "Indices de qualité de l'air"),
    ("risques", "ENVI", "Plans de prévention des risques naturels"),
    ("transport", "TRAN", "Aménagements cyclables"),
    ("agriculture", "AGRI", "Surfaces en agriculture biologique"),
    ("urbanisme", "REGI", "Documents d'urbanisme"),
    ("foret", "AGRI", "Forêts publiques"),
)
TERRITORIES = (
    ("01", "Ain"),
    ("03", "Allier"),
    ("07", "Ardèche"),
    ("15", "Cantal"),
    ("26", "Drôme"),
    ("38", "Isère"),
    ("42", "Loire"),
    ("43", "Haute-Loire"),
    ("63", "Puy-de-Dôme"),
    ("69", "Rhône"),
    ("73", "Savoie"),
    ("74", "Haute-Savoie"),
)
REGIONAL_COUNT = 34
REGIONAL_TITLE = "Catalogue régional Auvergne-Rhône-Alpes"


def regional_records(state: SandboxState) -> list[dict[str, Any]]:
    """The regional datasets; ``i % 4`` sets the tier: 0 excellent, 1 good, 2 fair, 3 poor."""
    base = state.base("catalogue")
    out = []
    for i in range(REGIONAL_COUNT):
        theme, eu_theme, label = TOPICS[i % len(TOPICS)]
        dep, territory = TERRITORIES[(i * 5) % len(TERRITORIES)]
        slug = f"{theme}-{dep}-{i:02d}"
        tier = i % 4
        rec: dict[str, Any] = {
            "uri": f"{base}/catalogue/datasets/{slug}",
            "identifier": slug,
            "title": f"{label} — {territory}",
        }
        if tier <= 2:
            rec["description"] = (
                f"{label} sur le territoire « {territory} » : données "
                "produites par les services de l'État en région et leurs "
                "partenaires."
                if tier < 2
                else label
            )
            rec["modified"] = state.clock.iso(5 + i * 11, 6)
            path = f"/catalogue/files/{slug}.csv"
            if i % 9 == 4:
                path = f"/catalogue/files/manquant-{slug}.csv"  # a broken download
            dist: dict[str, Any] = {
                "uri": f"{rec['uri']}/csv",
                "title": f"{label} (CSV)",
                "access": base + path,
            }
            rec["distributions"] = [dist]
        if tier <= 1:
            rec |= {
                "keywords": [theme, territory.lower(), "auvergne-rhone-alpes"],
                "eu_theme": EU + f"data-theme/{eu_theme}",
                "fr_theme": f"{base}/catalogue/themes/{theme}",
                "publisher": ("DREAL Auvergne-Rhône-Alpes", f"{base}/catalogue/orgs/dreal-ara"),
                "license": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
                "frequency": EU + "frequency/" + ("ANNUAL" if i % 3 else "MONTHLY"),
                "issued": state.clock.iso(800 + i, 9),
            }
            dist |= {"download": dist["access"], "media": "text/csv", "format": "csv"}
        if tier == 0:
            rec |= {
                "temporal": ("2020-01-01", "2023-12-31"),
                "spatial": f"http://id.insee.fr/geo/departement/{dep}",
                "contact": ("Service connaissance", "connaissance.dreal-ara@example.gouv.fr"),
                "access_rights": EU + "access-right/PUBLIC",
                "conforms_to": "http://www.opengis.net/def/crs/EPSG/0/2154",
                "license": EU + "licence/CC_BY_4_0",
            }
            dist |= {
                "byte_size": 1200 + i * 7,
                "eu_format": EU + "file-type/CSV",
                "license": EU + "licence/CC_BY_4_0",
                "issued": rec["issued"],
                "modified": rec["modified"],
                "rights": "Données publiques",
            }
        out.append(rec)
    return out


def portal_records(state: SandboxState) -> list[dict[str, Any]]:
    """The portal's datasets as DCAT records (what data.gouv.fr's site catalogue exports)."""
    from observatory.sandbox.udata_api import datasets

    return [portal_record(state, ds) for ds in datasets(state)]


def portal_record(state: SandboxState, ds: Any) -> dict[str, Any]:
    """One portal dataset as a DCAT record (site catalogue and per-dataset RDF alike)."""
    from observatory.sandbox.udata_api import dataset_payload

    p = dataset_payload(state, ds)
    rec: dict[str, Any] = {
        "uri": p["uri"].replace("/api/1/", "/"),
        "identifier": p["id"],
        "title": p["title"],
        "description": p["description"] or None,
        "keywords": p["tags"],
        "modified": p["last_modified"],
        "issued": p["created_at"],
        "landing": p["page"],
        "publisher": (p["organization"]["name"], p["organization"]["uri"]),
    }
    if p["frequency"] in EU_FREQ:
        rec["frequency"] = EU + "frequency/" + EU_FREQ[p["frequency"]]
    if p["temporal_coverage"]:
        rec["temporal"] = (p["temporal_coverage"]["start"], p["temporal_coverage"]["end"])
    rec["distributions"] = [
        {
            "uri": f"{state.portal_url}/datasets/{p['id']}/resources/{r['id']}",
            "title": r["title"],
            "access": r["url"],
            "download": r["url"],
            "media": r["mime"],
            "format": r["format"],
            "byte_size": r["filesize"],
            "license": p["license"],
            "modified": r["last_modified"],
            "conforms_to": (r["schema"] or {}).get("url"),
        }
        for r in p["resources"]
    ]
    return rec


def _date(value: str) -> Literal:
    kind = XSD.date if len(value) == 10 else XSD.dateTime
    return Literal(value, datatype=kind)


def _add_record(g: Graph, rec: dict[str, Any], n: int) -> URIRef:
    ds = URIRef(rec["uri"])
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(rec["title"], lang="fr")))
    g.add((ds, DCTERMS.identifier, Literal(rec["identifier"])))
    if rec.get("description"):
        g.add((ds, DCTERMS.description, Literal(rec["description"], lang="fr")))
    for word in rec.get("keywords", []):
        g.add((ds, DCAT.keyword, Literal(word)))
    for key in ("eu_theme", "fr_theme"):
        if rec.get(key):
            g.add((ds, DCAT.theme, URIRef(rec[key])))
    if rec.get("fr_theme"):
        theme = URIRef(rec["fr_theme"])
        g.add((theme, RDF.type, SKOS.Concept))
        g.add((theme, SKOS.prefLabel, Literal(rec["keywords"][0], lang="fr")))
    for key, pred in (("issued", DCTERMS.issued), ("modified", DCTERMS.modified)):
        if rec.get(key):
            g.add((ds, pred, _date(rec[key])))
    for key, pred in (
        ("frequency", DCTERMS.accrualPeriodicity),
        ("spatial", DCTERMS.spatial),
        ("access_rights", DCTERMS.accessRights),
        ("landing", DCAT.landingPage),
        ("conforms_to", DCTERMS.conformsTo),
    ):
        if rec.get(key):
            g.add((ds, pred, URIRef(rec[key])))
    # the excellent records type what they cite, as DCAT-AP 3 ranges ask
    for key, cls in (("spatial", DCTERMS.Location), ("conforms_to", DCTERMS.Standard)):
        if rec.get(key):
            g.add((URIRef(rec[key]), RDF.type, cls))
    if rec.get("publisher"):
        org = URIRef(rec["publisher"][1])
        g.add((ds, DCTERMS.publisher, org))
        g.add((org, RDF.type, FOAF.Organization))
        g.add((org, FOAF.name, Literal(rec["publisher"][0])))
    if rec.get("contact"):
        contact = BNode(f"contact{n}")
        g.add((ds, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, VCARD.fn, Literal(rec["contact"][0])))
        g.add((contact, VCARD.hasEmail, URIRef("mailto:" + rec["contact"][1])))
    if rec.get("temporal"):
        period = BNode(f"temporal{n}")
        g.add((ds, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, _date(rec["temporal"][0])))
        if rec["temporal"][1]:
            g.add((period, DCAT.endDate, _date(rec["temporal"][1])))
    for dist in rec.get("distributions", []):
        _add_distribution(g, ds, dist, rec.get("license"))
    return ds


def _add_distribution(g: Graph, ds: URIRef, dist: dict[str, Any], license: str | None) -> None:
    node = URIRef(dist["uri"])
    g.add((ds, DCAT.distribution, node))
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCTERMS.title, Literal(dist["title"])))
    g.add((node, DCAT.accessURL, URIRef(dist["access"])))
    if dist.get("download"):
        g.add((node, DCAT.downloadURL, URIRef(dist["download"])))
    if dist.get("media"):
        g.add(
            (
                node,
                DCAT.mediaType,
                URIRef("https://www.iana.org/assignments/media-types/" + dist["media"]),
            )
        )
    if dist.get("eu_format") or dist.get("format"):
        fmt = dist.get("eu_format") or EU + "file-type/" + EU_FILE.get(dist["format"], "BIN")
        g.add((node, DCTERMS["format"], URIRef(fmt)))
    if dist.get("byte_size"):
        size = Literal(str(int(dist["byte_size"])), datatype=XSD.nonNegativeInteger)
        g.add((node, DCAT.byteSize, size))
    lic = dist.get("license") or license
    if lic:
        g.add((node, DCTERMS.license, URIRef(lic) if ":" in lic else Literal(lic)))
    for key, pred in (("issued", DCTERMS.issued), ("modified", DCTERMS.modified)):
        if dist.get(key):
            g.add((node, pred, _date(dist[key])))
    if dist.get("rights"):
        rights = URIRef(dist["uri"] + "#rights")
        g.add((node, DCTERMS.rights, rights))
        g.add((rights, RDF.type, DCTERMS.RightsStatement))
        g.add((rights, RDFS.label, Literal(dist["rights"], lang="fr")))
    if dist.get("conforms_to"):
        g.add((node, DCTERMS.conformsTo, URIRef(dist["conforms_to"])))


def catalog_graph(
    records: list[dict[str, Any]], catalog_uri: str, page_url: str, title: str, page: int, size: int
) -> Graph:
    """One page of a catalogue, with hydra paging links (next/previous/first/last)."""
    g = Graph()
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    g.bind("hydra", HYDRA)
    g.bind("foaf", FOAF)
    g.bind("vcard", VCARD)
    cat = URIRef(catalog_uri)
    g.add((cat, RDF.type, DCAT.Catalog))
    g.add((cat, RDF.type, HYDRA.Collection))
    g.add((cat, DCTERMS.title, Literal(title, lang="fr")))
    description = f"{title} : jeux de données publiés, au format DCAT-AP."
    g.add((cat, DCTERMS.description, Literal(description, lang="fr")))
    publisher = URIRef(catalog_uri + "#publisher")
    g.add((cat, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(title)))
    g.add((cat, DCTERMS.language, URIRef(EU + "language/FRA")))
    g.add((cat, HYDRA.totalItems, Literal(len(records))))
    first = (page - 1) * size
    for n, rec in enumerate(records[first : first + size], start=first):
        g.add((cat, DCAT.dataset, _add_record(g, rec, n)))
    last = max(1, -(-len(records) // size))

    def link(p: int) -> URIRef:
        return URIRef(f"{page_url}?" + urlencode({"page": p, "page_size": size}))

    view = link(page)
    g.add((cat, HYDRA.view, view))
    g.add((view, RDF.type, HYDRA.PartialCollectionView))
    g.add((view, HYDRA.first, link(1)))
    g.add((view, HYDRA.last, link(last)))
    if page < last:
        g.add((view, HYDRA["next"], link(page + 1)))
    if page > 1:
        g.add((view, HYDRA.previous, link(page - 1)))
    return g


def pick_format(path: str, accept: str | None) -> str | None:
    """The rdflib format from the path's extension, else from Accept (JSON-LD by default)."""
    last = path.rsplit("/", 1)[-1]
    if "." in last:
        return FORMATS.get(last.rsplit(".", 1)[1])
    accept = accept or ""
    for rdf_format, media in MEDIA.items():
        if media in accept:
            return rdf_format
    return "json-ld"


def catalog_response(
    state: SandboxState, path: str, query: dict[str, str], accept: str | None
) -> Response:
    """Serve a page of the portal's site catalogue or of the regional catalogue."""
    rdf_format = pick_format(path, accept)
    if rdf_format is None:
        return Response(404, b"unknown format", "text/plain")
    regional = path.startswith("/catalogue/")
    try:
        page = max(1, int(query.get("page", "1")))
        size = max(1, min(100, int(query.get("page_size", "10" if regional else "20"))))
    except ValueError:
        return Response(400, b"bad page", "text/plain")
    if regional:
        base = state.base("catalogue")
        records, title = regional_records(state), REGIONAL_TITLE
        catalog_uri = f"{base}/catalogue/"
    else:
        base = state.portal_url
        records, title = portal_records(state), "data.gouv.fr (bac à sable)"
        catalog_uri = f"{base}/"
    g = catalog_graph(records, catalog_uri, base + path, title, page, size)
    body = g.serialize(format=rdf_format)
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Response(200, data, MEDIA[rdf_format] + "; charset=utf-8")


def dataset_rdf_response(
    state: SandboxState, path: str, query: dict[str, str], accept: str | None
) -> Response | None:
    """udata's per-dataset RDF (``dataset_to_rdf``): ``/api/1/datasets/<id>/rdf`` redirects
    by content negotiation to ``…/rdf.<format>`` (JSON-LD by default), which, like the site
    route ``/datasets/<id>/rdf.<format>``, answers the dataset's DCAT description alone.
    None when ``path`` is not such a route."""
    from observatory.sandbox.udata_api import find_dataset

    m = re.fullmatch(r"(/api/1)?/datasets/([^/]+)/rdf(\.\w+)?/?", path)
    if m is None or (m.group(1) is None and m.group(3) is None):
        return None
    ds = find_dataset(state, unquote(m.group(2)))
    if ds is None:
        return Response(404, b'{"message": "Dataset not found"}', "application/json")
    if m.group(3) is None:
        fmt = pick_format(path, accept) or "json-ld"
        ext = {"json-ld": "jsonld", "turtle": "ttl", "xml": "xml", "nt": "nt"}[fmt]
        location = f"{state.portal_url}/api/1/datasets/{ds.id}/rdf.{ext}"
        return Response(302, b"", "text/plain", {"Location": location})
    rdf_format = FORMATS.get(m.group(3)[1:])
    if rdf_format is None:
        return Response(404, b"unknown format", "text/plain")
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD)):
        g.bind(prefix, ns)
    _add_record(g, portal_record(state, ds), 0)
    body = g.serialize(format=rdf_format)
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Response(200, data, MEDIA[rdf_format] + "; charset=utf-8")
