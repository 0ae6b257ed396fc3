"""The pyarrow builders the fast path uses instead of ``pa.array`` (which imports pandas)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Every test compares with pa.array, which imports pandas on its first call (0.2-0.35 s on a
# busy machine, over hypothesis's 200 ms deadline for whichever test runs first): no deadline.
from observatory.inspect.arrow_arrays import (
    bool_array,
    bool_mask,
    numeric_array,
    numeric_values,
    string_array,
)


@settings(deadline=None)
@given(st.lists(st.text()))
def test_string_array_equals_pa_array(values):
    built = string_array(values)
    assert built.equals(pa.array(values, pa.string()))
    assert built.to_pylist() == values


@settings(deadline=None)
@given(
    hnp.arrays(st.sampled_from([np.int64, np.uint64, np.uint32, np.float64]), st.integers(0, 50))
)
def test_numeric_array_round_trips(values):
    built = numeric_array(values)
    reference = pa.array(values)
    assert (built.type, built.null_count, len(built)) == (reference.type, 0, len(values))
    assert np.array_equal(built.to_numpy(), reference.to_numpy(), equal_nan=True)
    assert numeric_values(built).tobytes() == values.tobytes()


@settings(deadline=None)
@given(st.lists(st.booleans()), st.integers(0, 9))
def test_bool_array_and_mask_round_trip(flags, cut):
    mask = np.array(flags, dtype=bool)
    built = bool_array(mask)
    assert built.equals(pa.array(flags, pa.bool_()))
    assert bool_mask(built).tolist() == flags
    assert bool_mask(built.slice(cut)).tolist() == flags[cut:]  # an offset into the bits


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), st.booleans())), st.integers(0, 9))
def test_bool_mask_reads_nulls_as_false(flags, cut):
    array = pa.array(flags, pa.bool_()).slice(cut)
    assert bool_mask(array).tolist() == [bool(f) for f in flags[cut:]]
    assert (
        bool_mask(pa.chunked_array([array, array])).tolist() == [bool(f) for f in flags[cut:]] * 2
    )


def test_numeric_values_refuses_nulls():
    array = pc.cast(pa.array(["1", None]), pa.int64())
    try:
        numeric_values(array)
    except ValueError:
        return
    raise AssertionError("nulls were read as numbers")
