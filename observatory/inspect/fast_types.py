"""Vectorised cell checks of one Table Schema field over a pyarrow string column.

Each cell is sorted into three kinds: *missing* (one of the missing values), *fast* (a form
recognised by a strict vectorised pattern, whose typed value and constraint results are
computed with pyarrow/numpy), and *slow* (everything else, and anything whose vectorised
answer could differ from frictionless's, e.g. a number right on a bound or a non-ASCII cell
under a pattern). Slow cells go through frictionless's own cell reader, so their errors and
messages are frictionless's. In well-formed files almost every cell is fast.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from frictionless import errors as ferrors
from frictionless.helpers import safe_format

from observatory.inspect.arrow_arrays import (
    bool_array,
    bool_mask,
    numeric_array,
    numeric_values,
    string_array,
)
from observatory.inspect.fast_dates import (
    calendar_days,
    fixed_width_fields,
    format_regex,
)

FAST_TYPES = {"string", "integer", "number", "boolean", "date", "datetime", "year", "yearmonth"}
SLOW_TYPES = {"time", "geopoint", "duration", "any"}
CONTROLS = np.array([0x0A, 0x0B, 0x1C, 0x1D, 0x1E, 0x1F], dtype=np.uint8)
MASK64 = (1 << 64) - 1
EPOCH = dt.date(1970, 1, 1)
EPOCH_DT = dt.datetime(1970, 1, 1)
CACHE_SIZE = 100_000
# Pattern syntax read differently by RE2 and Python's re: ``{,n}`` (Python: 0 to n times;
# RE2: the literal text) and POSIX classes. Everything else that differs (look-around,
# back-references, possessive or atomic groups, \Z, verbose mode) RE2 refuses to compile.
RE2_DIFFERS = re.compile(r"\{\s*,|\[:")
# Pattern syntax whose meaning on non-ASCII text differs: Unicode-aware classes and case
# folding in Python, ASCII-only in RE2.
UNICODE_AWARE = re.compile(r"\\[dDwWsSbB]|\(\?[a-zA-Z]*i")
STRING_FORMATS = {
    "default": None,
    "email": r"^[a-z0-9]+([._-][a-z0-9]+)*@[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*"
    r"\.[a-z]{2,10}$",
    "uri": r"^https?://[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*(/[A-Za-z0-9._~/-]*)?$",
    "uuid": r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
}
ErrorRow = tuple[int, int, str, str | None, str]  # (row, order in row, type, field, message)


def cell_message(
    kind: type[ferrors.Error], row: int, cell: str, name: str, pos: int, note: str
) -> str:
    """The frictionless message of a cell error, rendered from its own template."""
    data = {"rowNumber": row, "cell": cell, "fieldName": name, "fieldNumber": pos, "note": note}
    return safe_format(kind.template, data)


def mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads keys so combined hashes rarely collide."""
    z = values.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        z ^= z >> np.uint64(30)
        z *= np.uint64(0xBF58476D1CE4E5B9)
        z ^= z >> np.uint64(27)
        z *= np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return z


POLY = np.uint64(0x100000001B3)


def string_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets with n+1 entries, UTF-8 bytes) of a pyarrow string array, without copies."""
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)[arr.offset : arr.offset + len(arr) + 1]
    data = (
        np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    )
    return offsets.astype(np.int64), data


def string_keys(arr: pa.Array) -> np.ndarray:
    """A 64-bit polynomial hash of every string's UTF-8 bytes, computed column-wise."""
    offsets, data = string_buffers(arr)
    lengths = np.diff(offsets)
    width = int(lengths.max()) if len(lengths) else 0
    if width > 64:
        sums = _long_string_sums(offsets, data, lengths)
    else:
        sums = np.zeros(len(arr), dtype=np.uint64)
        starts = offsets[:-1]
        last = max(len(data) - 1, 0)
        with np.errstate(over="ignore"):
            for j in range(width):
                byte = data[np.minimum(starts + j, last)].astype(np.uint64)
                sums = np.where(j < lengths, sums * POLY + byte, sums)
    with np.errstate(over="ignore"):
        return mix64(sums ^ (lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)))


