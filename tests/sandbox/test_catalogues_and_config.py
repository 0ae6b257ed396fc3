"""DCAT exports page with hydra; the sandbox config validates; payloads are reproducible."""

from __future__ import annotations

import re

import requests
import yaml
from rdflib import Graph, URIRef

from observatory.registry import parse_config
from observatory.sandbox.server import Sandbox

# Plain URIs rather than rdflib namespaces: pytest probes module attributes, and those complain.
HYDRA_NEXT = URIRef("http://www.w3.org/ns/hydra/core#next")
HYDRA_VIEW_TYPE = URIRef("http://www.w3.org/ns/hydra/core#PartialCollectionView")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCAT_DATASET = URIRef("http://www.w3.org/ns/dcat#Dataset")
DCAT_THEME = URIRef("http://www.w3.org/ns/dcat#theme")
DCAT_DOWNLOAD = URIRef("http://www.w3.org/ns/dcat#downloadURL")
DCT_PERIODICITY = URIRef("http://purl.org/dc/terms/accrualPeriodicity")


def _pages(url: str, rdf_format: str) -> list[Graph]:
    """Follow hydra:next from page to page, stopping on a loop."""
    graphs, seen = [], set()
    while url and url not in seen and len(seen) < 20:
        seen.add(url)
        response = requests.get(url, timeout=5)
        assert response.status_code == 200, url
        g = Graph().parse(data=response.content, format=rdf_format, publicID=url)
        graphs.append(g)
        nxt = next(g.objects(None, HYDRA_NEXT), None)
        url = str(nxt) if nxt is not None else ""
    return graphs


def _datasets(graphs: list[Graph]) -> set[URIRef]:
    return {s for g in graphs for s in g.subjects(RDF_TYPE, DCAT_DATASET)}


def test_regional_catalogue_spans_pages_in_jsonld_and_turtle(sandbox) -> None:
    base = sandbox.url("catalogue", "/catalogue/catalog")
    jsonld = _pages(base + ".jsonld", "json-ld")
    turtle = _pages(base + ".ttl?page_size=10", "turtle")
    assert len(jsonld) >= 4 and len(turtle) == len(jsonld)
    assert len(_datasets(jsonld)) >= 32 and _datasets(jsonld) == _datasets(turtle)
    views = list(jsonld[0].subjects(RDF_TYPE, HYDRA_VIEW_TYPE))
    assert views and next(jsonld[-1].objects(None, HYDRA_NEXT), None) is None


def test_regional_catalogue_ranges_from_excellent_to_bare(sandbox) -> None:
    graphs = _pages(sandbox.url("catalogue", "/catalogue/catalog.jsonld"), "json-ld")
    g = Graph()
    for page in graphs:
        g += page
    richness = sorted(len(set(g.predicates(ds, None))) for ds in _datasets(graphs))
    assert richness[0] <= 3 and richness[-1] >= 14
    themes = {str(t) for t in g.objects(None, DCAT_THEME)}
    assert "http://publications.europa.eu/resource/authority/data-theme/ENVI" in themes
    assert any(t.endswith("/themes/eau") for t in themes)
    downloads = [str(u) for u in g.objects(None, DCAT_DOWNLOAD)]
    codes = {requests.head(u, timeout=5).status_code for u in downloads}
    assert codes == {200, 404}  # mostly served, a few broken


def test_catalogue_format_by_accept_header(sandbox) -> None:
    url = sandbox.url("catalogue", "/catalogue/catalog?page=2")
    response = requests.get(url, headers={"Accept": "text/turtle"}, timeout=5)
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert (
        len(
            set(Graph().parse(data=response.text, format="turtle").subjects(RDF_TYPE, DCAT_DATASET))
        )
        == 10
    )


