"""frictionless's dialect and label checks run while pyarrow reads: same outcome as before."""

from __future__ import annotations

import pytest

from observatory.inspect import fastpath
from observatory.inspect.fastpath import FastPathUnsupported, validate_file_fast

SCHEMA = {"fields": [{"name": "a", "type": "integer"}, {"name": "b"}]}


def test_a_dialect_decline_keeps_its_reason_and_stops_the_reading(tmp_path, monkeypatch):
    """Spaces after each comma: frictionless skips them, so the fast path declines, with
    that reason (not a later reading error), after a few blocks, not the whole file."""
    path = tmp_path / "spaced.csv"
    path.write_text("a, b\n" + "".join(f"{i}, x{i}\n" for i in range(20_000)))
    batches: list[int] = []
    original = fastpath.FastValidator._batch

    def counted(self, *args):
        batches.append(1)
        return original(self, *args)

    monkeypatch.setattr(fastpath.FastValidator, "_batch", counted)
    with pytest.raises(FastPathUnsupported, match="skips spaces"):
        validate_file_fast(path, SCHEMA, ",", block_size=4096)
    assert len(batches) < 40  # the file holds about 60 blocks of 4 kB


def test_label_errors_come_first_as_frictionless_reports_them(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("a,c\n" + "".join(f"{i},x\n" for i in range(5_000)) + "oops,x\n")
    errors = validate_file_fast(path, SCHEMA, ",", block_size=4096).errors
    assert [(e.type, e.row, e.field) for e in errors] == [
        ("incorrect-label", None, "b"),
        ("type-error", 5002, "a"),
    ]
