"""The JSON codec: the store's fast serialiser matches the model's, and decoding inverts it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum, IntEnum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, select

from observatory.model import (
    CriterionResult,
    Dataset,
    DatasetScore,
    ProbeResult,
    field_names,
    to_jsonable,
)
from observatory.storage.codec import (
    content_hash,
    encode,
    from_jsonable,
    jsonable,
    same_json,
    text,
)
from observatory.storage.models import DatasetObservation

from .factories import catalogue_with_status, corpus_dataset, probes, score_for, sirene_dataset


def test_jsonable_is_to_jsonable() -> None:
    records = [corpus_dataset(), sirene_dataset(), *probes(), score_for("k")]
    for record in records:
        assert jsonable(record) == to_jsonable(record)
    odd = {1: (date(2020, 1, 2), {"x"}), "nested": [datetime(2020, 1, 2, 3, 4)]}
    assert jsonable(odd) == to_jsonable(odd)


def test_from_jsonable_inverts_it() -> None:
    for cls, record in [
        (Dataset, corpus_dataset()),
        (Dataset, sirene_dataset()),
        (ProbeResult, probes()[0]),
        (DatasetScore, score_for("k")),
    ]:
        assert from_jsonable(cls, to_jsonable(record)) == record


def test_a_date_put_in_a_datetime_field_comes_back_as_saved() -> None:
    dataset = sirene_dataset()
    dataset.issued = date(2017, 1, 1)  # type: ignore[assignment]  # what a sloppy harvester might do
    assert from_jsonable(Dataset, to_jsonable(dataset)) == dataset


def test_stored_content_hash_is_the_model_hash(store, db_url) -> None:
    datasets = [corpus_dataset(), sirene_dataset()]
    catalogue, status = catalogue_with_status(datasets)
    run_id = store.start_run()
    store.save_catalogue(run_id, catalogue, status)
    engine = create_engine(db_url)
    with engine.connect() as conn:
        query = select(DatasetObservation.content_hash).order_by(DatasetObservation.id)
        hashes = list(conn.execute(query).scalars())
    engine.dispose()
    assert hashes == [d.content_hash() for d in datasets]


def test_encode_is_the_json_of_to_jsonable() -> None:
    records = [corpus_dataset(), sirene_dataset(), *probes(), score_for("k")]
    odd = {1: (date(2020, 1, 2), {"x"}), "nested": [datetime(2020, 1, 2, 3, 4)]}
    for record in [*records, odd]:
        assert json.loads(encode(record)) == to_jsonable(record)
    for dataset in records[:2]:
        assert content_hash(dataset) == dataset.content_hash()  # type: ignore[union-attr]


JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(-3, 3, allow_nan=False).map(lambda x: round(x, 1)),
    st.sampled_from(["", "a", "é", "1"]),
    st.dates(date(2020, 1, 1), date(2020, 1, 3)),
)
VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.sampled_from(["a", "b", "c", 1, 2]), inner, max_size=3),
    ),
    max_leaves=8,
)


@settings(max_examples=400, deadline=None)
@given(first=VALUES, second=VALUES)
def test_same_json_is_the_comparison_of_jsonable_values(first, second) -> None:
    assert same_json(first, second) == (jsonable(first) == jsonable(second))
    assert same_json(first, first)


def test_same_json_on_scores_as_stored_and_as_computed() -> None:
    computed = score_for("k")
    stored = from_jsonable(DatasetScore, json.loads(json.dumps(to_jsonable(computed))))
    assert same_json(stored, computed)
    stored.results[0].evidence = {**stored.results[0].evidence, "extra": 1}
    assert not same_json(stored, computed)


def test_a_score_with_keys_of_mixed_types_has_a_digest_and_is_saved(store) -> None:
    from observatory.model import CriterionResult, DatasetScore
    from observatory.storage.codec import score_digest

    odd = CriterionResult("c", "completeness", "pass", 1.0, 1.0, {1: "a", "b": 2}, None, "C")
    score = DatasetScore("k", [odd], {"completeness": 100.0}, 100.0)
    assert len(score_digest(score)) == 34 and score_digest(score) == score_digest(score)
    run = store.start_run("observe")
    store.save_scores(run, [score])
    assert store.scores_of(run, ["k"])["k"].results[0].evidence == {"1": "a", "b": 2}


def _general(obj: object) -> object:
    """``to_jsonable`` without its shortcut for plain values: the path it skips."""
    if hasattr(obj, "__dataclass_fields__") and not isinstance(obj, type):
        return {k: _general(getattr(obj, k)) for k in field_names(obj.__class__)}
    if isinstance(obj, dict):
        return {str(k): _general(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set):
        return [_general(v) for v in obj]
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    return obj


class _Text(str):
    pass


class _Level(IntEnum):
    LOW = 1


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.text(max_size=8).map(_Text),
    st.just(_Level.LOW),
    st.datetimes(),
    st.dates(),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.one_of(st.text(max_size=4), st.integers()), inner, max_size=4),
        st.builds(
            CriterionResult,
            st.text(max_size=6),
            st.just("completeness"),
            st.just("pass"),
            st.none(),
            st.floats(allow_nan=False),
            st.dictionaries(st.text(max_size=4), inner, max_size=3),
        ),
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_values)
def test_to_jsonable_shortcut_gives_what_the_general_path_gives(value: object) -> None:
    got, expected = to_jsonable(value), _general(value)
    assert got == expected
    assert json.dumps(got, sort_keys=True, default=str) == json.dumps(
        expected, sort_keys=True, default=str
    )
    assert [type(x) for x in _leaves(got)] == [type(x) for x in _leaves(expected)]


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


@dataclass(slots=True)
class _Alone:
    """A record of one field: ``attrgetter`` of one name gives the value, not a tuple."""

    only: object


class _Moment(datetime):
    def isoformat(self, sep: str = "T", timespec: str = "auto") -> str:
        return "moment " + super().isoformat(sep, timespec)


_encoded = st.recursive(
    st.one_of(_scalars, st.datetimes().map(lambda d: _Moment.fromisoformat(d.isoformat()))),
    lambda inner: st.one_of(
        st.builds(_Alone, inner),
        st.sets(st.integers(), max_size=3),
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(max_size=4), inner, max_size=3),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_encoded)
def test_the_store_encoder_writes_what_to_jsonable_gives(value: object) -> None:
    """The C encoder's per-type converters (records, dates, sets) meet every type as the
    model's ``to_jsonable`` does: same JSON, so the same content hash."""
    assert json.loads(encode(value)) == json.loads(json.dumps(to_jsonable(value)))