def _long_string_sums(offsets: np.ndarray, data: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    seg = data[offsets[0] : offsets[-1]]
    starts = offsets[:-1] - offsets[0]
    nonempty = lengths > 0
    sums = np.zeros(len(lengths), dtype=np.uint64)
    ends = np.repeat(starts + lengths, lengths)
    back = ends - 1 - np.arange(len(seg))
    powers = np.ones(int(lengths.max()), dtype=np.uint64)
    with np.errstate(over="ignore"):
        powers[1:] = np.cumprod(np.full(len(powers) - 1, POLY, dtype=np.uint64))
        terms = seg.astype(np.uint64) * powers[back]
    sums[nonempty] = np.add.reduceat(terms, starts[nonempty])
    return sums


def python_string_key(value: str) -> int:
    """``string_keys`` of one Python string."""
    total = 0
    raw = value.encode("utf-8")
    for byte in raw:
        total = (total * int(POLY) + byte) & MASK64
    mixed = np.array([total ^ ((len(raw) * 0x9E3779B97F4A7C15) & MASK64)], dtype=np.uint64)
    return int(mix64(mixed)[0])


def unsafe_for_re2(arr: pa.Array, unicode_safe: bool = False) -> np.ndarray:
    """Cells where RE2 and Python's re may disagree: newline and odd controls (``$``, ``.``,
    ``\\s``), and non-ASCII text unless the pattern is ``unicode_safe`` (no ``\\d \\w \\s \\b``
    class nor case folding, which are ASCII-only in RE2 and Unicode-aware in Python)."""
    _, data = string_buffers(arr)
    non_ascii = not unicode_safe and bool((data >= 0x80).any())
    if not len(data) or not non_ascii and not np.isin(data, CONTROLS).any():
        return np.zeros(len(arr), dtype=bool)
    controls = _match(arr, "[\\n\\x0b\\x1c-\\x1f]")
    return controls if unicode_safe else ~bool_mask(pc.string_is_ascii(arr)) | controls


def _match(arr: pa.Array, regex: str) -> np.ndarray:
    return bool_mask(pc.match_substring_regex(arr, regex))


INTEGER_RE, YEAR_RE = r"^-?[0-9]{1,18}$", r"^[0-9]{4}$"
#: Regexes told by ``decimal_cells`` instead: (fewest digits, most digits, signed).
DECIMAL_SHAPES = {INTEGER_RE: (1, 18, True), YEAR_RE: (4, 4, False)}


def decimal_cells(arr: pa.Array, fewest: int, most: int, signed: bool) -> np.ndarray:
    """Cells matching ``^-?[0-9]{fewest,most}$`` (``-?`` only when ``signed``) as RE2 reads
    it, from Arrow's ASCII digit test: a fifth of the regex's time on integer columns.
    ``arr``: a column without nulls, as the fast path reads them; ``fewest``: 1 or more."""
    if fewest < 1:
        raise ValueError("decimal_cells needs at least one digit")
    length = numeric_values(pc.binary_length(arr))
    ok = bool_mask(pc.ascii_is_decimal(arr)) & (length >= fewest) & (length <= most)
    if signed:
        sized = (length > fewest) & (length <= most + 1)
        minus = np.flatnonzero(bool_mask(pc.starts_with(arr, "-")) & sized)
        if len(minus):
            rest = pc.utf8_slice_codeunits(arr.take(numeric_array(minus)), 1)
            ok[minus] = bool_mask(pc.ascii_is_decimal(rest))
    return ok


@dataclass
class ColumnResult:
    missing: np.ndarray  # bool per row: the cell is a missing value (blank)
    errors: list[ErrorRow] = field(default_factory=list)
    keys: np.ndarray | None = None  # uint64 per row, for unique / primary key
    null: np.ndarray | None = None  # bool per row: the value is None (missing or type error)


class FieldCheck:
    """Checks of one field; ``run`` gives the errors frictionless would give, per cell."""

    def __init__(self, fld: Any, position: int, missing_values: list[str], keyed: bool):
        self.field, self.pos, self.keyed = fld, position, keyed
        self.name: str = fld.name
        self.type: str = fld.type
        self.reader = fld.create_cell_reader()
        self.value_reader = fld.create_value_reader()
        self.missing_values = string_array(missing_values)
        self.only_empty_missing = missing_values == [""]
        self.constraints: dict[str, Any] = dict(fld.constraints)
        self.order = {name: i + 1 for i, name in enumerate(fld.supported_constraints)}
        self.cache: dict[str, tuple[Any, dict[str, str] | None]] = {}
        self.all_slow = self.type in SLOW_TYPES
        self.slow_reason: str | None = None  # why a vectorisable column is read cell by cell
        self.fast_regex: str | None = None  # what a cell in a fast form matches
        self.pattern_re2: str | None = None
        self.pattern_unicode_safe = False
        self._prepare()

    # -- preparation: decide what can be vectorised for this field

    def _prepare(self) -> None:
        t, fmt = self.type, self.field.format
        if t == "string":
            if fmt not in STRING_FORMATS:
                self.all_slow = True
            self.fast_regex = STRING_FORMATS.get(fmt)
        elif t == "integer":
            self.fast_regex = INTEGER_RE
        elif t == "number":
            self._prepare_number()
        elif t in ("date", "datetime"):
            default = "%Y-%m-%d" if t == "date" else "%Y-%m-%dT%H:%M:%S"
            self.strp = default if fmt == "default" else fmt
            self.fast_regex = format_regex(self.strp) if fmt != "any" else None
            self.all_slow = self.all_slow or self.fast_regex is None
        elif t == "year":
            self.fast_regex = YEAR_RE
        elif t == "yearmonth":
            self.fast_regex = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
        for name in self.constraints:
            if name not in ("required", "unique") and not self._vectorisable(name):
                self.all_slow = True

    def _prepare_number(self) -> None:
        f = self.field
        dec, group = f.decimal_char, f.group_char
        self.dec = dec if "decimal_char" in f.list_defined() or dec != "." else "."
        self.group = group if group and group != dec else ""
        d = "\\" + dec
        plain = rf"-?[0-9]{{1,300}}({d}[0-9]{{1,300}})?"
        if self.group:
            g = "\\" + self.group
            plain = rf"{plain}|-?[0-9]{{1,3}}({g}[0-9]{{3}})+({d}[0-9]{{1,300}})?"
        self.fast_regex = rf"^({plain})$"
        if f.float_number or (group and group == dec):
            self.all_slow = True

    def _vectorisable(self, name: str) -> bool:
        t, c = self.type, self.constraints[name]
        if name in ("minLength", "maxLength"):
            return t == "string" and isinstance(c, int)
        if name == "pattern":
            return t == "string" and self._prepare_pattern(c)
        if name == "enum":
            return t in ("string", "integer", "year")
        if name in ("minimum", "maximum"):
            if t not in ("integer", "number", "year", "date"):
                return False
            bound = self.value_reader(c)
            if bound is None or isinstance(bound, bool):
                return False
            self.bounds = getattr(self, "bounds", {}) | {name: bound}
            return True
        return False

    def _prepare_pattern(self, pattern: str) -> bool:
        """Whether RE2 (pyarrow) reads ``pattern`` as Python's re does; else say why."""
        regex = f"^{pattern}$" if "|" not in pattern else f"^(?:^{pattern}$)"
        differs = RE2_DIFFERS.search(pattern)
        if differs:
            self.slow_reason = f"pattern: {differs.group(0)!r} means something else to RE2"
            return False
        try:
            pc.match_substring_regex(string_array(["x"]), regex)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            self.slow_reason = "pattern: RE2 cannot compile it"
            return False
        self.pattern_re2 = regex
        self.pattern_unicode_safe = not UNICODE_AWARE.search(pattern)
        return True

    # -- per batch

    def run(self, arr: pa.Array, rows: np.ndarray) -> ColumnResult:
        """Errors of this column over one batch; ``rows`` are the frictionless row numbers."""
        missing = self._missing(arr)
        result = ColumnResult(missing=missing)
        if self.constraints.get("required"):
            for i in np.flatnonzero(missing):
                result.errors.append(self._constraint(int(rows[i]), arr[i].as_py(), "required"))
        present = ~missing
        if self.all_slow:
            ok, values = np.zeros(len(arr), dtype=bool), None
        else:
            ok, values = self._parse(arr)
            ok &= present
            ok &= ~self._uncertain(arr, values, ok)
        null = missing.copy()
        slow_values: dict[int, Any] = {}
        for i in np.flatnonzero(present & ~ok):
            raw = arr[i].as_py()
            target, notes = self._read(raw)
            if notes:
                row = int(rows[i])
                result.errors += [self._note(row, raw, k, v) for k, v in notes.items()]
            if target is None:
                null[i] = True
            else:
                slow_values[int(i)] = target
        if values is not None and ok.any():
            self._fast_constraints(arr, values, ok, rows, result.errors)
        if self.keyed:
            result.keys, result.null = self._keys(arr, values, ok, slow_values), null
        return result

    def _missing(self, arr: pa.Array) -> np.ndarray:
        """Cells that are a missing value; with the default [""], the empty ones."""
        if self.only_empty_missing:
            return np.diff(string_buffers(arr)[0]) == 0
        return bool_mask(pc.is_in(arr, value_set=self.missing_values))

    def _read(self, raw: str) -> tuple[Any, dict[str, str] | None]:
        hit = self.cache.get(raw)
        if hit is None:
            target, notes = self.reader(raw)
            hit = (target, dict(notes) if notes else None)
            if len(self.cache) < CACHE_SIZE:
                self.cache[raw] = hit
        return hit

    def _note(self, row: int, raw: str, name: str, note: str) -> ErrorRow:
        if name == "type":
            message = cell_message(ferrors.TypeError, row, raw, self.name, self.pos, note)
            return (row, self.pos * 100, "type-error", self.name, message)
        message = cell_message(ferrors.ConstraintError, row, raw, self.name, self.pos, note)
        return (row, self.pos * 100 + self.order[name], "constraint-error", self.name, message)

    def _constraint(self, row: int, raw: str, name: str) -> ErrorRow:
        return self._note(row, raw, name, f'constraint "{name}" is "{self.constraints[name]}"')

    def _parse(self, arr: pa.Array) -> tuple[np.ndarray, Any]:
        """(mask of cells in a fast form, their typed values as numpy/pyarrow)."""
        t = self.type
        if t in ("date", "datetime"):  # fixed-width formats, read from the cells' bytes
            return self._time_values(*fixed_width_fields(*string_buffers(arr), self.strp))
        ok = np.ones(len(arr), dtype=bool) if self.fast_regex is None else self._fast_cells(arr)
        if t == "string":
            return ok, arr
        if t == "boolean":
            f = self.field
            true = bool_mask(pc.is_in(arr, value_set=string_array(f.true_values)))
            false = bool_mask(pc.is_in(arr, value_set=string_array(f.false_values)))
            return true | false, true
        filled = pc.if_else(bool_array(ok), arr, string_array([self._filler()])[0])
        if t in ("integer", "year"):
            return ok, numeric_values(pc.cast(filled, pa.int64()))
        if t == "number":
            if self.group:
                filled = pc.replace_substring(filled, self.group, "")
            if self.dec != ".":
                filled = pc.replace_substring(filled, self.dec, ".")
            return ok, numeric_values(pc.cast(filled, pa.float64()))
        year = numeric_values(pc.cast(pc.utf8_slice_codeunits(filled, 0, 4), pa.int64()))
        month = numeric_values(pc.cast(pc.utf8_slice_codeunits(filled, 5, 7), pa.int64()))
        return ok, year * 12 + month  # yearmonth

    def _fast_cells(self, arr: pa.Array) -> np.ndarray:
        """Cells matching ``fast_regex`` (set by the caller)."""
        regex = self.fast_regex or ""
        shape = DECIMAL_SHAPES.get(regex)
        return _match(arr, regex) if shape is None else decimal_cells(arr, *shape)

    def _filler(self) -> str:
        return "1970-01" if self.type == "yearmonth" else "0"

    def _time_values(self, ok: np.ndarray, parts: dict[str, np.ndarray]) -> tuple[np.ndarray, Any]:
        """Days (dates) or seconds (datetimes) since 1970 of fixed-width cells, calendar
        checked."""
        ok, days = calendar_days(parts, ok)
        if self.type == "date":
            return ok, days
        zero = np.zeros(len(ok), np.int64)
        clock = parts.get("%H", zero) * 3600 + parts.get("%M", zero) * 60 + parts.get("%S", zero)
        return ok, days * 86400 + clock

    def _uncertain(self, arr: pa.Array, values: Any, ok: np.ndarray) -> np.ndarray:
        """Fast cells whose vectorised answer might differ from Python's: send them slow."""
        unsure = np.zeros(len(arr), dtype=bool)
        if self.pattern_re2 is not None:
            unsure |= unsafe_for_re2(arr, self.pattern_unicode_safe)
        if self.type == "number":
            for bound in getattr(self, "bounds", {}).values():
                b = float(bound)
                unsure |= np.abs(values - b) <= abs(b) * 1e-9 + 1e-12
        return unsure & ok

    def _fast_constraints(
        self, arr: pa.Array, values: Any, ok: np.ndarray, rows: np.ndarray, out: list[ErrorRow]
    ) -> None:
        fails: dict[str, np.ndarray] = {}
        c = self.constraints
        if "minLength" in c or "maxLength" in c:
            length = numeric_values(pc.utf8_length(arr))
            if "minLength" in c:
                fails["minLength"] = length < c["minLength"]
            if "maxLength" in c:
                fails["maxLength"] = length > c["maxLength"]
        if self.pattern_re2 is not None:
            fails["pattern"] = ~_match(arr, self.pattern_re2)
        for name, bound in getattr(self, "bounds", {}).items():
            b = self._bound_value(bound)
            fails[name] = values < b if name == "minimum" else values > b
        if "enum" in c:
            fails["enum"] = self._enum_fail(arr, values)
        for name in sorted(fails, key=self.order.__getitem__):
            for i in np.flatnonzero(fails[name] & ok):
                out.append(self._constraint(int(rows[i]), arr[i].as_py(), name))

    def _bound_value(self, bound: Any) -> Any:
        if self.type == "date":
            return (bound - EPOCH).days
        return float(bound) if self.type == "number" else bound

    def _enum_fail(self, arr: pa.Array, values: Any) -> np.ndarray:
        members = [self.value_reader(v) for v in self.constraints["enum"]]
        if self.type == "string":
            allowed = string_array([m for m in members if isinstance(m, str)])
            return ~bool_mask(pc.is_in(arr, value_set=allowed))
        allowed_ints = [m for m in members if isinstance(m, int) and not isinstance(m, bool)]
        return ~np.isin(values, np.array(allowed_ints, dtype=np.int64))

    # -- keys for unique / primary key

    def _keys(self, arr: pa.Array, values: Any, ok: np.ndarray, slow: dict[int, Any]) -> np.ndarray:
        n = len(arr)
        if self.type == "string":
            return string_keys(arr)
        keys = np.zeros(n, dtype=np.uint64)
        if values is not None:
            fast = np.asarray(values)
            if self.type == "number":
                keys[ok] = (fast[ok] + 0.0).view(np.uint64)
            else:
                keys[ok] = fast[ok].astype(np.int64).view(np.uint64)
        for i, value in slow.items():
            keys[i] = self.key_of(value)
        return keys

    def key_of(self, value: Any) -> int:
        """The uint64 key of a frictionless value, equal to the vectorised key of equal values."""
        return python_key(self.type, value)


def python_key(type_: str, value: Any) -> int:
    """uint64 key of a Python value such that equal values give equal keys."""
    if type_ == "string" and isinstance(value, str):
        return python_string_key(value)
    if type_ == "number" and isinstance(value, Decimal | float | int):
        return int(np.array([float(value) + 0.0]).view(np.uint64)[0])
    if type_ == "boolean":
        return int(bool(value))
    if isinstance(value, int) and -(1 << 63) <= value < (1 << 63):
        return value & MASK64
    if type_ == "date" and isinstance(value, dt.date):
        return (value - EPOCH).days & MASK64
    if type_ == "datetime" and isinstance(value, dt.datetime) and value.tzinfo is None:
        delta = value - EPOCH_DT
        if not delta.microseconds:
            return (delta.days * 86400 + delta.seconds) & MASK64
    if type_ == "yearmonth":
        return (value.year * 12 + value.month) & MASK64
    return hash(value) & MASK64


KeyFn = Callable[[Any], int]
