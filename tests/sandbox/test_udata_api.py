"""The sandbox portal speaks data.gouv.fr's udata API: paging, filters, payload shapes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

import requests

from observatory.sandbox.common import luhn_ok
from tests.corpus import CORPUS as SHARED

CORPUS = SHARED / "udata-api"
SPDR_IDS = {
    "5b7ffc618b4c4169d30727e0",
    "58e53811c751df03df38f42d",
    "58e5924b88ee3802ca255566",
    "58d8d8a0c751df17537c66be",
    "58e5842688ee386c65805755",
    "5530fbacc751df5ff937dddb",
    "57343feb88ee3823b0d1b934",
    "58da857388ee384902e505f5",
    "58c984b088ee386cdb1261f3",
}
MTE = "ministere-de-la-transition-ecologique"


def _get(url: str, **params: object) -> dict:
    response = requests.get(url, params=params, timeout=5)
    assert response.status_code == 200, url
    return response.json()


def _walk(url: str) -> list[dict]:
    """Follow next_page to the end, like a harvester does."""
    items: list[dict] = []
    while url:
        page = _get(url)
        items += page["data"]
        url = page["next_page"]
    return items


def test_listing_pages_through_every_dataset(sandbox) -> None:
    first = _get(sandbox.portal_url + "/api/1/datasets/", page_size=4)
    assert first["page"] == 1 and first["page_size"] == 4 and first["previous_page"] is None
    assert first["next_page"].startswith(sandbox.portal_url)
    items = _walk(sandbox.portal_url + "/api/1/datasets/?page_size=4")
    assert len(items) == first["total"] >= 15
    assert len({d["id"] for d in items}) == len(items)
    second = _get(first["next_page"])
    assert second["previous_page"] and second["page"] == 2


def test_badge_filter_gives_the_nine_reference_datasets(sandbox) -> None:
    items = _walk(sandbox.portal_url + "/api/1/datasets/?badge=spd&page_size=5")
    assert {d["id"] for d in items} == SPDR_IDS
    assert all({"kind": "spd"} in d["badges"] for d in items)


def test_organisation_and_tag_filters(sandbox) -> None:
    org = _get(f"{sandbox.portal_url}/api/1/organizations/{MTE}/")
    by_id = _walk(f"{sandbox.portal_url}/api/1/datasets/?organization={org['id']}")
    by_scope = _walk(f"{sandbox.portal_url}/api/1/organizations/{MTE}/datasets/?page_size=2")
    assert len(by_id) >= 5 and [d["id"] for d in by_id] == [d["id"] for d in by_scope]
    assert not any(d["badges"] for d in by_id)
    assert len({d["quality"]["score"] for d in by_id}) >= 3  # varied quality
    tagged = _get(sandbox.portal_url + "/api/1/datasets/", tag="adresses")["data"]
    assert [d["id"] for d in tagged] == ["5530fbacc751df5ff937dddb"]


def test_dataset_by_id_and_slug_and_404s(sandbox) -> None:
    by_id = _get(sandbox.portal_url + "/api/1/datasets/58c984b088ee386cdb1261f3/")
    by_slug = _get(sandbox.portal_url + "/api/1/datasets/code-officiel-geographique-cog/")
    assert by_id == by_slug and by_id["organization"]["acronym"] == "INSEE"
    for path in ("/api/1/datasets/nope/", "/api/1/organizations/nope/", "/api/2/datasets/x/"):
        response = requests.get(sandbox.portal_url + path, timeout=5)
        assert response.status_code == 404 and "message" in response.json()


def test_payloads_follow_the_real_udata_shapes(sandbox) -> None:
    real = json.loads((CORPUS / "dataset_metadata.json").read_text())
    real_resource = json.loads((CORPUS / "resource_metadata_api1.json").read_text())
    ds = _get(sandbox.portal_url + "/api/1/datasets/5530fbacc751df5ff937dddb/")
    assert set(real) - set(ds) <= {"internal"}
    assert set(real["quality"]) == set(ds["quality"])
    for resource in ds["resources"]:
        assert set(real_resource) - set(resource) <= {"internal"}
    assert ds["frequency"] == "weekly" and ds["license"] == "lov2"
    assert ds["spatial"]["zones"] and ds["temporal_coverage"]["start"]
    assert any(r["type"] == "documentation" for r in ds["resources"])


def test_declared_size_and_checksum_match_the_served_files(sandbox) -> None:
    ds = _get(sandbox.portal_url + "/api/1/datasets/5b7ffc618b4c4169d30727e0/")
    for resource in ds["resources"]:
        body = requests.get(resource["url"], timeout=5).content
        assert len(body) == resource["filesize"]
        assert hashlib.sha1(body).hexdigest() == resource["checksum"]["value"]


def test_files_use_the_real_column_layouts(sandbox) -> None:
    ban = requests.get(sandbox.url("static", "/static/ban/adresses-75.csv"), timeout=5).text
    assert ban.startswith("id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune")
    cog = requests.get(sandbox.url("static", "/static/cog/v_commune_2024.csv"), timeout=5).text
    assert (
        cog.splitlines()[0] == "TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT"
    )
    assert 20 <= len(cog.splitlines()) - 1 <= 200
    url = sandbox.url("static", "/static/sirene/StockEtablissement_extrait.csv")
    rows = list(csv.DictReader(io.StringIO(requests.get(url, timeout=5).text)))
    assert all(luhn_ok(r["siren"]) and luhn_ok(r["siret"]) for r in rows)
    assert all(r["siret"].startswith(r["siren"]) for r in rows)
    archive = requests.get(
        sandbox.url("static", "/static/sirene/StockUniteLegale_utf8.zip"), timeout=5
    ).content
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert z.read(z.namelist()[0]).startswith(b"siren,")
    geo = requests.get(sandbox.url("static", "/static/rpg/ilots-aura.geojson"), timeout=5).json()
    assert geo["type"] == "FeatureCollection" and geo["features"]


def test_api_v2_pages_resources(sandbox) -> None:
    ds = _get(sandbox.portal_url + "/api/2/datasets/5530fbacc751df5ff937dddb/")
    assert ds["resources"]["total"] == 4
    items = _walk(ds["resources"]["rel"] + "?page_size=3")
    assert len(items) == 4


def test_dataservices_list_the_apis(sandbox) -> None:
    services = _walk(sandbox.portal_url + "/api/1/dataservices/?page_size=4")
    assert len(services) >= 5
    for service in services:
        assert service["base_api_url"].startswith("http://127.0.0.")
        assert 90 < service["availability"] <= 100
        assert service["datasets"] and service["datasets"][0]["id"] in SPDR_IDS


def test_x_fields_mask_trims_payloads(sandbox) -> None:
    response = requests.get(
        sandbox.portal_url + "/api/1/datasets/?page_size=2",
        timeout=5,
        headers={"X-Fields": "data{id,title,resources{url}},next_page"},
    )
    page = response.json()
    assert set(page) == {"data", "next_page"}
    assert set(page["data"][0]) == {"id", "title", "resources"}
    assert set(page["data"][0]["resources"][0]) == {"url"}
    broken = requests.get(
        sandbox.portal_url + "/api/1/datasets/", timeout=5, headers={"X-Fields": "data{id"}
    )
    assert broken.status_code == 200 and "total" in broken.json()


def test_latest_link_redirects_to_the_producer(sandbox) -> None:
    ds = _get(sandbox.portal_url + "/api/1/datasets/58c984b088ee386cdb1261f3/")
    response = requests.get(ds["resources"][0]["latest"], allow_redirects=False, timeout=5)
    assert response.status_code == 302
    assert response.headers["Location"] == ds["resources"][0]["url"]


def test_dates_are_relative_to_today(sandbox) -> None:
    from datetime import UTC, datetime, timedelta

    # "today" is the sandbox's day, frozen when it started (a session may cross midnight)
    today = sandbox.state.clock.today
    assert abs(datetime.now(UTC).date() - today) <= timedelta(days=1)
    sirene = _get(sandbox.portal_url + "/api/1/datasets/5b7ffc618b4c4169d30727e0/")
    assert sirene["last_update"].startswith(today.isoformat())
    assert sirene["quality"]["update_fulfilled_in_time"] is True
    stale = _get(sandbox.fault_url("stale-dataset"))
    age = today - datetime.fromisoformat(stale["last_update"]).date()
    assert stale["frequency"] == "weekly" and 399 <= age.days <= 401
    assert stale["quality"]["update_fulfilled_in_time"] is False
