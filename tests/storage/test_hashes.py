"""Content hashes and score digests: orjson's, checked against the standard encoder's
reading of the same records, and the hashes earlier versions stored still recognised."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import replace
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from observatory import reuse
from observatory.model import Catalogue, Dataset
from observatory.storage.codec import (
    MARK,
    content_hash,
    encode,
    from_jsonable,
    jsonable,
    same_hash,
    score_digest,
)
from observatory.storage.models import DatasetObservation

from .factories import catalogue_with_status, corpus_dataset, score_for, sirene_dataset

KEYS = st.sampled_from(["a", "b", "é", "1", 1, 2, True, None, 1.5, 1e-07, "1e-7", "null"])
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # beyond 64 bits too: orjson refuses them, the standard encoder writes them
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),  # lone surrogates included
    st.dates(),
    st.datetimes(timezones=st.none() | st.timezones()),
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(KEYS, inner, max_size=3),
    ),
    max_leaves=10,
)


def legacy(record: Any) -> str:
    """The hash written plainly as earlier versions computed it."""
    raw = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def canon(value: Any) -> str:
    """The record's JSON as the standard encoder writes its ``jsonable`` form, keys sorted:
    what two records must share to be the same (False and 0 are not)."""
    return json.dumps(jsonable(value), sort_keys=True, ensure_ascii=False)


def key_texts_clash(value: Any) -> bool:
    """A dict with two keys of the same JSON text (1 and "1"): jsonable keeps one."""
    if isinstance(value, dict):
        texts = [json.dumps({k: 0})[1:-4] for k in value]
        return len(set(texts)) < len(texts) or any(map(key_texts_clash, value.values()))
    if isinstance(value, list | tuple):
        return any(map(key_texts_clash, value))
    return False


@settings(max_examples=600, deadline=None)
@given(first=VALUES, second=VALUES)
def test_equal_hashes_are_equal_records(first, second) -> None:
    """Never a changed record taken for unchanged; and equal records hash equal."""
    same = content_hash(first) == content_hash(second)
    if same:
        assert canon(first) == canon(second)
    if not (key_texts_clash(first) or key_texts_clash(second)):
        assert same == (canon(first) == canon(second))
    assert score_digest(first) == score_digest(first)


@settings(max_examples=300, deadline=None)
@given(value=VALUES, extra=VALUES)
def test_a_dataset_hashes_as_its_jsonable_form(value, extra) -> None:
    dataset = sirene_dataset()
    changed = replace(dataset, extras={**dataset.extras, "x": value})
    other = replace(dataset, extras={**dataset.extras, "x": extra})
    assume(not key_texts_clash(value) and not key_texts_clash(extra))
    assert (content_hash(changed) == content_hash(other)) == (canon(changed) == canon(other))
    stored = from_jsonable(Dataset, json.loads(encode(changed)))  # as the store reads it back
    assert content_hash(stored) == content_hash(changed)


def test_hashes_are_marked_and_sized() -> None:
    dataset = corpus_dataset()
    assert content_hash(dataset).startswith(MARK) and len(content_hash(dataset)) == 66
    assert score_digest(dataset) == content_hash(dataset)[:34]
    assert dataset.content_hash() == content_hash(dataset)


def test_nan_hashes_as_null() -> None:
    """The one loss against the standard encoder, stated in ``codec._canonical``."""
    assert content_hash({"x": math.nan}) == content_hash({"x": None})


def test_keys_that_are_not_texts_are_hashed_as_the_store_writes_them() -> None:
    """orjson would write the float key 1e-07 as "1e-7": such a dict goes the standard way."""
    assert content_hash({1e-07: "x"}) != content_hash({"1e-7": "x"})
    assert content_hash({1: "x"}) == content_hash({"1": "x"})  # the same JSON


def test_a_record_hashes_as_its_json_form() -> None:
    """Every field counts (orjson's own dataclass writing skips those named with a leading
    underscore) and in the same order as in the record's JSON form."""
    from dataclasses import dataclass

    @dataclass(slots=True)
    class Odd:
        a: int
        _b: int

    assert content_hash(Odd(1, 2)) != content_hash(Odd(1, 3))
    for record in (corpus_dataset(), score_for("k"), Odd(1, 2)):
        assert content_hash(record) == content_hash(jsonable(record))


def test_hashes_stored_by_earlier_versions_are_recognised() -> None:
    dataset, score = sirene_dataset(), score_for("k")
    other = replace(dataset, title=dataset.title + " (modifié)")
    old, old_digest = legacy(jsonable(dataset)), legacy(jsonable(score))[:32]
    assert same_hash(dataset, old) and not same_hash(other, old)
    assert same_hash(score, old_digest) and not same_hash(score_for("other"), old_digest)
    assert same_hash(dataset, content_hash(dataset)) and not same_hash(other, content_hash(dataset))
    assert same_hash(score, score_digest(score))
    assert not same_hash(dataset, "") and not same_hash(dataset, None)


def test_a_store_of_earlier_hashes_classifies_unchanged(store, db_url) -> None:
    """A store written before this hash: its datasets read again are unchanged, not all
    changed (which would rescore the portal and report every dataset as edited)."""
    from sqlalchemy import create_engine, update

    datasets = [corpus_dataset(), sirene_dataset()]
    catalogue, status = catalogue_with_status(datasets)
    run_id = store.start_run()
    store.save_catalogue(run_id, catalogue, status)
    engine = create_engine(db_url)
    with engine.begin() as conn:
        for dataset in datasets:
            conn.execute(
                update(DatasetObservation)
                .where(DatasetObservation.content_hash == content_hash(dataset))
                .values(content_hash=legacy(jsonable(dataset)))
            )
    engine.dispose()
    known = store.known_datasets(run_id)[catalogue.id]
    assert {k.content_hash[:2] for k in known.values()} != {MARK}
    edited = replace(datasets[1], title="Autre titre")
    again = Catalogue(id=catalogue.id, name=catalogue.name, kind=catalogue.kind, url=catalogue.url)
    again.datasets = [datasets[0], edited]
    plan = reuse.plan_catalogue(again, known)
    assert plan.changes.unchanged == [datasets[0].key]
    assert plan.changes.changed == [edited.key]
