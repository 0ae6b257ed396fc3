"""validate_resource over loopback HTTP: downloads, caps, ZIPs and broken schemas."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from observatory.inspect.tabular import SchemaError, load_schema, validate_resource
from observatory.net.fetch import HttpSettings
from tests.inspect.support import CORPUS, DATA

MB = 1_000_000


@pytest.fixture(scope="module")
def site(files):
    files.add("/schema.json", (DATA / "communes-schema.json").read_bytes(), "application/json")
    files.add("/communes.csv", (DATA / "communes-valid.csv").read_bytes())
    files.add("/communes.zip", (DATA / "communes.zip").read_bytes(), "application/zip")
    files.add("/latin1", (DATA / "communes-latin1.csv").read_bytes(), "application/octet-stream")
    files.add("/not-json.json", b"<html>schema moved</html>", "text/html")
    files.add("/not-a-schema.json", (DATA / "not-a-schema.json").read_bytes(), "application/json")
    files.add("/bad-type.json", (DATA / "bad-field-type.json").read_bytes(), "application/json")
    files.add("/page.csv", b"<!DOCTYPE html><html><body>Access denied</body></html>", "text/html")
    rows = b"".join(b"%05d,Commune %d,%d\n" % (10000 + i, i, i) for i in range(20000))
    files.add("/big.csv", b"code_insee,nom,population\n" + rows)
    folder = CORPUS / "stationnement"
    files.add("/stationnement/schema.json", (folder / "schema.json").read_bytes())
    files.add("/stationnement/invalide.csv", (folder / "exemple-invalide.csv").read_bytes())
    return files


def test_valid_resource(site, http):
    now = datetime(2025, 3, 5, tzinfo=UTC)
    report = validate_resource(
        f"{site.base}/communes.csv",
        f"{site.base}/schema.json",
        http,
        distribution_key="dg:1:r1",
        max_bytes=MB,
        now=now,
    )
    assert report.valid, report.errors
    assert report.distribution_key == "dg:1:r1"
    assert report.schema_url == f"{site.base}/schema.json"
    assert report.checked_at == now
    assert report.row_count == 8
    assert not report.partial


def test_url_without_extension_is_still_parsed(site, http):
    report = validate_resource(
        f"{site.base}/latin1", f"{site.base}/schema.json", http, max_bytes=MB
    )
    assert report.valid
    assert report.stats["encoding"] == "cp1252"  # frictionless's detector: Latin-1 text as cp1252


def test_invalid_corpus_file_over_http(site, http):
    report = validate_resource(
        f"{site.base}/stationnement/invalide.csv",
        f"{site.base}/stationnement/schema.json",
        http,
        max_bytes=MB,
    )
    assert not report.valid
    assert report.error_counts == {"constraint-error": 2}


def test_zip_over_http(site, http):
    report = validate_resource(
        f"{site.base}/communes.zip", f"{site.base}/schema.json", http, max_bytes=MB
    )
    assert report.valid
    assert report.detected_format == "zip"


def test_file_over_the_cap_is_validated_in_part(site, http):
    report = validate_resource(
        f"{site.base}/big.csv", f"{site.base}/schema.json", http, max_bytes=100_000
    )
    assert report.partial
    assert report.valid, report.errors[:3]  # the row cut by the cap is not reported
    assert 0 < report.row_count < 20000


def test_zip_over_the_cap_is_fatal_and_partial(site, http):
    report = validate_resource(
        f"{site.base}/communes.zip", f"{site.base}/schema.json", http, max_bytes=100
    )
    assert report.partial
    assert "cap" in report.fatal


@pytest.mark.parametrize(
    ("schema_path", "why"),
    [
        ("/missing-schema.json", "404"),
        ("/not-json.json", "not valid JSON"),
        ("/not-a-schema.json", "not a Table Schema"),
        ("/bad-type.json", "invalid Table Schema"),
    ],
)
def test_unusable_schema_is_fatal(site, http, schema_path, why):
    report = validate_resource(
        f"{site.base}/communes.csv", f"{site.base}{schema_path}", http, max_bytes=MB
    )
    assert not report.valid
    assert report.fatal.startswith("schema: ")
    assert why in report.fatal


def test_missing_file_is_fatal(site, http):
    report = validate_resource(
        f"{site.base}/gone.csv", f"{site.base}/schema.json", http, max_bytes=MB
    )
    assert "download failed" in report.fatal and "404" in report.fatal


def test_html_page_instead_of_csv_is_fatal(site, http):
    report = validate_resource(
        f"{site.base}/page.csv", f"{site.base}/schema.json", http, max_bytes=MB
    )
    assert report.detected_format == "html"
    assert "not a CSV file" in report.fatal


def test_refused_addresses_are_never_fetched(site):
    guarded = HttpSettings()
    report = validate_resource(
        f"{site.base}/communes.csv", f"{site.base}/schema.json", guarded, max_bytes=MB
    )
    assert "loopback" in report.fatal
    with pytest.raises(SchemaError, match="not an http"):
        load_schema("/etc/passwd", guarded)


def test_load_schema_takes_a_dict():
    assert load_schema({"fields": [{"name": "a"}]}, HttpSettings())["fields"][0]["name"] == "a"
    with pytest.raises(SchemaError):
        load_schema({"fields": "nope"}, HttpSettings())
