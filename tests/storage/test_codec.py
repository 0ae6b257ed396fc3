"""The JSON codec: the store's fast serialiser matches the model's, and decoding inverts it."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import create_engine, select

from observatory.model import Dataset, DatasetScore, ProbeResult, to_jsonable
from observatory.storage.codec import content_hash, encode, from_jsonable, jsonable
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
