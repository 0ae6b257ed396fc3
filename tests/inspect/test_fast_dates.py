"""Fixed-width dates read from the cells' bytes, against the strict regex and Python.

``fixed_width_fields`` must accept exactly the cells that ``format_regex`` matches (RE2, as
pyarrow runs it), and read the numbers ``strptime`` reads from them; ``calendar_days`` must
keep exactly the real dates.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import example, given, settings
from hypothesis import strategies as st

from observatory.inspect.fast_dates import calendar_days, fixed_width_fields, format_regex
from observatory.inspect.fast_types import string_buffers

FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M", "%Y%m%d", "%H:%M"]
# Characters near the ones a format holds, so that near-misses are frequent.
NEAR = st.sampled_from(list("0123456789-/:T ZéA\n٣") + ["\x00", "１"])


def near_miss(fmt: str) -> st.SearchStrategy[str]:
    valid = dt.datetime(2020, 2, 29, 23, 59, 58).strftime(fmt)
    edits = st.lists(st.tuples(st.integers(0, len(valid)), NEAR), max_size=3)

    def apply(changes: list[tuple[int, str]]) -> str:
        text = valid
        for where, char in changes:
            text = text[:where] + char + text[where + 1 :]
        return text

    return st.one_of(edits.map(apply), st.text(NEAR, max_size=22))


def python_reading(cell: str, fmt: str) -> int | None:
    """Seconds since 1970 of a cell strptime reads, or None."""
    try:
        value = dt.datetime.strptime(cell, fmt)
    except ValueError:
        return None
    return int((value - dt.datetime(1970, 1, 1)).total_seconds())


@settings(max_examples=400, deadline=None)
@given(data=st.data(), fmt=st.sampled_from(FORMATS))
@example(data=None, fmt="%Y-%m-%d")
@example(data=None, fmt="%H:%M")
@example(data=None, fmt="%Y-%m-%dT%H:%M:%S")
def test_byte_reader_matches_the_regex_and_strptime(data, fmt: str) -> None:
    cells = ["2020-02-29", "2021-02-29", "0000-01-01", "2020-13-01", "2020-1-01", "24:00"]
    cells += ["23:60", "23:59", "2020-02-29T24:00:00", "2020-02-29T23:59:60", "19:5a"]
    if data is not None:
        cells = data.draw(st.lists(near_miss(fmt), min_size=1, max_size=30))
    arr = pa.array(cells, pa.string())
    ok, parts = fixed_width_fields(*string_buffers(arr), fmt)
    regex = pc.match_substring_regex(arr, format_regex(fmt)).to_pylist()
    assert ok.tolist() == regex
    real, days = calendar_days(parts, ok)
    zero = np.zeros(len(cells), np.int64)
    clock = parts.get("%H", zero) * 3600 + parts.get("%M", zero) * 60 + parts.get("%S", zero)
    for i, cell in enumerate(cells):
        expected = python_reading(cell, fmt) if regex[i] else None
        got = int(days[i] * 86400 + clock[i]) if real[i] else None
        if "%Y" not in fmt and expected is not None:  # strptime's default year is 1900
            expected = python_reading("1900 " + cell, "%Y " + fmt)
        assert got == expected, cell


def test_a_sliced_column_is_read_at_its_own_offset() -> None:
    arr = pa.array(["x", "2020-01-31", "31/01/2020", "2019-12-01"]).slice(1)
    ok, parts = fixed_width_fields(*string_buffers(arr), "%Y-%m-%d")
    assert ok.tolist() == [True, False, True]
    assert parts["%Y"][[0, 2]].tolist() == [2020, 2019] and parts["%d"][0] == 31
