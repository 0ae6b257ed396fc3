"""The fast path reports exactly frictionless's errors: generated files and the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from observatory.inspect import fastpath
from observatory.inspect.fast_source import validate_large
from observatory.inspect.fastpath import FastPathUnsupported, validate_file_fast
from observatory.inspect.tabular import convert_errors, run_frictionless
from tests.inspect.fast_gen import make_case
from tests.inspect.support import CORPUS

SEEDS = range(300)


def frictionless_view(data: bytes, schema: dict, delimiter: str = ",") -> list[tuple]:
    report = run_frictionless(data, schema, delimiter, None)
    return [(e.type, e.row, e.field, e.message) for e in convert_errors(report)]


def fast_view(path: Path, schema: dict, delimiter: str = ",", **kw) -> list[tuple]:
    result = validate_file_fast(path, schema, delimiter, **kw)
    return [(e.type, e.row, e.field, e.message) for e in result.errors]


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_files_give_the_same_errors_as_frictionless(seed, tmp_path, monkeypatch):
    schema, data = make_case(seed)
    path = tmp_path / "case.csv"
    path.write_bytes(data)
    block = 256 if seed % 3 == 0 else 8 << 20  # small blocks: rows split across batches
    if seed % 4:  # key columns not kept (read again), or dropped when they outgrow the budget
        monkeypatch.setattr(fastpath, "RETAIN_BYTES", (0, 0, 600, 3000)[seed % 4])
    assert fast_view(path, schema, block_size=block) == frictionless_view(data, schema)


def test_generated_cases_cover_every_error_kind():
    kinds = set()
    for seed in range(60):
        schema, data = make_case(seed)
        kinds |= {t for t, *_ in frictionless_view(data, schema)}
    assert kinds >= {
        "type-error",
        "constraint-error",
        "missing-cell",
        "extra-cell",
        "blank-row",
        "unique-error",
        "primary-key",
    }


SCHEMA = {
    "fields": [
        {"name": "code", "type": "string", "constraints": {"unique": True}},
        {"name": "nom", "type": "string", "constraints": {"required": True}},
        {"name": "n", "type": "integer"},
    ],
    "primaryKey": ["code", "n"],
}


@pytest.mark.parametrize(
    "text",
    [
        'code,nom,n\n1,"Saint-Malo\nintra-muros",2\n1,x,2\n\n3,"a ""b""",x\n',
        "code,name,n\n1,a,2\n2,b,3\n",  # incorrect label
        "code,nom,n\n1,a,2\n2,,3\n1,,\n,,\n4,a,5,6\n5\n",
        "code,nom,n\n01,a,1\n1,a,01\n01,b,1\n",  # composite key, integer equality
    ],
)
def test_awkward_files_give_the_same_errors(text, tmp_path):
    path = tmp_path / "awkward.csv"
    path.write_text(text, encoding="utf-8")
    assert fast_view(path, SCHEMA, block_size=64) == frictionless_view(text.encode(), SCHEMA)


def test_hash_collisions_never_become_errors(tmp_path, monkeypatch):
    """Keys forced to collide: the exact second pass must still find no duplicate."""
    from observatory.inspect import fastpath

    monkeypatch.setattr(fastpath, "mix64", lambda values: values * 0)
    text = "code,nom,n\n" + "".join(f"c{i},x,{i}\n" for i in range(50))
    path = tmp_path / "unique.csv"
    path.write_text(text)
    assert fast_view(path, SCHEMA) == [] == frictionless_view(text.encode(), SCHEMA)


def test_unsupported_schemas_are_refused_up_front(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n")
    schema = {
        "fields": [{"name": "a"}, {"name": "b"}],
        "foreignKeys": [{"fields": "a", "reference": {"resource": "", "fields": "b"}}],
    }
    with pytest.raises(FastPathUnsupported):
        validate_file_fast(path, schema, ",")


def corpus() -> list[tuple[Path, Path]]:
    return [
        (csv, next(folder.glob("*.json")))
        for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir())
        for csv in sorted(folder.glob("*.csv"))
    ]


@pytest.mark.parametrize(("csv_path", "schema_path"), corpus(), ids=lambda p: p.name)
def test_corpus_through_the_fast_path(csv_path, schema_path):
    schema = json.loads(schema_path.read_text())
    report = validate_large(
        csv_path, schema, url=str(csv_path), base={"distribution_key": None, "schema_url": None}
    )
    assert report is not None and report.stats["engine"] == "fast"
    data = csv_path.read_bytes()
    expected = frictionless_view(
        data.removeprefix(b"\xef\xbb\xbf"), schema, report.stats["delimiter"]
    )
    assert [(e.type, e.row, e.field, e.message) for e in report.errors] == expected
    assert report.valid == ("invalide" not in csv_path.name)
    if "invalide" in csv_path.name:
        assert expected
