"""Property-based differential test: `observatory validate`'s fast path against frictionless.

Hypothesis draws a schema (types, formats and constraints from ``fast_gen.FIELDS``, patterns
RE2 and Python read differently, unique fields, primary keys) and a file (dialect, encoding,
line endings, quoting, ragged and blank rows, multi-line cells and header cells, spaces after
the delimiter), then validates the same bytes with the fast path forced on and with
frictionless. The full error lists and row counts must be equal; the fast path may decline
(then frictionless reads the file and says why). Shrinking gives the minimal divergence,
which then becomes a regression case in ``REGRESSIONS``.

The CI run has a fixed budget; ``pytest -m fuzz tests/inspect`` runs the long one
(``FUZZ_EXAMPLES``, 5,000 by default).
"""

from __future__ import annotations

import csv
import io
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from observatory.inspect import tabular
from observatory.inspect.tabular import validate_table
from tests.inspect.fast_gen import FIELDS

PATTERNS = [
    "^[0-9]{5}$",
    "a{,3}",
    "[ab]{1,2}|c",
    "\\d{2}",
    "(?i:ab)c",
    "x*",
    "[[:alpha:]]+",
    "[a-zéΑ-Ω]+",
    "É.?",
    "\\w+é",
]
TEXT = "abcxyz019 ,;\t|\"'\nÉéœ’ΑΘ-_"
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "cp1253", "latin-1"]
ENDINGS = ["\n", "\r\n", "\r"]
DELIMITERS = [",", ";", "\t", "|"]


@st.composite
def schemas(draw: Any) -> dict[str, Any]:
    picks = draw(st.lists(st.integers(0, len(FIELDS) - 1), min_size=1, max_size=4))
    fields: list[dict[str, Any]] = [
        {"name": "id", "type": draw(st.sampled_from(["integer", "string"]))}
    ]
    for k, i in enumerate(picks):
        fields.append({"name": f"f{k}", **FIELDS[i][0]})
    if draw(st.booleans()):
        pattern = draw(st.sampled_from(PATTERNS))
        fields.append({"name": "p", "type": "string", "constraints": {"pattern": pattern}})
    schema: dict[str, Any] = {"fields": fields}
    schema["missingValues"] = draw(st.sampled_from([[""], ["", "NA"]]))
    key = draw(st.sampled_from([None, ["id"], ["id", "f0"]]))
    if key:
        schema["primaryKey"] = key
    return schema


def cell_for(draw: Any, descriptor: dict[str, Any]) -> str:
    index = next((i for i, f in enumerate(FIELDS) if f[0] == descriptor), None)
    good, bad = (FIELDS[index][1], FIELDS[index][2]) if index is not None else ([], [])
    choices = [st.text(alphabet=TEXT, max_size=6), st.sampled_from(["", "NA", "1", "01", "aa"])]
    if good or bad:
        choices.append(st.sampled_from(good + bad))
    return draw(st.one_of(*choices))


@st.composite
def cases(draw: Any) -> tuple[dict[str, Any], bytes]:
    schema = draw(schemas())
    fields = schema["fields"]
    encoding = draw(st.sampled_from(ENCODINGS))
    delimiter = draw(st.sampled_from(DELIMITERS))
    ending = draw(st.sampled_from(ENDINGS))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=ending, quoting=quoting)
    header = [f["name"] for f in fields]
    if draw(st.integers(0, 9)) == 0:
        header[-1] = header[-1] + "\nsuite"  # a header cell on two lines
    writer.writerow(header)
    for r in range(draw(st.integers(0, 25))):
        row = [str(draw(st.sampled_from([r, r, 0, 1])))]
        row += [cell_for(draw, {k: v for k, v in f.items() if k != "name"}) for f in fields[1:]]
        shape = draw(st.integers(0, 19))
        if shape == 0:
            out.write(ending)  # an empty line
            continue
        if shape == 1:
            row = row[: draw(st.integers(1, len(row)))]
        elif shape == 2:
            row = row + ["extra"]
        elif shape == 3:
            row = [""] * len(row)
        writer.writerow(row)
    text = out.getvalue()
    if draw(st.integers(0, 9)) == 0:
        text = text.replace(delimiter, delimiter + " ")  # spaces after the delimiter
    data = text.encode(encoding, errors="replace")
    return schema, data


def both(schema: dict[str, Any], data: bytes) -> tuple[Any, Any]:
    reference = validate_table(data, schema)  # small file: frictionless
    saved = tabular.FAST_THRESHOLD
    tabular.FAST_THRESHOLD = -1  # every file through the fast path
    try:
        fast = validate_table(data, schema)
    finally:
        tabular.FAST_THRESHOLD = saved
    return reference, fast


def view(report: Any) -> list[tuple[Any, ...]]:
    return [(e.type, e.row, e.field, e.message) for e in report.errors]


def check(schema: dict[str, Any], data: bytes) -> None:
    reference, fast = both(schema, data)
    assert reference.stats.get("engine") != "fast"
    if fast.stats.get("engine") != "fast":
        assert fast.stats.get("fast_declined") or fast.fatal, "declined without a reason"
    assert view(fast) == view(reference)
    assert fast.row_count == reference.row_count
    assert (fast.fatal is None) == (reference.fatal is None)


# Minimal divergences found by this test, kept as regression cases.
REGRESSIONS: list[tuple[dict[str, Any], bytes]] = [
    (
        {
            "fields": [
                {"name": "id", "type": "integer"},
                {"name": "p", "type": "string", "constraints": {"pattern": "a{,3}"}},
            ]
        },
        b"id,p\n1,aa\n2,a{,3}\n",
    ),
    ({"fields": [{"name": "id", "type": "integer"}, {"name": "b", "type": "string"}]}, b""),
    (
        {"fields": [{"name": "id", "type": "integer"}, {"name": "b", "type": "integer"}]},
        b"id, b\n1, 2\n2, x\n",
    ),
    (
        {"fields": [{"name": "id", "type": "integer"}, {"name": "b", "type": "integer"}]},
        b'id,"b\nc"\n1,2\n2,x\n',
    ),
    (
        {"fields": [{"name": "id", "type": "integer"}, {"name": "b", "type": "string"}]},
        b"id,b\r1,2\r2,x\r",
    ),
    (  # frictionless takes the first row near the mean width as the header: row 2 here
        {"fields": [{"name": "id", "type": "integer"}, {"name": "f0", "type": "string"}]},
        b'id, f0, "f2\nsuite"\r\n',
    ),
    (
        {"fields": [{"name": "id", "type": "integer"}, {"name": "f0", "type": "string"}]},
        b"titre\nid,f0\n1,a\n2,b\n3,c\n",
    ),
]


@pytest.mark.parametrize(("schema", "data"), REGRESSIONS)
def test_regressions_read_as_frictionless_does(schema, data):
    check(schema, data)


COMMON = {"deadline": None, "suppress_health_check": list(HealthCheck), "derandomize": True}


@settings(max_examples=60, **COMMON)
@given(cases())
@example(REGRESSIONS[0])
def test_fast_path_equals_frictionless_on_drawn_files(case):
    check(*case)


@pytest.mark.fuzz
@pytest.mark.timeout(0)
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "5000")), **COMMON | {"derandomize": False}
)
@given(cases())
def test_fast_path_equals_frictionless_long_run(case):
    check(*case)
