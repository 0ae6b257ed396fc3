"""validate_source and report_json (`observatory validate`), and the fast path on bad input."""

from __future__ import annotations

import gzip
import io
import json
import zipfile

import pytest

from bench.validate.run import SCHEMA as BENCH_SCHEMA
from bench.validate.run import generate
from observatory.inspect import tabular
from observatory.inspect.tabular import convert_errors, run_frictionless
from observatory.inspect.validate_cmd import report_json, validate_source
from tests.inspect.support import CORPUS, DATA

SCHEMA = str(DATA / "communes-schema.json")
CAP = 50_000_000


def both_engines(monkeypatch, source: str, schema: str, http, **kw):
    """(frictionless report, fast-path report) of the same source."""
    slow = validate_source(source, schema, http, max_bytes=CAP, **kw)
    monkeypatch.setattr(tabular, "FAST_THRESHOLD", 0)
    fast = validate_source(source, schema, http, max_bytes=CAP, **kw)
    monkeypatch.undo()
    return slow, fast


def view(report):
    return [(e.type, e.row, e.field, e.message) for e in report.errors]


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("communes-latin1.csv", "cp1252", ";"),  # chardet's pick, as in frictionless
        ("communes-cp1252.csv", "cp1252", ";"),
        ("communes-bom.csv", "utf-8-sig", ","),
        ("communes-tab.csv", "utf-8", "\t"),
        ("communes-valid.csv", "utf-8", ","),
    ],
)
def test_encodings_and_separators_on_both_engines(monkeypatch, http, name, encoding, delimiter):
    slow, fast = both_engines(monkeypatch, str(DATA / name), SCHEMA, http)
    assert slow.valid and fast.valid
    assert fast.stats["engine"] == "fast"
    assert (fast.stats["encoding"], fast.stats["delimiter"]) == (encoding, delimiter)
    assert fast.row_count == slow.row_count
    assert report_json(fast) | {"engine": None} == report_json(slow) | {"engine": None}


def test_ragged_rows_are_findings_on_both_engines(monkeypatch, http):
    slow, fast = both_engines(monkeypatch, str(DATA / "communes-ragged.csv"), SCHEMA, http)
    assert fast.stats["engine"] == "fast"
    assert not fast.valid and fast.fatal is None
    assert view(fast) == view(slow)
    assert {"missing-cell", "extra-cell"} <= set(fast.error_counts)


def test_zip_and_gzip_hold_the_csv(monkeypatch, http, tmp_path):
    slow, fast = both_engines(monkeypatch, str(DATA / "communes.zip"), SCHEMA, http)
    assert slow.valid and fast.valid and fast.stats["container"] == "zip"
    packed = tmp_path / "communes.csv.gz"
    packed.write_bytes(gzip.compress((DATA / "communes-valid.csv").read_bytes()))
    slow, fast = both_engines(monkeypatch, str(packed), SCHEMA, http)
    assert slow.valid and fast.valid and fast.stats["engine"] == "fast"


def test_file_over_the_cap_is_validated_in_part(monkeypatch, http, tmp_path):
    rows = "".join(f"{10000 + i},Commune {i},{i}\n" for i in range(2000))
    path = tmp_path / "big.csv"
    path.write_text("code_insee,nom,population\n" + rows)
    report = validate_source(str(path), SCHEMA, http, max_bytes=10_000)
    monkeypatch.setattr(tabular, "FAST_THRESHOLD", 0)
    fast = validate_source(str(path), SCHEMA, http, max_bytes=10_000)
    for r in (report, fast):
        assert r.partial and r.valid and r.fatal is None
        assert 300 < r.row_count < 2000
    assert fast.row_count == report.row_count and fast.stats["engine"] == "fast"
    assert report_json(fast)["partial"] is True


@pytest.mark.parametrize("name", ["empty.csv", "header-only.csv"])
def test_empty_and_header_only_files(monkeypatch, http, name):
    slow, fast = both_engines(monkeypatch, str(DATA / name), SCHEMA, http)
    assert (slow.fatal is None) == (fast.fatal is None)
    assert slow.valid == fast.valid
    if name == "empty.csv":
        assert slow.fatal and "empty" in slow.fatal and not report_json(slow)["valid"]
    else:
        assert slow.valid and slow.row_count == 0 == fast.row_count


def test_missing_file_and_bad_schemas_are_fatal(http, files):
    missing = validate_source("/nonexistent/x.csv", SCHEMA, http, max_bytes=CAP)
    assert missing.fatal and not missing.valid
    gone = files.base + "/schema-404.json"
    for schema in (gone, str(DATA / "not-a-schema.json"), str(DATA / "bad-field-type.json")):
        report = validate_source(str(DATA / "communes-valid.csv"), schema, http, max_bytes=CAP)
        assert report.fatal and report.fatal.startswith("schema:"), schema
        assert report_json(report)["valid"] is False and report_json(report)["errors"] == []
    assert (
        "404" in validate_source(str(DATA / "communes-valid.csv"), gone, http, max_bytes=CAP).fatal
    )


def test_url_source_and_url_schema(http, files):
    folder = CORPUS / "stationnement"
    csv_url = files.add("/stationnement/invalide", (folder / "exemple-invalide.csv").read_bytes())
    schema_url = files.add(
        "/stationnement/schema.json", (folder / "schema.json").read_bytes(), "application/json"
    )
    report = validate_source(csv_url, schema_url, http, max_bytes=CAP)
    out = report_json(report)
    assert out["valid"] is False
    assert [e["type"] for e in out["errors"]] == ["constraint-error", "constraint-error"]
    assert all(set(e) == {"type", "row", "field", "message"} for e in out["errors"])
    json.dumps(out)  # serialisable as is
    capped = validate_source(csv_url, schema_url, http, max_bytes=CAP, limit_errors=1)
    assert len(capped.errors) == 1


def test_large_download_streams_through_the_fast_path(http, files, tmp_path):
    """A file above the threshold, served over HTTP: fast engine, frictionless's errors."""
    path = tmp_path / "big.csv"
    generate(path, 70_000)
    data = path.read_bytes()
    assert len(data) > tabular.FAST_THRESHOLD
    url = files.add("/big.csv", data)
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(BENCH_SCHEMA))
    report = validate_source(url, str(schema), http, max_bytes=CAP)
    assert report.stats["engine"] == "fast" and not report.partial
    expected = convert_errors(run_frictionless(data, BENCH_SCHEMA, ",", None))
    assert report.errors == expected
    assert report.row_count == 70_000


def test_zip_in_memory_over_threshold(monkeypatch, http, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("communes.csv", (DATA / "communes-ragged.csv").read_bytes())
    monkeypatch.setattr(tabular, "FAST_THRESHOLD", 0)
    report = tabular.validate_table(
        buffer.getvalue(), json.loads((DATA / "communes-schema.json").read_text())
    )
    assert report.stats["engine"] == "fast" and report.stats["member"] == "communes.csv"
    assert not report.valid
