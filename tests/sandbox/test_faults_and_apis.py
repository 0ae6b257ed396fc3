"""Each scripted fault of the sandbox behaves as documented; the SPDR look-alike APIs answer."""

from __future__ import annotations

import time

import frictionless
import pytest
import requests

from observatory.sandbox.faults import FAULTS


def test_every_fault_has_a_reachable_url(sandbox) -> None:
    for name in FAULTS:
        assert sandbox.fault_url(name).startswith("http://127.0.0.")


def test_not_found_file(sandbox) -> None:
    assert requests.get(sandbox.fault_url("not-found"), timeout=5).status_code == 404


def test_slow_api_takes_its_time_but_answers(sandbox) -> None:
    start = time.monotonic()
    response = requests.get(sandbox.fault_url("slow-api"), timeout=5)
    assert time.monotonic() - start >= 1.4
    assert response.status_code == 200 and isinstance(response.json()["total_count"], int)


def test_intermittent_api_fails_one_request_in_three(sandbox) -> None:
    sandbox.reset_counters()
    codes = [
        requests.get(sandbox.fault_url("intermittent-api"), timeout=5).status_code for _ in range(6)
    ]
    assert codes == [500, 200, 200, 500, 200, 200]
    sandbox.reset_counters()


def test_rate_limited_file_says_when_to_come_back(sandbox) -> None:
    response = requests.get(sandbox.fault_url("rate-limited"), timeout=5)
    assert response.status_code == 429 and response.headers["Retry-After"] == "120"


def test_lying_head(sandbox) -> None:
    head = requests.head(sandbox.fault_url("lying-head"), timeout=5)
    assert head.status_code == 200
    assert "Content-Length" not in head.headers and "Last-Modified" not in head.headers
    assert requests.get(sandbox.fault_url("lying-head"), timeout=5).status_code == 404


def test_firewall_page_where_a_csv_should_be(sandbox) -> None:
    response = requests.get(sandbox.fault_url("firewall"), timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert len(response.content) < 1000 and b"Request Rejected" in response.content


def test_redirect_loop_never_ends(sandbox) -> None:
    with pytest.raises(requests.TooManyRedirects):
        requests.get(sandbox.fault_url("redirect-loop"), timeout=5)


def test_redirect_to_another_host_lands_on_the_file(sandbox) -> None:
    response = requests.get(sandbox.fault_url("redirect-other-host"), timeout=5)
    assert response.status_code == 200 and response.history[0].status_code == 302
    assert response.url.split("/")[2] != sandbox.fault_url("redirect-other-host").split("/")[2]
    assert response.text.startswith("id;id_fantoir")


def test_faults_are_attached_to_real_datasets(sandbox) -> None:
    urls = set()
    page = requests.get(sandbox.portal_url + "/api/1/datasets/?page_size=100", timeout=5).json()
    for ds in page["data"]:
        urls |= {r["url"] for r in ds["resources"]}
    for name in (
        "not-found",
        "rate-limited",
        "lying-head",
        "firewall",
        "schema-broken-csv",
        "redirect-loop",
        "redirect-other-host",
    ):
        assert sandbox.fault_url(name) in urls, name


def _validate(sandbox, dataset_id: str, title_part: str) -> frictionless.Report:
    """Validate a resource over HTTP against the schema its metadata declares."""
    ds = requests.get(f"{sandbox.portal_url}/api/1/datasets/{dataset_id}/", timeout=5).json()
    resource = next(r for r in ds["resources"] if title_part in r["title"])
    schema = requests.get(resource["schema"]["url"], timeout=5).json()
    table = frictionless.Resource(
        path=resource["url"], format="csv", schema=frictionless.Schema.from_descriptor(schema)
    )
    return table.validate()


@pytest.mark.parametrize(
    ("dataset_id", "title_part"),
    [("58c984b088ee386cdb1261f3", "communes"), ("5b7ffc618b4c4169d30727e0", "StockEtab")],
)
def test_schema_conforming_files_are_valid(sandbox, dataset_id: str, title_part: str) -> None:
    report = _validate(sandbox, dataset_id, title_part)
    assert report.valid, report.flatten(["type", "note"])


def test_schema_breaking_csv_is_invalid_in_three_ways(sandbox) -> None:
    report = _validate(sandbox, "58e53811c751df03df38f42d", "Waldec")
    types = {error[0] for error in report.flatten(["type"])}
    assert {"type-error", "constraint-error", "primary-key"} <= types


def test_address_search(sandbox) -> None:
    url = sandbox.url("apis", "/api-adresse/search/?q=20+avenue+de+segur+paris&limit=1")
    data = requests.get(url, timeout=5).json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 1
    assert data["features"][0]["properties"]["label"].startswith("20 Avenue de Ségur")


def test_commune_lookup(sandbox) -> None:
    data = requests.get(sandbox.url("apis", "/geo/communes/75056?fields=nom,code"), timeout=5)
    assert data.json() == {"nom": "Paris", "code": "75056"}
    missing = requests.get(sandbox.url("apis", "/geo/communes/99999"), timeout=5)
    assert missing.status_code == 404


def test_company_lookup_and_cadastre(sandbox) -> None:
    sandbox.reset_counters()
    url = sandbox.url("apis", "/recherche-entreprises/search?q=130025265")
    assert requests.get(url, timeout=5).status_code == 500  # the intermittent fault
    result = requests.get(url, timeout=5).json()["results"][0]
    assert result["siren"] == "130025265" and result["siege"]["siret"] == "13002526500013"
    sandbox.reset_counters()
    url = sandbox.url("apis", "/apicarto/cadastre/commune?code_insee=69123")
    features = requests.get(url, timeout=5).json()["features"]
    assert features[0]["properties"]["nom_com"] == "Lyon"


def test_head_on_a_file_gives_size_and_date_and_etag_revalidates(sandbox) -> None:
    url = sandbox.url("static", "/static/ban/adresses-75.csv")
    head = requests.head(url, timeout=5)
    assert int(head.headers["Content-Length"]) > 1000 and head.headers["Last-Modified"]
    again = requests.get(url, headers={"If-None-Match": head.headers["ETag"]}, timeout=5)
    assert again.status_code == 304