def test_what_the_encoder_cannot_write_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        encode(_Alone)  # the record class itself, not a record
    with pytest.raises(TypeError, match="complex"):
        encode([1j])


class _Mood(str, Enum):  # noqa: UP042 (a mixin: its str() is not its value)
    CALM = "calme"


_keys = st.one_of(
    st.text(max_size=4),
    st.text(max_size=4).map(_Text),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(),
    st.just(_Level.LOW),
    st.just(_Mood.CALM),
    st.tuples(st.integers()),
    st.dates(),
)


def _distinct_key_texts(value: dict[object, object]) -> bool:
    return len(to_jsonable({k: None for k in value})) == len(value)


_published = st.recursive(
    st.one_of(_scalars, st.floats(), st.complex_numbers(max_magnitude=9), st.just(_Mood.CALM)),
    lambda inner: st.one_of(
        st.builds(_Alone, inner),
        st.sets(st.integers(), max_size=3),
        st.frozensets(st.integers(), max_size=3),
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        # keys of one text each (1 and "1" together: see test_keys_of_the_same_text)
        st.dictionaries(_keys, inner, max_size=3).filter(_distinct_key_texts),
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(_published)
def test_the_published_text_is_the_json_of_to_jsonable(value: object) -> None:
    """What the site's JSON files hold (``codec.text``, the C encoder) is, character for
    character, the JSON of ``to_jsonable``: any key (bool, None, NaN, enums, tuples),
    records, sets, dates, and values neither knows (written as their str)."""
    reference = json.dumps(
        to_jsonable(value), ensure_ascii=False, separators=(",", ":"), default=str
    )
    assert text(value) == reference


def test_keys_are_written_as_json_writes_them() -> None:
    keys = {True: 1, None: 2, 1.5: 3, _Level.LOW + 1: 4, _Mood.CALM: 5, (1, 2): 6}
    assert to_jsonable(keys) == {"true": 1, "null": 2, "1.5": 3, "2": 4, "calme": 5, "(1, 2)": 6}
    assert to_jsonable({_Level.LOW: 0, float("nan"): 1}) == {"1": 0, "NaN": 1}


def test_keys_of_the_same_text() -> None:
    """The one difference ``codec.text`` documents: both keys are written."""
    assert to_jsonable({1: "a", "1": "b"}) == {"1": "b"}
    assert text({1: "a", "1": "b"}) == '{"1":"a","1":"b"}'
    assert (
        text({"x": frozenset({1})})
        == '{"x":[1]}'
        == json.dumps(to_jsonable({"x": frozenset({1})}), separators=(",", ":"))
    )
