"""The files the producer hosts serve: CSV, ZIP, GeoJSON, JSON and documentation pages.

``FILES`` maps a URL path to a ``FileSpec`` whose ``make(generation)`` returns the bytes.
Everything is built from name-seeded tables, so two sandboxes serve identical bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from observatory.sandbox import tables
from observatory.sandbox.refdata import AURA, COMMUNES

CSV = "text/csv; charset=utf-8"
ZIP = "application/zip"
GEOJSON = "application/geo+json"
JSON = "application/json; charset=utf-8"
PDF = "application/pdf"


@dataclass(frozen=True)
class FileSpec:
    content_type: str
    make: Callable[[int], bytes]


def to_csv(table: tables.Table, delimiter: str = ",") -> bytes:
    columns, rows = table
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def to_zip(name: str, payload: bytes) -> bytes:
    """A ZIP holding one member, with a fixed timestamp so the bytes never change."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 2, 3, 4, 5))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, payload)
    return out.getvalue()


def _square(lon: float, lat: float, half: float) -> list[list[list[float]]]:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return [[[round(x, 6), round(y, 6)] for x, y in ring]]


def communes_geojson(generation: int = 0) -> bytes:
    """Commune outlines (squares around the town hall) in the etalab cadastre layout."""
    features = [
        {
            "type": "Feature",
            "id": c.code,
            "geometry": {"type": "Polygon", "coordinates": _square(c.lon, c.lat, 0.04)},
            "properties": {
                "id": c.code,
                "nom": c.name,
                "created": "2004-01-01",
                "updated": "2024-01-01",
            },
        }
        for c in AURA
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def rpg_geojson(generation: int = 0) -> bytes:
    _, rows = tables.rpg_parcelles()
    features = []
    for i, row in enumerate(rows[:40]):
        c = AURA[i % len(AURA)]
        geometry = {"type": "Polygon", "coordinates": _square(c.lon + i * 0.001, c.lat, 0.002)}
        props = {
            "ID_PARCEL": row[0],
            "SURF_PARC": float(row[1]),
            "CODE_CULTU": row[2],
            "CODE_GROUP": row[3],
        }
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def limites_geojson(generation: int = 0) -> bytes:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
            "properties": {"INSEE_COM": c.code, "NOM": c.name, "POPULATION": c.population},
        }
        for c in COMMUNES
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def services_etat(generation: int = 0) -> tables.Table:
    columns = [
        "id",
        "nom",
        "type_organisme",
        "code_insee_commune",
        "adresse",
        "code_postal",
        "telephone",
        "adresse_courriel",
        "url_service_public",
    ]
    rows = []
    for i, c in enumerate(COMMUNES[:40]):
        rows.append(
            [
                f"prefecture-{c.dep}-{i:02d}",
                f"Préfecture — {c.name}",
                "prefecture",
                c.code,
                "Place de la Préfecture",
                c.postcode,
                f"+33 {1 + i % 5} {i:02d} 00 00 00",
                f"contact-{c.dep}@interieur.gouv.fr",
                f"https://lannuaire.service-public.fr/prefecture-{c.dep}-{i:02d}",
            ]
        )
    return columns, rows


def services_json(generation: int = 0) -> bytes:
    columns, rows = services_etat()
    return json.dumps(
        {"service": [dict(zip(columns, r, strict=True)) for r in rows]}, ensure_ascii=False
    ).encode()


def text_pdf(title: str, lines: list[str]) -> bytes:
    """A small valid PDF (one page of Helvetica text) with a correct cross-reference table."""
    safe = [t.encode("latin-1", "replace").decode("latin-1") for t in [title, "", *lines]]
    escaped = [t.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for t in safe]
    text = "".join(f"({t}) Tj T* " for t in escaped)
    stream = f"BT /F1 11 Tf 14 TL 56 780 Td {text}ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R"
        b" >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def doc_pdf(title: str) -> Callable[[int], bytes]:
    """A documentation PDF describing the variables of a dataset."""
    lines = [
        f"Section {i} : description des variables, des nomenclatures et des regles de mise a jour."
        for i in range(1, 25)
    ]
    return lambda generation: text_pdf(title, lines)


def minimal_pdf(generation: int = 0) -> bytes:
    return text_pdf("Rapport annuel", ["Synthese des actions de l'annee."] * 10)


