"""Dates and datetimes of fixed-width strptime formats (``%Y-%m-%d``, ``%d/%m/%Y %H:%M``…),
read column-wise.

A format made only of ``%Y %m %d %H %M %S`` and ASCII literals has one byte width, and a
cell matches its strict regex (``format_regex``) exactly when the cell has that many bytes,
a digit at every digit position (in range for hours, minutes and seconds) and each literal
in place. ``fixed_width_fields`` checks that on the cells' UTF-8 bytes, one byte position at
a time, and reads the numbers from the same bytes; ``calendar_days`` then checks the
calendar as Python's ``strptime`` does.
"""

from __future__ import annotations

import numpy as np

DATE_PARTS = {"%Y": "[0-9]{4}", "%m": "[0-9]{2}", "%d": "[0-9]{2}", "%H": "([01][0-9]|2[0-3])"}
DATE_PARTS |= {"%M": "[0-5][0-9]", "%S": "[0-5][0-9]"}
LARGEST = {"%H": 23, "%M": 59, "%S": 59}  # what the regex of each two-digit part admits
FILLER = {"%Y": 1970, "%m": 1, "%d": 1}  # the value of a cell that does not match: 1970-01-01


def format_regex(fmt: str) -> str | None:
    """A strict regex for a strptime format made of %Y %m %d %H %M %S and literals."""
    out, i = "^", 0
    while i < len(fmt):
        if fmt[i] == "%":
            part = DATE_PARTS.get(fmt[i : i + 2])
            if part is None:
                return None
            out, i = out + part, i + 2
        elif not fmt[i].isascii():
            return None
        else:
            out, i = out + (fmt[i] if fmt[i].isalnum() else f"\\x{ord(fmt[i]):02x}"), i + 1
    return out + "$"


def _layout(fmt: str) -> tuple[int, dict[int, int], list[tuple[str, int, int]]]:
    """(byte width, {position: literal byte}, [(directive, position, digits)]) of a format
    ``format_regex`` accepts."""
    literals: dict[int, int] = {}
    directives: list[tuple[str, int, int]] = []
    i, position = 0, 0
    while i < len(fmt):
        if fmt[i] == "%":
            size = 4 if fmt[i : i + 2] == "%Y" else 2
            directives.append((fmt[i : i + 2], position, size))
            position, i = position + size, i + 2
        else:
            literals[position] = ord(fmt[i])
            position, i = position + 1, i + 1
    return position, literals, directives


def fixed_width_fields(
    offsets: np.ndarray, data: np.ndarray, fmt: str
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(mask of the cells matching ``format_regex(fmt)``, each directive's number per cell)
    from a string column's buffers (``offsets``: n + 1 entries; ``data``: UTF-8 bytes)."""
    width, literals, directives = _layout(fmt)
    starts, lengths = offsets[:-1], np.diff(offsets)
    n = len(starts)
    ok = lengths == width
    every = bool(ok.all())
    rows = np.arange(n) if every else np.flatnonzero(ok)
    if every and n:  # cells of one width lie end to end: a table of n rows, width columns
        table = data[offsets[0] : offsets[0] + n * width].reshape(n, width)
    else:
        table = data[starts[rows][:, None] + np.arange(width)]
    by_position = np.ascontiguousarray(table.T)  # each byte position's bytes side by side
    digits: dict[int, np.ndarray] = {}
    good = np.ones(len(rows), dtype=bool)
    for position in range(width):
        byte = by_position[position]
        if position in literals:
            good &= byte == literals[position]
        else:
            digits[position] = byte - np.uint8(48)  # wraps below '0': a digit is <= 9
            good &= digits[position] <= 9
    parts: dict[str, np.ndarray] = {}
    for directive, offset, size in directives:
        value = digits[offset].astype(np.int32)
        for position in range(offset + 1, offset + size):
            value = value * 10 + digits[position]
        good &= value <= LARGEST.get(directive, 9999)
        parts[directive] = value
    whole = every and bool(good.all())
    for directive, value in parts.items():  # the numbers of every cell, 1970-01-01 elsewhere
        if whole:
            parts[directive] = value.astype(np.int64)
        else:
            column = np.full(n, FILLER.get(directive, 0), dtype=np.int64)
            column[rows[good]] = value[good]
            parts[directive] = column
    ok[rows[~good]] = False
    return ok, parts


def days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    table = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    return table[month] + ((month == 2) & leap)


def days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def calendar_days(parts: dict[str, np.ndarray], ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(``ok`` narrowed to real calendar dates, days since 1970-01-01 of each cell)."""
    n = len(ok)
    year = parts.get("%Y", np.full(n, 1900))
    month, day = parts.get("%m", np.ones(n, np.int64)), parts.get("%d", np.ones(n, np.int64))
    ok = ok & (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    ok &= day <= days_in_month(year, np.clip(month, 1, 12))
    return ok, days_from_civil(year, month, day)
