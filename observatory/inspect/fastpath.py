"""Fast Table Schema validation of a large CSV file: the errors frictionless reports, vectorised.

The file is streamed with pyarrow's CSV reader in blocks (bounded memory); every column is
checked by ``fast_types.FieldCheck``. Rows pyarrow cannot shape (ragged rows) go through
frictionless's own ``Row``. Uniqueness and primary keys keep one 64-bit hash per row; rows
whose hash is shared are re-read in a second pass and compared on their exact values, so a
hash collision never yields a false error. Row numbers are frictionless's (header = 1,
every record counted, blank lines included).

What the fast path does not cover is decided up front by ``unsupported_reason``; the
caller then uses frictionless for the file.
"""

from __future__ import annotations

import copy
import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from frictionless import Detector, Dialect, Resource, Schema, formats
from frictionless import errors as ferrors
from frictionless.helpers import safe_format
from frictionless.table.row import Row, create_cell_handlers

from observatory.inspect.arrow_arrays import bool_mask, numeric_array
from observatory.inspect.fast_types import (
    FAST_TYPES,
    SLOW_TYPES,
    ColumnResult,
    ErrorRow,
    FieldCheck,
    mix64,
    python_key,
    string_buffers,
)
from observatory.machine import usable_cores
from observatory.model import ValidationError

BLOCK_SIZE = 8 << 20
UNIQUE_ORDER = 10_000_000
PK_ORDER = 20_000_000
CELL_END = 1_000_000  # extra-cell and missing-cell errors come after every cell error
NULL_KEY = np.uint64(0x9E3779B97F4A7C15)
HEADER_SCAN = 1 << 20
_Item = TypeVar("_Item")
RETAIN_BYTES = 64 << 20  # key columns kept from the first pass, so no second read is needed


class FastPathUnsupported(Exception):
    """This file or schema needs frictionless itself; the message says why."""


def unsupported_reason(schema: dict[str, Any]) -> str | None:
    """Why the fast path cannot validate files of this schema, or None when it can."""
    if schema.get("foreignKeys"):
        return "foreign keys"
    if schema.get("fieldsMatch") or schema.get("uniqueKeys"):
        return "fieldsMatch / uniqueKeys"
    if "" not in schema.get("missingValues", [""]):
        return "missingValues without the empty string"
    for fld in schema.get("fields", []):
        kind = fld.get("type", "any")
        if kind not in FAST_TYPES | SLOW_TYPES:
            return f"field type {kind}"
        if "missingValues" in fld:
            return "field-level missingValues"
    return None


@dataclass
class FastResult:
    errors: list[ValidationError]
    row_count: int
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Plan:
    schema: Schema
    checks: list[FieldCheck]
    unique: list[int]  # positions (0-based) of unique fields
    pk: list[int]  # positions (0-based) of primary-key fields
    handlers: Any


def read_labels(path: Path, encoding: str, delimiter: str) -> list[str]:
    """The header row, read with Python's csv module like frictionless does."""
    with open(path, encoding=encoding, newline="", errors="replace") as handle:
        head = handle.read(HEADER_SCAN)
    labels = next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), [])
    if any("\n" in label or "\r" in label for label in labels):
        raise FastPathUnsupported("a header cell spans several lines")
    return labels


def check_dialect(path: Path, encoding: str, delimiter: str) -> None:
    """Decline unless frictionless's dialect sniffing, run on the file's first lines, reads
    it as pyarrow does: header on row 1, no space skipped after a delimiter, '"' quotes, no
    escape char."""
    with open(path, encoding=encoding, newline="", errors="replace") as handle:
        head = handle.read(HEADER_SCAN)
    cut = max(head.rfind("\n"), head.rfind("\r"))
    sample = (head[: cut + 1] if cut >= 0 else head).lstrip("\ufeff")
    # no type inference: the fields frictionless would guess play no part in the dialect
    header_rows, control = sniffed_dialect(sample, delimiter, Detector(field_type="string"))
    if header_rows != [1]:  # frictionless takes the first row near the sample's mean width
        raise FastPathUnsupported(f"frictionless reads the header from rows {header_rows}")
    if control.skip_initial_space:
        raise FastPathUnsupported("frictionless skips spaces after the delimiter in this file")
    if control.quote_char != '"' or control.escape_char or not control.double_quote:
        raise FastPathUnsupported("frictionless sniffs a quoting pyarrow does not read")


