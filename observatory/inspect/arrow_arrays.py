"""pyarrow arrays built from their buffers, without ``pa.array``.

``pa.array`` imports pandas the first time it is called, whatever it is given (pyarrow's
pandas shim checks every argument for a pandas object): about 0.2 s of start-up that
``observatory validate`` on a large file never needs. These builders give the same arrays
from numpy buffers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa


def string_array(values: Sequence[str]) -> pa.Array:
    """A pyarrow string array of ``values`` (no nulls)."""
    encoded = [value.encode("utf-8") for value in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(item) for item in encoded], out=offsets[1:])
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    return pa.Array.from_buffers(pa.string(), len(encoded), buffers)


def numeric_array(values: np.ndarray) -> pa.Array:
    """A pyarrow array of a one-dimensional numeric numpy array (same type, no nulls)."""
    values = np.ascontiguousarray(values)
    kind = pa.from_numpy_dtype(values.dtype)
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])


def bool_array(mask: np.ndarray) -> pa.Array:
    """A pyarrow boolean array of a numpy mask (no nulls)."""
    bits = np.packbits(np.asarray(mask, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, pa.py_buffer(bits)])


def bool_mask(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A numpy mask of a boolean pyarrow array, nulls as False."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    validity, data = array.buffers()
    mask = _bits(data, array.offset, len(array))
    if validity is not None and array.null_count:
        mask &= _bits(validity, array.offset, len(array))
    return mask


def _bits(buffer: pa.Buffer, offset: int, length: int) -> np.ndarray:
    packed = np.frombuffer(buffer, dtype=np.uint8)
    return np.unpackbits(packed, count=offset + length, bitorder="little")[offset:].astype(bool)


def numeric_values(array: pa.Array) -> np.ndarray:
    """The values of a numeric pyarrow array without nulls, as a numpy view."""
    if array.null_count:
        raise ValueError("numeric_values: the array holds nulls")
    data = array.buffers()[1]
    values = np.frombuffer(data, dtype=array.type.to_pandas_dtype())
    return values[array.offset : array.offset + len(array)]
