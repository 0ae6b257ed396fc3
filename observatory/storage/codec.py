"""Model records to JSON and back: rebuilds nested dataclasses, dates and datetimes.

``to_jsonable`` (observatory.model) writes dates as ISO strings; ``from_jsonable`` reads
them back using each dataclass field's type hint, so a Dataset stored as JSON comes back
equal to the one saved (values inside free-form ``extras`` dicts stay as JSON gave them).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import operator
import sys
import types
import typing
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar, Union, cast, get_args, get_origin

import orjson

from observatory.model import field_names, to_jsonable

T = TypeVar("T")


@cache
def _hints(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls)


#: The model's ``to_jsonable`` (the store's name for it; one implementation).
jsonable = to_jsonable


def same_json(first: Any, second: Any) -> bool:
    """``jsonable(first) == jsonable(second)``, decided by the C encoder when the two encode
    to the same text (keys sorted), the slow comparison only when they do not (an int
    against a float, say). One difference: NaN in the same place counts as the same."""
    try:
        if json.dumps(first, sort_keys=True, default=_plain) == json.dumps(
            second, sort_keys=True, default=_plain
        ):
            return True
    except (TypeError, ValueError):  # keys of mixed types cannot be sorted
        pass
    return jsonable(first) == jsonable(second)


#: Hashes and digests written since orjson makes them start with this mark. One without it
#: was written by the standard JSON encoder (``legacy_content_hash``, ``legacy_score_digest``)
#: and is still recognised, so stored records and scores keep matching after an upgrade.
MARK = "2:"
#: Records and dates go through ``_plain`` (fields by name, ``isoformat``), as ``jsonable``
#: makes them: every dict's keys are then sorted, a record hashes as its JSON form does, and
#: orjson's own date format (which drops the seconds of a UTC offset) is not used.
_ORJSON = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _canonical(record: Any) -> bytes:
    """The JSON that hashes ``record``: orjson's, keys sorted (twice the standard encoder's
    speed). A key that is not a text is refused by orjson, which would write the float
    1e-07 as "1e-7": such a record is made ``jsonable`` first (keys as the store writes
    them). What orjson refuses even then (an integer over 64 bits, a lone surrogate, nesting
    over 254 levels) goes the standard way. Known difference with ``jsonable``: orjson
    writes NaN and the infinities as null, so a free-form value (extras, evidence) going
    from one of them to another or to null is not seen as a change."""
    try:
        return orjson.dumps(record, option=_ORJSON, default=_plain)
    except orjson.JSONEncodeError:
        plain = jsonable(record)
    try:
        return orjson.dumps(plain, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return json.dumps(plain, sort_keys=True).encode()


def content_hash(record: Any) -> str:
    """``Dataset.content_hash``: a digest of the whole record, to recognise it unchanged."""
    return MARK + hashlib.sha256(_canonical(record)).hexdigest()


def score_digest(record: Any) -> str:
    """``content_hash`` cut to 128 bits (32 hex digits): enough to tell two scores apart,
    half the bytes in every stored score row."""
    return MARK + hashlib.sha256(_canonical(record)).hexdigest()[:32]


def same_hash(record: Any, stored: str | None, digest: str | None = None) -> bool:
    """Whether ``record`` hashes to ``stored``, a ``content_hash`` or a ``score_digest``
    (``digest``: the record's own, when already computed), whichever encoder wrote it."""
    if not stored:
        return False
    if stored.startswith(MARK):
        mine = digest or (score_digest if len(stored) < 64 else content_hash)(record)
        return mine == stored
    legacy = legacy_content_hash(record)  # written before MARK: the standard encoder's
    return legacy == stored if len(stored) == 64 else legacy[:32] == stored


def legacy_content_hash(record: Any) -> str:
    """The hash earlier versions stored (the standard encoder, keys sorted): compared with
    hashes they wrote, never written again. Keys of mixed types are hashed in their own
    order, as ``score_digest`` did."""
    try:
        raw = json.dumps(record, sort_keys=True, ensure_ascii=False, default=_plain)
    except TypeError:
        raw = json.dumps(record, ensure_ascii=False, default=_plain)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class Encoded(str):
    """A value already encoded as JSON text: JSON columns store it as it is."""

    __slots__ = ()


def encode(value: Any) -> Encoded:
    """JSON text of a model value, equal to ``json.dumps(jsonable(value))`` but encoded by
    the C encoder (nested dataclasses, dates and sets are met through ``default``)."""
    return Encoded(json.dumps(value, default=_plain))


def text(value: Any) -> str:
    """Compact JSON text of a model value for readers (the published files): exactly
    ``json.dumps(jsonable(value), ensure_ascii=False, separators=(",", ":"), default=str)``,
    made by the C encoder meeting records, dates and sets through ``default``. What
    neither knows (an enum, say) is written as its ``str``; a dict whose keys JSON cannot
    have (a tuple) goes the reference way. Two differences, on dicts no record holds: keys
    of different types with the same text (``1`` and ``"1"``) are both written, where
    ``jsonable`` keeps the last; a dataclass that is also a dict or a tuple is written as
    the container."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_readable)
    except TypeError:  # keys the C encoder refuses: jsonable writes them as their str
        plain = jsonable(value)
        return json.dumps(plain, ensure_ascii=False, separators=(",", ":"), default=str)


def dumps(value: Any) -> str:
    """The store engines' JSON serializer: ``Encoded`` text passes through."""
    return value if isinstance(value, Encoded) else json.dumps(value)


def _plain(obj: Any) -> Any:
    """One level of ``jsonable`` for what the JSON encoder does not know: the C encoder
    calls it once per record, date and set it meets (14 times per harvested dataset), so
    the way each type is turned into JSON is looked up once per type."""
    return _converter_of(type(obj))(obj)


def _readable(obj: Any) -> Any:
    """``_plain``, but what it refuses is written as its ``str`` (``text``)."""
    convert = _converter_of(type(obj))
    return str(obj) if convert is _refuse else convert(obj)


_CONVERTERS: dict[type, typing.Callable[[Any], Any]] = {}


def _converter_of(cls: type) -> typing.Callable[[Any], Any]:
    """``_converter(cls)``, made once per type."""
    convert = _CONVERTERS.get(cls)
    if convert is None:
        convert = _CONVERTERS.setdefault(cls, _converter(cls))
    return convert


def _refuse(obj: Any) -> Any:
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def _converter(cls: type) -> typing.Callable[[Any], Any]:
    """How ``_plain`` turns an instance of ``cls`` into something the encoder knows."""
    if hasattr(cls, "__dataclass_fields__") and not issubclass(cls, type):
        names = field_names(cast(Any, cls))
        if len(names) == 1:
            return lambda obj: {names[0]: getattr(obj, names[0])}
        values = operator.attrgetter(*names)  # every field in one C call
        return lambda obj: dict(zip(names, values(obj), strict=True))
    if issubclass(cls, datetime | date):
        return cls.isoformat
    if issubclass(cls, set | frozenset):
        return list
    return _refuse


#: Texts up to this length are shared by every record that holds them (``sys.intern``).
SHARED_TEXT = 32


def from_jsonable(cls: type[T], data: dict[str, Any]) -> T:
    """Build ``cls`` (a dataclass) from the dict ``to_jsonable`` made of it."""
    hints = _hints(cast(Any, cls))
    values = {
        f.name: _decode(hints[f.name], data[f.name])
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.init and f.name in data
    }
    return cls(**values)


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not type(None)]
        return _decode(options[0], value) if len(options) == 1 else value
    if hint is datetime:
        return _datetime(value)
    if hint is date:
        return date.fromisoformat(value) if isinstance(value, str) else value
    if dataclasses.is_dataclass(hint) and isinstance(value, dict):
        return from_jsonable(hint, value)  # type: ignore[arg-type]
    if origin is list and isinstance(value, list):
        (item,) = get_args(hint) or (Any,)
        return [_decode(item, v) for v in value]
    if origin is dict and isinstance(value, dict):
        args = get_args(hint)
        item = args[1] if len(args) == 2 else Any
        return {sys.intern(k): _decode(item, v) for k, v in value.items()}
    if isinstance(value, str) and len(value) <= SHARED_TEXT:
        return sys.intern(value)  # formats, types, licences…: thousands of records repeat them
    return value


def _datetime(value: Any) -> Any:
    """An ISO datetime; a bare ISO date stays a date (what was saved is what is loaded)."""
    if not isinstance(value, str):
        return value
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value)
