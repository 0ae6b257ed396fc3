"""Integer and year cells are told from Arrow's ASCII digit test, not a regex: the same
cells as the regex that RE2 ran before, and as Python's ``re`` reads it."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observatory.inspect.fast_types import DECIMAL_SHAPES, _match, decimal_cells

CELLS = st.one_of(
    st.from_regex(r"-?[0-9]{0,20}", fullmatch=True),
    st.text(alphabet="0123456789-+ .\n\t٣¹x", max_size=21),
    st.text(max_size=6),
)
SHAPES = tuple(DECIMAL_SHAPES.items())  # the integer and year regexes


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(CELLS, max_size=40), cut=st.integers(0, 5))
def test_decimal_cells_are_the_cells_the_regex_matches(cells, cut):
    column = pa.array(cells, pa.string()).slice(min(cut, len(cells)))  # a batch's slice too
    kept = cells[min(cut, len(cells)) :]
    for regex, (fewest, most, signed) in SHAPES:
        got = decimal_cells(column, fewest, most, signed).tolist()
        assert got == _match(column, regex).tolist()
        assert got == [re.fullmatch(regex.strip("^$"), c) is not None for c in kept]


def test_a_negative_integer_column_is_read_fast():
    column = pa.array(["-1", "-", "--1", "-0", "-123456789012345678", "-1234567890123456789"])
    assert decimal_cells(column, 1, 18, signed=True).tolist() == [1, 0, 0, 1, 1, 0]


def test_a_shape_without_a_digit_is_refused():
    """``^-?[0-9]{0,n}$`` matches "" and "-", which the digit test cannot see: refused."""
    with pytest.raises(ValueError, match="at least one digit"):
        decimal_cells(pa.array(["", "-"]), 0, 4, signed=True)
