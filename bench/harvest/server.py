"""A synthetic DCAT-AP catalogue served on loopback, pages generated on the fly.

``/catalog.ttl?page=N`` answers page N of a data.gouv.fr-like catalogue in Turtle: 100
datasets, each with 3 distributions, and a ``hydra:PartialCollectionView`` pointing to
the next page. ``/catalog.jsonld?page=N`` answers the same triples as JSON-LD in
data.gouv.fr's catalog.jsonld shape (an ``@graph`` under udata's context URL), and
``/catalog.rdf?page=N`` as RDF/XML (rdflib's serialisation of the Turtle page, made once
per page and kept: with ``rdf`` as second argument every page is made before the port
is printed, so the server never slows a measured run). Run as
``python -m bench.harvest.server DATASETS [rdf]``: prints the port.
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from observatory.sandbox.server import QuietHTTPServer

PAGE_SIZE = 100
PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
"""
FORMATS = (("csv", "text/csv"), ("json", "application/json"), ("zip", "application/zip"))


def dataset_ttl(n: int) -> str:
    """One dataset with three distributions, as data.gouv.fr's catalogue writes them."""
    base = f"https://data.example.gouv.fr/datasets/{n:08d}"
    dists = []
    for k, (fmt, mime) in enumerate(FORMATS):
        dists.append(
            f"""<{base}/r/{k}> a dcat:Distribution ;
    dct:title "Fichier {n} {fmt.upper()}" ;
    dct:description "Extraction {k} du jeu {n}." ;
    dcat:accessURL <https://static.example.gouv.fr/{n}/{k}.{fmt}> ;
    dcat:downloadURL <https://static.example.gouv.fr/{n}/{k}.{fmt}> ;
    dct:format "{fmt}" ;
    dcat:mediaType "{mime}" ;
    dcat:byteSize "{1000 + n * 3 + k}"^^xsd:decimal ;
    dct:issued "2020-01-0{k + 1}T00:00:00"^^xsd:dateTime ;
    dct:modified "2024-06-{10 + k}T12:00:00"^^xsd:dateTime ;
    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence> ."""
        )
    links = ", ".join(f"<{base}/r/{k}>" for k in range(len(FORMATS)))
    return f"""<{base}> a dcat:Dataset ;
    dct:identifier "{n:08d}" ;
    dct:title "Jeu de données synthétique {n}" ;
    dct:description "Description du jeu {n}, assez longue pour ressembler à une vraie." ;
    dcat:keyword "synthetique", "benchmark", "theme-{n % 17}" ;
    dct:issued "2019-03-01T08:00:00"^^xsd:dateTime ;
    dct:modified "2024-06-0{1 + n % 9}T08:00:00"^^xsd:dateTime ;
    dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/MONTHLY> ;
    dct:publisher <https://data.example.gouv.fr/organizations/org-{n % 50}> ;
    dcat:contactPoint [ a vcard:Kind ; vcard:fn "Contact {n % 50}" ;
        vcard:hasEmail <mailto:contact{n % 50}@example.gouv.fr> ] ;
    dcat:landingPage <{base}/> ;
    dcat:distribution {links} .
<https://data.example.gouv.fr/organizations/org-{n % 50}> a foaf:Organization ;
    foaf:name "Organisation {n % 50}" .
""" + "\n".join(dists)


