"""frictionless's dialect and label checks run while pyarrow reads: same outcome as before."""

from __future__ import annotations

import csv
import io

import pytest
from frictionless import Detector, FrictionlessException
from hypothesis import given, settings
from hypothesis import strategies as st

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


CELLS = st.text(alphabet=st.sampled_from(list("ab1 .-,;\"\t'é2024")), max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.lists(CELLS, min_size=1, max_size=5), min_size=1, max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
)
def test_the_dialect_is_sniffed_alike_without_type_inference(rows, delimiter, quoting):
    """check_dialect skips frictionless's type inference on the sample (0.2 s on a large
    file): on CSV samples of any shape, frictionless sniffs the same header rows and the same
    CSV control with and without it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\n")
    for row in rows:
        writer.writerow(row)
    sample = out.getvalue()
    try:
        inferred = fastpath.sniffed_dialect(sample, delimiter, Detector())
    except FrictionlessException as exc:  # then both must refuse the sample alike
        with pytest.raises(FrictionlessException) as plain:
            fastpath.sniffed_dialect(sample, delimiter, Detector(field_type="string"))
        assert plain.value.error.type == exc.error.type
        return
    plain_rows, plain_control = fastpath.sniffed_dialect(
        sample, delimiter, Detector(field_type="string")
    )
    assert plain_rows == inferred[0]
    assert plain_control.to_descriptor() == inferred[1].to_descriptor()
