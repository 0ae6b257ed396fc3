"""Small look-alikes of the SPDR APIs, served by the "apis" producer host.

Paths carry the real API's name as a prefix (one host serves them all):
``/api-adresse/search/?q=`` (api-adresse.data.gouv.fr), ``/geo/communes/<code>``
(geo.api.gouv.fr), ``/recherche-entreprises/search?q=`` (recherche-entreprises.api.gouv.fr),
``/apicarto/cadastre/commune?code_insee=`` (API Carto), ``/annuaire/…/records``
(API Annuaire de l'administration) and ``/geopf/wmts`` (Géoplateforme WMTS).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from observatory.sandbox import tables
from observatory.sandbox.common import Response, json_response
from observatory.sandbox.files import services_etat
from observatory.sandbox.refdata import ARRONDISSEMENTS, COMMUNES
from observatory.sandbox.state import SandboxState

Query = dict[str, str]


def _words(text: str) -> set[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return set(re.findall(r"[a-z0-9]+", plain))


def _int(value: str | None, default: int, low: int = 1, high: int = 100) -> int:
    try:
        return max(low, min(high, int(value or default)))
    except ValueError:
        return default


def address_search(state: SandboxState, query: Query) -> Response:
    """GeoJSON FeatureCollection ranked by shared words, like api-adresse /search/."""
    q = query.get("q", "")
    if len(q.strip()) < 3:
        return json_response(
            {
                "code": 400,
                "detail": ["q: must contain at least 3 chars"],
                "message": "Failed parsing query",
            },
            400,
        )
    wanted = _words(q)
    scored = []
    for dep in ("75", "69", "13"):
        for row in tables.ban_addresses(dep)[1]:
            label = f"{row[2]} {row[4]} {row[5]} {row[7]}"
            score = len(wanted & _words(label)) / max(len(wanted), 1)
            scored.append((score, label, row))
    scored.sort(key=lambda item: (-item[0], item[1]))
    limit = _int(query.get("limit"), 5, high=20)
    features = [_address_feature(score, label, row) for score, label, row in scored[:limit]]
    return json_response(
        {
            "type": "FeatureCollection",
            "version": "draft",
            "features": features,
            "attribution": "BAN",
            "licence": "ETALAB-2.0",
            "query": q,
            "limit": limit,
        }
    )


def _address_feature(score: float, label: str, row: list) -> dict:
    lon, lat = float(row[12]), float(row[13])
    props = {
        "label": label,
        "score": round(0.3 + 0.69 * score, 4),
        "housenumber": str(row[2]),
        "id": row[0],
        "name": f"{row[2]} {row[4]}",
        "postcode": row[5],
        "citycode": row[6],
        "x": float(row[10]),
        "y": float(row[11]),
        "city": row[7],
        "context": f"{row[6][:2]}, Île-de-France",
        "type": "housenumber",
        "importance": 0.6,
        "street": row[4],
    }
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }


def commune(state: SandboxState, code: str, query: Query) -> Response:
    """A commune by INSEE code, like geo.api.gouv.fr /communes/<code>."""
    found = next((c for c in COMMUNES if c.code == code), None)
    if found is None:
        return json_response({"code": 404, "message": "Commune non trouvée"}, 404)
    data = {
        "nom": found.name,
        "code": found.code,
        "codeDepartement": found.dep,
        "codeRegion": found.reg,
        "codesPostaux": [found.postcode],
        "population": found.population,
        "siren": "",
        "centre": {"type": "Point", "coordinates": [found.lon, found.lat]},
    }
    fields = [f for f in query.get("fields", "").split(",") if f]
    if fields:
        data = {k: v for k, v in data.items() if k in fields or k in ("nom", "code")}
    return json_response(data)


def company_search(state: SandboxState, query: Query) -> Response:
    """Companies matching a SIREN, SIRET or words, like recherche-entreprises /search."""
    q = query.get("q", "").strip()
    if not q:
        return json_response(
            {"erreur": "Veuillez indiquer au moins un paramètre de recherche."}, 400
        )
    wanted = _words(q)
    hits = [
        c
        for c in tables.companies()
        if q in (c["siren"], c["siret"]) or (wanted and wanted <= _words(c["name"]))
    ]
    per_page = _int(query.get("per_page"), 10, high=25)
    page = _int(query.get("page"), 1, high=1000)
    chunk = hits[(page - 1) * per_page : page * per_page]
    results = [
        {
            "siren": c["siren"],
            "nom_complet": c["name"],
            "nom_raison_sociale": c["name"],
            "activite_principale": c["activity"],
            "etat_administratif": "A",
            "nature_juridique": c["legal"],
            "nombre_etablissements": 1,
            "siege": {
                "siret": c["siret"],
                "code_postal": c["postcode"],
                "commune": c["commune"],
                "libelle_commune": c["city"],
                "latitude": str(c["lat"]),
                "longitude": str(c["lon"]),
            },
        }
        for c in chunk
    ]
    pages = max(1, -(-len(hits) // per_page))
    return json_response(
        {
            "results": results,
            "total_results": len(hits),
            "page": page,
            "per_page": per_page,
            "total_pages": pages,
        }
    )


def cadastre_commune(state: SandboxState, query: Query) -> Response:
    """Commune outline from the cadastre, like API Carto /cadastre/commune?code_insee=."""
    code = query.get("code_insee", "")
    found = [c for c in COMMUNES if c.code == code]
    features = [
        {
            "type": "Feature",
            "id": f"commune.{c.code}",
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [
                    [
                        [
                            [c.lon - 0.05, c.lat - 0.05],
                            [c.lon + 0.05, c.lat - 0.05],
                            [c.lon + 0.05, c.lat + 0.05],
                            [c.lon - 0.05, c.lat - 0.05],
                        ]
                    ]
                ],
            },
            "properties": {"nom_com": c.name, "code_dep": c.dep, "code_insee": c.code},
        }
        for c in found
    ]
    return json_response(
        {"type": "FeatureCollection", "features": features, "totalFeatures": len(features)}
    )


def annuaire_records(state: SandboxState, query: Query) -> Response:
    """Public offices, like the API Annuaire (Opendatasoft explore v2.1 records)."""
    columns, rows = services_etat()
    limit = _int(query.get("limit"), 10, high=100)
    offset = _int(query.get("offset"), 0, low=0, high=10_000)
    results = [dict(zip(columns, r, strict=True)) for r in rows[offset : offset + limit]]
    return json_response({"total_count": len(rows), "results": results})


def wmts(state: SandboxState, query: Query) -> Response:
    """A tiny WMTS GetCapabilities document (RGE / Géoplateforme)."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Capabilities xmlns="http://www.opengis.net/wmts/1.0" version="1.0.0">'
        "<Contents><Layer><Title>ORTHOIMAGERY.ORTHOPHOTOS</Title></Layer>"
        "<Layer><Title>GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2</Title></Layer></Contents>"
        "</Capabilities>"
    )
    return Response(200, body.encode(), "application/xml; charset=utf-8")


ROUTES: dict[str, Callable[[SandboxState, Query], Response]] = {
    "/api-adresse/search/": address_search,
    "/api-adresse/search": address_search,
    "/recherche-entreprises/search": company_search,
    "/apicarto/cadastre/commune": cadastre_commune,
    "/annuaire/api/explore/v2.1/catalog/datasets/api-lannuaire-administration/records": (
        annuaire_records
    ),
    "/geopf/wmts": wmts,
}


def api_response(state: SandboxState, path: str, query: Query) -> Response | None:
    """The answer of a sandbox API for ``path``, or None when no API lives there."""
    if path in ROUTES:
        return ROUTES[path](state, query)
    match = re.fullmatch(r"/geo/communes/([0-9AB]{5})", path)
    if match:
        code = match.group(1)
        if code in {a[0] for a in ARRONDISSEMENTS}:
            code = next(a[2] for a in ARRONDISSEMENTS if a[0] == code)
        return commune(state, code, query)
    return None