def _csv(fn: Callable[[int], tables.Table], delimiter: str = ",") -> Callable[[int], bytes]:
    return lambda generation: to_csv(fn(generation), delimiter)


def _zipped(member: str, fn: Callable[[int], tables.Table]) -> Callable[[int], bytes]:
    return lambda generation: to_zip(member, to_csv(fn(generation)))


FILES: dict[str, FileSpec] = {
    "/static/sirene/StockEtablissement_extrait.csv": FileSpec(
        CSV, _csv(tables.sirene_etablissements)
    ),
    "/static/sirene/StockUniteLegale_utf8.zip": FileSpec(
        ZIP, _zipped("StockUniteLegale_utf8.csv", tables.sirene_unites_legales)
    ),
    "/static/sirene/dessin-des-fichiers.pdf": FileSpec(PDF, doc_pdf("Dessin des fichiers")),
    "/static/rna/rna_waldec_extrait.csv": FileSpec(CSV, lambda g: to_csv(tables.rna_waldec())),
    "/static/rna/notice-rna.pdf": FileSpec(PDF, doc_pdf("Notice du RNA")),
    "/static/cadastre/cadastre-aura-communes.json": FileSpec(GEOJSON, communes_geojson),
    "/static/cadastre/notice-pci.pdf": FileSpec(PDF, doc_pdf("Plan cadastral informatisé")),
    "/static/rpg/RPG_2-0_extrait.zip": FileSpec(
        ZIP, _zipped("PARCELLES.csv", tables.rpg_parcelles)
    ),
    "/static/rpg/ilots-aura.geojson": FileSpec(GEOJSON, rpg_geojson),
    "/static/rge/limites-administratives.geojson": FileSpec(GEOJSON, limites_geojson),
    "/static/rge/descriptif-rge.pdf": FileSpec(PDF, doc_pdf("Descriptif de contenu du RGE")),
    "/static/ban/adresses-75.csv": FileSpec(CSV, lambda g: to_csv(tables.ban_addresses("75"), ";")),
    "/static/ban/adresses-69.csv": FileSpec(CSV, lambda g: to_csv(tables.ban_addresses("69"), ";")),
    "/static/ban/adresses-13.csv": FileSpec(CSV, lambda g: to_csv(tables.ban_addresses("13"), ";")),
    "/static/ban/guide-ban.pdf": FileSpec(PDF, doc_pdf("Guide de la BAN")),
    "/static/annuaire/referentiel-services.csv": FileSpec(CSV, _csv(services_etat)),
    "/static/annuaire/referentiel-services.json": FileSpec(JSON, services_json),
    "/static/rome/unix_referentiel_code_rome_v460_utf8.csv": FileSpec(
        CSV, _csv(tables.rome_referentiel)
    ),
    "/static/rome/notice-rome.pdf": FileSpec(PDF, doc_pdf("Répertoire des métiers")),
    "/static/cog/v_commune_2024.csv": FileSpec(CSV, _csv(tables.cog_communes)),
    "/static/cog/v_region_2024.csv": FileSpec(CSV, _csv(tables.cog_regions)),
    "/static/mte/irve-statique.csv": FileSpec(CSV, lambda g: to_csv(tables.irve_stations())),
    "/static/mte/baignade-2023.csv": FileSpec(
        CSV, lambda g: to_csv(tables.regional_series("baignade"))
    ),
    "/static/mte/ges-communes.csv": FileSpec(CSV, lambda g: to_csv(tables.regional_series("ges"))),
    "/static/mte/basol.csv": FileSpec(CSV, lambda g: to_csv(tables.regional_series("basol"))),
    "/static/mte/rapport-annuel.pdf": FileSpec(PDF, minimal_pdf),
}


def generation_gone(path: str, generation: int) -> bool:
    """Files that vanish at generation ≥ 1 (the BAN file that starts answering 404)."""
    return generation >= 1 and path == "/static/ban/adresses-13.csv"


@lru_cache(maxsize=256)
def file_bytes(path: str, generation: int) -> bytes:
    """The bytes of a served file (cached: generators are deterministic)."""
    if path.startswith("/catalogue/files/"):
        slug = path.rsplit("/", 1)[-1].removesuffix(".csv")
        return to_csv(tables.regional_series(slug))
    return FILES[path].make(generation)


def content_type(path: str) -> str:
    return FILES[path].content_type if path in FILES else CSV


def sha1(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()