def page_ttl(page: int, total: int, url: str) -> str:
    start = (page - 1) * PAGE_SIZE
    stop = min(start + PAGE_SIZE, total)
    last = max(1, -(-total // PAGE_SIZE))
    view = f"<{url}?page={page}> a hydra:PartialCollectionView ; hydra:first <{url}?page=1>"
    if page < last:
        view += f" ; hydra:next <{url}?page={page + 1}>"
    body = "\n".join(dataset_ttl(n) for n in range(start, stop))
    catalog = f'<{url}> a dcat:Catalog ; hydra:totalItems "{total}"^^xsd:integer .'
    return f"{PREFIXES}\n{catalog}\n{view} .\n{body}\n"


UDATA_CONTEXT = "https://www.data.gouv.fr/api/1/site/context.jsonld"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _typed(value: str, datatype: str) -> dict[str, str]:
    return {"@value": value, "@type": f"xsd:{datatype}"}


def dataset_nodes(n: int) -> list[dict[str, object]]:
    """The JSON-LD nodes of ``dataset_ttl(n)``: the same triples."""
    base = f"https://data.example.gouv.fr/datasets/{n:08d}"
    org = f"https://data.example.gouv.fr/organizations/org-{n % 50}"
    nodes: list[dict[str, object]] = [
        {
            "@id": base,
            "@type": "dcat:Dataset",
            "identifier": f"{n:08d}",
            "title": f"Jeu de données synthétique {n}",
            "description": f"Description du jeu {n}, assez longue pour ressembler à une vraie.",
            "keyword": ["synthetique", "benchmark", f"theme-{n % 17}"],
            "issued": "2019-03-01T08:00:00",
            "modified": f"2024-06-0{1 + n % 9}T08:00:00",
            "accrualPeriodicity": {
                "@id": "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
            },
            "publisher": org,
            "contactPoint": {
                "@type": "vcard:Kind",
                "fn": f"Contact {n % 50}",
                "vcard:hasEmail": {"@id": f"mailto:contact{n % 50}@example.gouv.fr"},
            },
            "landingPage": {"@id": f"{base}/"},
            "distribution": [f"{base}/r/{k}" for k in range(len(FORMATS))],
        },
        {"@id": org, "@type": "foaf:Organization", "name": f"Organisation {n % 50}"},
    ]
    for k, (fmt, mime) in enumerate(FORMATS):
        file_url = f"https://static.example.gouv.fr/{n}/{k}.{fmt}"
        nodes.append(
            {
                "@id": f"{base}/r/{k}",
                "@type": "dcat:Distribution",
                "title": f"Fichier {n} {fmt.upper()}",
                "description": f"Extraction {k} du jeu {n}.",
                "accessURL": file_url,
                "downloadURL": file_url,
                "format": fmt,
                "mediaType": mime,
                "byteSize": _typed(str(1000 + n * 3 + k), "decimal"),
                "issued": f"2020-01-0{k + 1}T00:00:00",
                "modified": f"2024-06-{10 + k}T12:00:00",
                "license": {"@id": "https://www.etalab.gouv.fr/licence-ouverte-open-licence"},
            }
        )
    return nodes


def page_jsonld(page: int, total: int, url: str) -> str:
    """Page ``page`` as JSON-LD, the same triples as ``page_ttl``."""
    start = (page - 1) * PAGE_SIZE
    stop = min(start + PAGE_SIZE, total)
    last = max(1, -(-total // PAGE_SIZE))
    view: dict[str, object] = {
        "@id": f"{url}?page={page}",
        "@type": "hydra:PartialCollectionView",
        "first": f"{url}?page=1",
    }
    if page < last:
        view["next"] = f"{url}?page={page + 1}"
    graph: list[dict[str, object]] = [
        {"@id": url, "@type": "dcat:Catalog", "totalItems": total},
        view,
    ]
    for n in range(start, stop):
        graph.extend(dataset_nodes(n))
    return json.dumps({"@context": UDATA_CONTEXT, "@graph": graph}, ensure_ascii=False)


_RDFXML: dict[tuple[int, int, str], bytes] = {}


def page_rdfxml(page: int, total: int, url: str) -> bytes:
    """The Turtle page as RDF/XML (rdflib's writer), made once."""
    key = (page, total, url)
    if key not in _RDFXML:
        from rdflib import Graph

        graph = Graph().parse(data=page_ttl(page, total, url), format="turtle")
        _RDFXML[key] = graph.serialize(format="xml").encode()
    return _RDFXML[key]


def make_handler(total: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            page = int(parse_qs(parts.query).get("page", ["1"])[0])
            url = f"http://{self.headers['Host']}{parts.path}"
            if parts.path.endswith(".jsonld"):
                body, ctype = page_jsonld(page, total, url).encode(), "application/ld+json"
            elif parts.path.endswith(".rdf"):
                body, ctype = page_rdfxml(page, total, url), "application/rdf+xml"
            else:
                body, ctype = page_ttl(page, total, url).encode(), "text/turtle; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def main() -> None:
    total = int(sys.argv[1])
    server = QuietHTTPServer(("127.0.0.1", 0), make_handler(total))
    port = server.server_address[1]
    if sys.argv[2:] == ["rdf"]:
        url = f"http://127.0.0.1:{port}/catalog.rdf"
        for page in range(1, max(1, -(-total // PAGE_SIZE)) + 1):
            page_rdfxml(page, total, url)
    print(port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