def sniffed_dialect(
    sample: str, delimiter: str, detector: Detector
) -> tuple[list[int], formats.CsvControl]:
    """frictionless's header rows and CSV control for a sample opened with ``delimiter``."""
    resource = Resource(
        data=sample.encode("utf-8"),
        format="csv",
        encoding="utf-8",
        dialect=Dialect(controls=[formats.CsvControl(delimiter=delimiter)]),
        detector=detector,
    )
    with resource:
        control = formats.CsvControl.from_dialect(resource.dialect)
        header_rows = resource.dialect.header_rows if resource.dialect.header else []
    return header_rows, control


def header_errors(labels: list[str], schema: dict[str, Any], delimiter: str) -> list[ErrorRow]:
    """Label errors, from frictionless run on the header line alone."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow(labels)
    resource = Resource(
        data=out.getvalue().encode("utf-8"),
        format="csv",
        encoding="utf-8",
        dialect=Dialect(controls=[formats.CsvControl(delimiter=delimiter)]),
        schema=Schema.from_descriptor(copy.deepcopy(schema)),
    )
    report = resource.validate()
    task_errors = report.tasks[0].errors if report.tasks else report.errors
    found: list[ErrorRow] = []
    for error in task_errors:
        if getattr(error, "row_number", None):
            raise FastPathUnsupported("the header line holds rows")
        name = getattr(error, "field_name", None) or None
        found.append((0, len(found), error.type, name, error.message))
    return found


def _plan(schema: dict[str, Any]) -> _Plan:
    sch = Schema.from_descriptor(copy.deepcopy(schema))
    names = [f.name for f in sch.fields]
    unique = [i for i, f in enumerate(sch.fields) if f.constraints.get("unique")]
    pk = [names.index(n) for n in sch.primary_key]
    keyed = set(unique) | set(pk)
    checks = [
        FieldCheck(f, i + 1, list(sch.missing_values), i in keyed) for i, f in enumerate(sch.fields)
    ]
    return _Plan(sch, checks, unique, pk, create_cell_handlers(list(sch.fields)))


class _Batches:
    """pyarrow batches with frictionless row numbers, and the ragged rows between them."""

    def __init__(
        self,
        path: Path,
        n_cols: int,
        encoding: str,
        delimiter: str,
        only: list[int],
        block_size: int = BLOCK_SIZE,
    ):
        self.invalid: list[tuple[int, str]] = []
        self.next_row = 2
        names = [f"c{i}" for i in range(n_cols)]
        self.reader = pacsv.open_csv(
            str(path),  # read, not memory-mapped: mapped pages of the whole file count in RSS
            read_options=pacsv.ReadOptions(
                use_threads=False,
                block_size=block_size,
                column_names=names,
                skip_rows=1,
                encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=self._on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                include_columns=[names[i] for i in only],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )

    def _on_invalid(self, row: Any) -> str:
        if row.number is None or row.number < 0:
            raise FastPathUnsupported("ragged row without a row number")
        self.invalid.append((int(row.number), row.text))
        return "skip"

    def __iter__(self) -> Iterator[tuple[np.ndarray, pa.RecordBatch | None, list[tuple[int, str]]]]:
        for batch in self.reader:
            numbers, taken = self._number(batch.num_rows)
            yield numbers, batch, taken
        rest = sorted(self.invalid)
        if [n for n, _ in rest] != list(range(self.next_row, self.next_row + len(rest))):
            raise FastPathUnsupported("ragged rows could not be placed")
        self.next_row += len(rest)
        self.invalid = []
        yield np.zeros(0, dtype=np.int64), None, rest

    def _number(self, n: int) -> tuple[np.ndarray, list[tuple[int, str]]]:
        """Row numbers of the next ``n`` parsed rows, skipping the ragged ones among them."""
        start, end = self.next_row, self.next_row + n
        taken: list[tuple[int, str]] = []
        pending = sorted(self.invalid)
        for number, text in pending:
            if number < start:
                raise FastPathUnsupported("rows reported out of order")
            if number >= end:
                break
            taken.append((number, text))
            end += 1
        self.invalid = pending[len(taken) :]
        numbers = np.arange(start, end, dtype=np.int64)
        if taken:
            numbers = numbers[~np.isin(numbers, [t[0] for t in taken])]
        self.next_row = end
        return numbers, taken


def _split(text: str, delimiter: str) -> list[str]:
    return next(csv.reader(io.StringIO(text), delimiter=delimiter), [])


class _Keys:
    """64-bit keys per row for each unique field and the primary key (first pass)."""

    def __init__(self, plan: _Plan):
        self.plan = plan
        self.unique: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {i: [] for i in plan.unique}
        self.pk: list[tuple[np.ndarray, np.ndarray]] = []

    def add(
        self, rows: np.ndarray, keys: dict[int, np.ndarray], nulls: dict[int, np.ndarray]
    ) -> np.ndarray:
        """Store the keys of a batch; return the rows whose primary key is all None."""
        if len(rows) and rows[-1] >= 2**32:
            raise FastPathUnsupported("more than 4 billion rows")
        for i in self.plan.unique:
            keep = ~nulls[i]
            self.unique[i].append((rows[keep].astype(np.uint32), keys[i][keep]))
        if not self.plan.pk:
            return np.zeros(0, dtype=np.int64)
        combined = np.zeros(len(rows), dtype=np.uint64)
        all_null = np.ones(len(rows), dtype=bool)
        with np.errstate(over="ignore"):
            for i in self.plan.pk:
                part = np.where(nulls[i], NULL_KEY, mix64(keys[i]))
                combined = mix64(combined * np.uint64(31) + part)
                all_null &= nulls[i]
        self.pk.append((rows[~all_null].astype(np.uint32), combined[~all_null]))
        return rows[all_null]

    def candidates(self, pool: Executor) -> dict[str, np.ndarray]:
        """Row numbers sharing a key with another row, per constraint ('pk' or position),
        the constraints searched in parallel."""
        keyed = {str(i): parts for i, parts in self.unique.items()}
        if self.plan.pk:
            keyed["pk"] = self.pk
        found = dict(zip(keyed, pool.map(_shared, keyed.values()), strict=True))
        return {k: v for k, v in found.items() if len(v)}


def _shared(parts: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Sorted row numbers whose key occurs more than once."""
    if not parts:
        return np.zeros(0, dtype=np.int64)
    keys = np.concatenate([p[1] for p in parts])
    rows = np.concatenate([p[0] for p in parts])
    parts.clear()  # the concatenated copies replace the per-batch arrays
    ordered = np.sort(keys)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    del ordered
    if not len(repeated):
        return np.zeros(0, dtype=np.int64)
    shared = bool_mask(pc.is_in(numeric_array(keys), value_set=numeric_array(repeated)))  # hashed
    return np.sort(rows[shared]).astype(np.int64)