def test_portal_site_catalogue_exports_every_dataset(sandbox) -> None:
    total = requests.get(sandbox.portal_url + "/api/1/datasets/", timeout=5).json()["total"]
    for ext, rdf_format in (("jsonld", "json-ld"), ("xml", "xml"), ("ttl", "turtle")):
        url = f"{sandbox.portal_url}/api/1/site/catalog.{ext}?page=1&page_size=6"
        graphs = _pages(url, rdf_format)
        assert len(graphs) == -(-total // 6)
        assert len(_datasets(graphs)) == total
    g = graphs[0]
    assert list(g.objects(None, DCT_PERIODICITY))


def test_config_text_validates_and_points_at_the_sandbox(sandbox) -> None:
    config = parse_config(sandbox.config_text(), "sandbox.yml", env={})
    assert config.portal.url == sandbox.portal_url
    assert config.settings.allowed_networks == ["127.0.0.0/8"]
    assert config.settings.slow_ms == 1000 and len(config.spdr) == 9
    assert config.catalogues[0].kind == "dcat" and config.organisations
    org = requests.get(
        f"{sandbox.portal_url}/api/1/organizations/{config.organisations[0].id}/", timeout=5
    )
    assert org.status_code == 200
    for entry in config.spdr:
        ds = requests.get(f"{sandbox.portal_url}/api/1/datasets/{entry.id}/", timeout=5).json()
        assert ds["slug"] == entry.slug


def _json_path(data: object, path: str) -> object:
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        data = data[int(part[1:-1])] if part.startswith("[") else data[part]  # type: ignore[index]
    return data


def test_api_checks_of_the_config_hold_on_the_sandbox(sandbox) -> None:
    sandbox.reset_counters()
    requests.get(sandbox.fault_url("intermittent-api"), timeout=5)  # its scripted failure
    config = parse_config(sandbox.config_text(), env={})
    checks = [api for entry in config.spdr for api in entry.apis]
    assert len(checks) >= 5
    for api in checks:
        response = requests.get(api.url, timeout=5)
        assert response.status_code == api.expect.status, api.url
        if api.expect.json_path:
            value = _json_path(response.json(), api.expect.json_path)
            assert api.expect.equals is None or value == api.expect.equals
        if api.expect.contains:
            assert api.expect.contains in response.text
    sandbox.reset_counters()


def _snapshot(sb: Sandbox) -> dict[str, bytes]:
    """Bodies of the main endpoints, with this sandbox's port replaced by a placeholder."""
    paths = [
        sb.portal_url + "/api/1/datasets/?page_size=100",
        sb.portal_url + "/api/1/dataservices/",
        sb.url("catalogue", "/catalogue/catalog.ttl?page=2"),
        sb.url("static", "/static/cog/v_commune_2024.csv"),
        sb.url("static", "/static/rna/rna_waldec_extrait.csv"),
    ]
    # Only the port of a loopback address is this sandbox's: the same five digits also occur
    # in the data (INSEE codes, RNA and organisation ids), which must stay as they are.
    port = sb.portal_url.rsplit(":", 1)[1].encode()
    own_port = re.compile(rb"(127\.0\.0\.\d{1,3}(?::|%3A))" + port + rb"(?!\d)", re.IGNORECASE)
    out = {}
    for url in paths:
        key = own_port.sub(rb"\1PORT", url.encode()).decode()
        out[key] = own_port.sub(rb"\1PORT", requests.get(url, timeout=5).content)
    out["config"] = own_port.sub(rb"\1PORT", sb.config_text().encode())
    return out


def test_same_generation_gives_identical_payloads_and_next_generation_evolves() -> None:
    with Sandbox().start() as a, Sandbox().start() as b, Sandbox(generation=1).start() as c:
        assert a.portal_url != b.portal_url
        snap_a, snap_b, snap_c = _snapshot(a), _snapshot(b), _snapshot(c)
        assert snap_a.keys() == snap_b.keys() and all(snap_a[k] == snap_b[k] for k in snap_a)
        changed = {k for k in snap_a if snap_a[k] != snap_c.get(k)}
        assert any("v_commune" in k for k in changed)
        assert not any("rna_waldec" in k or "catalog.ttl" in k for k in changed)
        assert len(snap_c[next(k for k in changed if "v_commune" in k)].splitlines()) > len(
            snap_a[next(k for k in changed if "v_commune" in k)].splitlines()
        )
        rpg = "/api/1/datasets/58d8d8a0c751df17537c66be/"
        before = requests.get(a.portal_url + rpg, timeout=5).json()
        after = requests.get(c.portal_url + rpg, timeout=5).json()
        assert before["license"] == "notspecified" and after["license"] == "lov2"
        assert len(after["description"]) > 100 > len(before["description"])
        cog = "/api/1/datasets/58c984b088ee386cdb1261f3/"
        old = requests.get(a.portal_url + cog, timeout=5).json()
        new = requests.get(c.portal_url + cog, timeout=5).json()
        assert new["last_update"] > old["last_update"]
        assert new["resources"][0]["filesize"] > old["resources"][0]["filesize"]
        ban13 = "/static/ban/adresses-13.csv"
        assert requests.get(a.url("static", ban13), timeout=5).status_code == 200
        assert requests.get(c.url("static", ban13), timeout=5).status_code == 404
        assert yaml.safe_load(snap_c["config"])["spdr"] == yaml.safe_load(snap_a["config"])["spdr"]


def test_one_host_and_a_taken_port() -> None:
    with Sandbox(host_count=1).start() as sb:
        assert len(sb.hosts) == 1
        url = sb.fault_url("redirect-other-host")
        assert requests.get(url, timeout=5).status_code == 200
        port = int(sb.portal_url.rsplit(":", 1)[1])
        try:
            Sandbox(port=port).start()
        except OSError:
            pass
        else:
            raise AssertionError("binding a taken port must fail")
