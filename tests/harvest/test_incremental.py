"""Incremental harvest: unchanged datasets recognised, deletions only after complete harvests."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime

from observatory.harvest.incremental import (
    Known,
    classify,
    classify_catalogue,
    deleted_stubs,
    harvest_complete,
)
from observatory.model import Catalogue, Dataset, SourceError

T0 = datetime(2025, 1, 1, tzinfo=UTC)
T1 = datetime(2025, 2, 1, tzinfo=UTC)


def ds(n: int, **changes) -> Dataset:
    base = Dataset(key=f"c:{n}", catalogue_id="c", source_id=str(n), title=f"D{n}")
    return replace(base, **({"metadata_modified": T0} | changes))


def known(d: Dataset, **changes) -> Known:
    return replace(Known(d.content_hash(), d.metadata_modified), **changes)


def test_new_changed_unchanged_deleted() -> None:
    before = [ds(1), ds(2), ds(3), ds(4)]
    previous = {d.key: known(d) for d in before}
    now = [ds(1), ds(2, title="D2 renamed", metadata_modified=T1), ds(3), ds(5)]
    changes = classify(now, previous, complete=True)
    assert changes.unchanged == ["c:1", "c:3"]
    assert changes.changed == ["c:2"]
    assert changes.new == ["c:5"]
    assert changes.deleted == ["c:4"]
    assert changes.to_process == ["c:5", "c:2"]
    assert changes.counts() == {"new": 1, "changed": 1, "unchanged": 2, "restored": 0, "deleted": 1}


def test_same_modified_date_is_unchanged_even_when_metrics_move() -> None:
    before = ds(1, metrics={"views": 10})
    after = ds(1, metrics={"views": 99})
    assert after.content_hash() != before.content_hash()
    assert classify([after], {"c:1": known(before)}, complete=True).unchanged == ["c:1"]
    strict = classify([after], {"c:1": known(before)}, complete=True, trust_dates=False)
    assert strict.changed == ["c:1"]


def test_no_dates_falls_back_to_the_hash() -> None:
    before = ds(1, metadata_modified=None)
    same = copy.deepcopy(before)
    other = replace(before, description="new text")
    assert classify([same], {"c:1": before.content_hash()}, complete=True).unchanged == ["c:1"]
    assert classify([other], {"c:1": before.content_hash()}, complete=True).changed == ["c:1"]


def test_incomplete_harvest_marks_nothing_deleted() -> None:
    previous = {d.key: known(d) for d in (ds(1), ds(2))}
    catalogue = Catalogue(id="c", name="C", kind="dcat", url="u", datasets=[ds(1)])
    catalogue.errors.append(SourceError("c", "u?page=2", "timeout", "page 2 timed out"))
    assert not harvest_complete(catalogue)
    changes = classify_catalogue(catalogue, previous)
    assert changes.deleted == []
    assert changes.deletions_skipped and "1 datasets absent" in changes.deletions_skipped
    assert "timeout" in changes.deletions_skipped
    catalogue.errors = [SourceError("c", "u", "invalid-value", "'2020' is a year")]
    assert harvest_complete(catalogue)
    assert classify_catalogue(catalogue, previous).deleted == ["c:2"]


def test_deleted_stay_marked_and_can_come_back() -> None:
    previous = {"c:1": known(ds(1), deleted=True), "c:2": known(ds(2), deleted=True)}
    changes = classify([ds(1)], previous, complete=True)
    assert changes.restored == ["c:1"] and changes.deleted == []  # c:2 already marked
    stubs = deleted_stubs("c", ["c:2"], {"c:2": "D2"})
    assert stubs[0].deleted and stubs[0].title == "D2" and stubs[0].source_id == "2"