def _row_error(kind: type[ferrors.Error], row: int, note: str, **extra: Any) -> str:
    return safe_format(kind.template, {"rowNumber": row, "note": note, **extra})


_KeyPart = tuple[np.ndarray, dict[int, pa.Array] | None, list[tuple[int, str]]]


class _Kept:
    """The key columns of the first pass (row numbers, cells, ragged rows) while they fit in
    ``budget`` bytes, so that confirming shared hashes needs no second read of the file."""

    def __init__(self, columns: list[int], budget: int):
        self.columns = sorted(set(columns))
        self.left = budget
        self.parts: list[_KeyPart] | None = [] if self.columns else None

    def add(
        self, numbers: np.ndarray, batch: pa.RecordBatch | None, ragged: list[tuple[int, str]]
    ) -> None:
        if self.parts is None:
            return
        arrays = None if batch is None else {c: batch.column(c) for c in self.columns}
        self.left -= numbers.nbytes + sum(len(text) for _, text in ragged)
        self.left -= sum(a.nbytes for a in arrays.values()) if arrays else 0
        if self.left < 0:
            self.parts = None  # too big to keep: the file is read again
        else:
            self.parts.append((numbers, arrays, ragged))


def _workers() -> int:
    """Threads for one validation: one per usable core, plus the reader's."""
    return min(8, usable_cores() + 1)


