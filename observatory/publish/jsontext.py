"""JSON text laid out with ``indent=1``, made in one pass over model values.

``indented(value)`` is exactly ``json.dumps(to_jsonable(value), ensure_ascii=False,
indent=1)``, without building the plain copy first and without the pure-Python encoder
that ``indent`` makes ``json`` use: strings go through the C string encoder, containers
and dataclasses are walked here. Any value it does not know (or a dict with keys that are
not strings) is handed to the reference encoder, so the text stays the same.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from observatory.model import field_names, to_jsonable

_string = json.encoder.encode_basestring  # the C encoder of ensure_ascii=False
_CONSTANTS = {True: "true", False: "false"}


def indented(value: Any, level: int = 0) -> str:
    """``json.dumps(to_jsonable(value), ensure_ascii=False, indent=1)``, each line after
    the first pushed right by ``level`` more spaces (an element inside an array)."""
    parts: list[str] = []
    _write(value, parts, "\n" + " " * level)
    return "".join(parts)


def _reference(value: Any, parts: list[str], newline: str) -> None:
    text = json.dumps(to_jsonable(value), ensure_ascii=False, indent=1)
    parts.append(text.replace("\n", newline))


def _write(value: Any, parts: list[str], newline: str) -> None:
    kind: Any = type(value)
    if kind is str:
        parts.append(_string(value))
    elif value is None:
        parts.append("null")
    elif kind is bool:
        parts.append(_CONSTANTS[value])
    elif kind is int:
        parts.append(int.__repr__(value))
    elif kind is float and value == value and value not in (float("inf"), float("-inf")):
        parts.append(float.__repr__(value))
    elif kind is dict:
        _pairs(value, parts, newline)
    elif kind is list or kind is tuple:
        _items(value, parts, newline)
    elif hasattr(kind, "__dataclass_fields__"):
        _pairs({k: getattr(value, k) for k in field_names(kind)}, parts, newline)
    elif isinstance(value, date):
        parts.append(_string(value.isoformat()))
    else:
        _reference(value, parts, newline)


def _pairs(value: dict[Any, Any], parts: list[str], newline: str) -> None:
    if not value:
        parts.append("{}")
        return
    if not all(type(k) is str for k in value):
        _reference(value, parts, newline)
        return
    inner = newline + " "
    separator = "{"
    for key, item in value.items():
        parts.append(separator + inner + _string(key) + ": ")
        _write(item, parts, inner)
        separator = ","
    parts.append(newline + "}")


def _items(value: list[Any] | tuple[Any, ...], parts: list[str], newline: str) -> None:
    if not value:
        parts.append("[]")
        return
    inner = newline + " "
    separator = "["
    for item in value:
        parts.append(separator + inner)
        _write(item, parts, inner)
        separator = ","
    parts.append(newline + "]")
