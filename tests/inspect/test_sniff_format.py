"""sniff_format tells the real format from the first bytes."""

from __future__ import annotations

import gzip
import io
import json
import zipfile

import pytest

from observatory.inspect.sniff import sniff_format
from tests.inspect.support import CORPUS, DATA


def _zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name.replace("__", "/"), content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ((DATA / "communes.zip").read_bytes(), "zip"),
        (_zip(xl__workbook_xml=b"<workbook/>"), "xlsx"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf"),
        (gzip.compress(b"a,b\n1,2\n"), "gzip"),
        (b"PAR1\x15\x04", "parquet"),
        (b"<!DOCTYPE html>\n<html><body>Access denied</body></html>", "html"),
        (b"  <html><head><title>x</title></head></html>", "html"),
        (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"/>', "xml"),
        (b'{"data": [], "total": 0}', "json"),
        (b'[{"a": 1}]', "json"),
        (json.dumps({"type": "FeatureCollection", "features": []}).encode(), "geojson"),
        ((CORPUS / "stationnement" / "exemple-valide.csv").read_bytes(), "csv"),
        ((CORPUS / "hautes-remunerations" / "exemple-valide.csv").read_bytes(), "csv"),
        ((DATA / "communes-tab.csv").read_bytes(), "csv"),
        ((DATA / "communes-latin1.csv").read_bytes(), "csv"),
        ((DATA / "communes-bom.csv").read_bytes(), "csv"),
        (b"\x00\x01\x02\x03binary", None),
    ],
)
def test_sniff_format(head, expected):
    assert sniff_format(head) == expected


def test_truncated_prefix_of_a_geojson_is_still_geojson():
    features = [{"type": "Feature", "properties": {"i": i}, "geometry": None} for i in range(500)]
    body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    assert sniff_format(body[:8192]) == "geojson"


def test_truncated_csv_prefix_is_csv():
    body = b"a;b;c\n" + b"1;2;3\n" * 5000
    assert sniff_format(body[:10001]) == "csv"


def test_content_type_only_when_bytes_say_nothing():
    assert sniff_format(b"", "application/json; charset=utf-8") == "json"
    assert sniff_format(b"<html></html>", "text/csv") == "html"