def _ahead(pool: Executor, items: Iterable[_Item]) -> Iterator[_Item]:
    """``items`` in order, the next one prepared in ``pool`` while the caller uses this one."""
    iterator = iter(items)
    pending = pool.submit(next, iterator, None)
    while (item := pending.result()) is not None:
        pending = pool.submit(next, iterator, None)
        yield item


class FastValidator:
    """Validate one UTF-8 (or declared-encoding) CSV file against a schema, vectorised."""

    def __init__(
        self,
        schema: dict[str, Any],
        delimiter: str,
        encoding: str = "utf-8",
        block_size: int = BLOCK_SIZE,
    ):
        reason = unsupported_reason(schema)
        if reason:
            raise FastPathUnsupported(reason)
        self.descriptor = schema
        self.delimiter, self.encoding, self.block_size = delimiter, encoding, block_size
        self.plan = _plan(schema)
        self.n = len(self.plan.checks)

    def validate(self, path: Path) -> FastResult:
        labels = read_labels(path, self.encoding, self.delimiter)
        if len(labels) != self.n or self.n < 2:
            raise FastPathUnsupported("header and schema differ in length, or one column")
        keys, kept = _Keys(self.plan), _Kept(self.plan.unique + self.plan.pk, RETAIN_BYTES)
        with ThreadPoolExecutor(_workers(), thread_name_prefix="fastpath") as pool:
            # frictionless's dialect and label checks (Python) run while pyarrow reads
            header = pool.submit(self._header, path, labels)
            try:
                found, empty, rows = self._first_pass(pool, path, keys, kept, header)
            except Exception:
                header.result()  # a reason to decline found there comes first, as if run before
                raise
            found += header.result()
            candidates = keys.candidates(pool)
        if candidates:
            found += self._confirm(kept.parts or self._read_keys(path, candidates), candidates)
        found.sort(key=self._sort_key(found))
        return FastResult(
            errors=[
                ValidationError(type=t, row=r or None, field=f, message=m)
                for r, _, t, f, m in found
            ],
            row_count=rows,
            stats=_empty_stats(labels, empty, rows) | self._slow_stats(),
        )

    def _first_pass(
        self, pool: Executor, path: Path, keys: _Keys, kept: _Kept, header: Future[Any]
    ) -> tuple[list[ErrorRow], np.ndarray, int]:
        """Cell and row errors, empty cells per column and row count of the whole file; stops
        as soon as ``header`` has declined the file."""
        found: list[ErrorRow] = []
        empty = np.zeros(self.n, dtype=np.int64)
        rows = 0
        for numbers, batch, ragged in _ahead(pool, self._batches(path, list(range(self.n)))):
            if header.done():
                header.result()
            if batch is not None and batch.num_rows:
                errors, counts = self._batch(pool, numbers, batch, keys)
                found += errors
                empty += counts
                rows += batch.num_rows
            found += self._ragged(ragged, keys)
            rows += len(ragged)
            kept.add(numbers, batch, ragged)
        return found, empty, rows

    def _header(self, path: Path, labels: list[str]) -> list[ErrorRow]:
        """Decline unless frictionless sniffs the dialect pyarrow reads; the label errors."""
        check_dialect(path, self.encoding, self.delimiter)
        return header_errors(labels, self.descriptor, self.delimiter)

    def _slow_stats(self) -> dict[str, Any]:
        """Columns handed cell by cell to frictionless's reader, and why."""
        slow = {c.name: c.slow_reason for c in self.plan.checks if c.slow_reason}
        return {"slow_columns": slow} if slow else {}

    def _batches(self, path: Path, only: list[int]) -> _Batches:
        return _Batches(path, self.n, self.encoding, self.delimiter, only, self.block_size)

    def _sort_key(self, found: list[ErrorRow]) -> Any:
        """frictionless's order: unique then primary-key cells are read first, in a row."""
        uniq = [i + 1 for i in self.plan.unique]
        first = uniq + [i + 1 for i in self.plan.pk if i not in self.plan.unique]
        first_dup: dict[int, int] = {}
        for row, order, kind, _, _ in found:
            if kind == "unique-error":
                first_dup[row] = min(first_dup.get(row, order), order) - UNIQUE_ORDER

        def key(error: ErrorRow) -> tuple[int, int]:
            row, order = error[0], error[1]
            if not first or not 100 <= order < CELL_END:
                return row, order
            pos, sub = divmod(order, 100)
            prefix = first if row not in first_dup else [u for u in uniq if u <= first_dup[row]]
            rank = prefix.index(pos) if pos in prefix else len(prefix) + pos
            return row, rank * 100 + sub

        return key

    # -- first pass

    def _batch(
        self, pool: Executor, numbers: np.ndarray, batch: pa.RecordBatch, keys: _Keys
    ) -> tuple[list[ErrorRow], np.ndarray]:
        """Errors of one batch, its columns checked in parallel; and its empty cells per column."""
        errors: list[ErrorRow] = []
        blank = np.ones(batch.num_rows, dtype=bool)
        key_arrays: dict[int, np.ndarray] = {}
        nulls: dict[int, np.ndarray] = {}
        results = list(pool.map(lambda i: self._column(batch.column(i), i, numbers), range(self.n)))
        for i, (result, _) in enumerate(results):
            blank &= result.missing
            errors += result.errors
            if result.keys is not None and result.null is not None:
                key_arrays[i], nulls[i] = result.keys, result.null
        if blank.any():
            blank_rows = set(numbers[blank].tolist())
            errors = [e for e in errors if e[0] not in blank_rows]
            for row in sorted(blank_rows):
                note = ""
                message = _row_error(ferrors.BlankRowError, row, note)
                errors.append((row, 0, "blank-row", None, message))
        for row in keys.add(numbers, key_arrays, nulls).tolist():
            errors.append(self._pk_none(int(row)))
        return errors, np.array([empty for _, empty in results], dtype=np.int64)

    def _column(self, column: pa.Array, i: int, numbers: np.ndarray) -> tuple[ColumnResult, int]:
        """One column of a batch: its check, and how many of its cells are empty once trimmed."""
        blank = (np.diff(string_buffers(column)[0]) == 0) | bool_mask(pc.utf8_is_space(column))
        empty = int(blank.sum())  # as many as are "" once whitespace is trimmed
        return self.plan.checks[i].run(column, numbers), empty

    def _pk_none(self, row: int) -> ErrorRow:
        note = 'cells composing the primary keys are all "None"'
        return (row, PK_ORDER, "primary-key", None, _row_error(ferrors.PrimaryKeyError, row, note))

    def _ragged(self, ragged: list[tuple[int, str]], keys: _Keys) -> list[ErrorRow]:
        errors: list[ErrorRow] = []
        for number, text in ragged:
            row = Row(_split(text, self.delimiter), handlers=self.plan.handlers, row_number=number)
            per_field: Counter[str | None] = Counter()  # cell errors so far, per field
            for k, error in enumerate(row.errors):
                name = getattr(error, "field_name", None) or None
                if error.type in ("type-error", "constraint-error"):
                    order = error.field_number * 100 + per_field[name]
                    per_field[name] += 1
                else:
                    order = 0 if error.type == "blank-row" else CELL_END + k
                errors.append((number, order, error.type, name, error.message))
            values = [row[f.name] for f in self.plan.schema.fields]
            key_arrays, nulls = self._python_keys(values)
            rows = np.array([number], dtype=np.int64)
            for pk_row in keys.add(rows, key_arrays, nulls).tolist():
                errors.append(self._pk_none(int(pk_row)))
        return errors

    def _python_keys(
        self, values: list[Any]
    ) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
        keys, nulls = {}, {}
        for i in set(self.plan.unique) | set(self.plan.pk):
            value = values[i]
            kind = self.plan.checks[i].type
            keys[i] = np.array([0 if value is None else python_key(kind, value)], dtype=np.uint64)
            nulls[i] = np.array([value is None])
        return keys, nulls

    # -- second pass: exact comparison of rows whose hashes are shared

    def _read_keys(self, path: Path, candidates: dict[str, np.ndarray]) -> Iterator[_KeyPart]:
        """Second pass: the columns of the shared keys, read again from the file."""
        columns = sorted({int(k) for k in candidates if k != "pk"} | set(self.plan.pk))
        for numbers, batch, ragged in self._batches(path, columns):
            arrays = None if batch is None else dict(zip(columns, batch.columns, strict=True))
            yield numbers, arrays, ragged

    def _confirm(
        self, parts: Iterable[_KeyPart], candidates: dict[str, np.ndarray]
    ) -> list[ErrorRow]:
        """Exact comparison of the rows whose hashes are shared."""
        wanted = np.unique(np.concatenate(list(candidates.values())))
        columns = sorted({int(k) for k in candidates if k != "pk"} | set(self.plan.pk))
        values: dict[int, dict[int, Any]] = {c: {} for c in columns}
        for numbers, arrays, ragged in parts:
            if arrays is not None and len(numbers):
                hit = np.flatnonzero(np.isin(numbers, wanted))
                for c in columns:
                    cells = arrays[c].take(numeric_array(hit)).to_pylist()
                    reader = self.plan.checks[c].reader
                    for row, cell in zip(numbers[hit].tolist(), cells, strict=True):
                        values[c][row] = reader(cell)[0] if cell is not None else None
            for number, text in ragged:
                if number in wanted:
                    row = Row(
                        _split(text, self.delimiter), handlers=self.plan.handlers, row_number=number
                    )
                    for c in columns:
                        values[c][number] = row[self.plan.schema.fields[c].name]
        return self._exact_duplicates(candidates, values)

    def _exact_duplicates(
        self, candidates: dict[str, np.ndarray], values: dict[int, dict[int, Any]]
    ) -> list[ErrorRow]:
        errors: list[ErrorRow] = []
        for key, rows in candidates.items():
            memory: dict[Any, int] = {}
            for row in rows.tolist():
                if key == "pk":
                    cell: Any = tuple(values[c][row] for c in self.plan.pk)
                else:
                    cell = values[int(key)][row]
                    if cell is None:
                        continue
                match = memory.get(cell)
                memory[cell] = row
                if match:
                    errors.append(self._duplicate(key, row, match))
        return errors

    def _duplicate(self, key: str, row: int, match: int) -> ErrorRow:
        note = f"the same as in the row at position {match}"
        if key == "pk":
            return (
                row,
                PK_ORDER,
                "primary-key",
                None,
                _row_error(ferrors.PrimaryKeyError, row, note),
            )
        check = self.plan.checks[int(key)]
        message = _row_error(
            ferrors.UniqueError, row, note, fieldName=check.name, fieldNumber=check.pos, cell=""
        )
        return (row, UNIQUE_ORDER + check.pos, "unique-error", check.name, message)


def _empty_stats(labels: list[str], empty: np.ndarray, rows: int) -> dict[str, Any]:
    if not rows:
        return {"columns": len(labels), "rows": 0, "empty_cells": {}, "empty_share": None}
    shares = {label: round(float(n) / rows, 4) for label, n in zip(labels, empty, strict=True)}
    return {
        "columns": len(labels),
        "rows": rows,
        "empty_cells": shares,
        "empty_share": round(float(empty.sum()) / (rows * len(labels)), 4),
    }


def validate_file_fast(
    path: Path,
    schema: dict[str, Any],
    delimiter: str,
    encoding: str = "utf-8",
    block_size: int = BLOCK_SIZE,
) -> FastResult:
    """Validate a CSV file on disk; raise FastPathUnsupported when frictionless must do it."""
    return FastValidator(schema, delimiter, encoding, block_size).validate(path)
