"""udata parity: our recomputation of data.gouv.fr's quality score matches the platform's."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from scoring_helpers import NOW, corpus_dataset, dist, good_dataset

from observatory.scoring.udata_quality import quality_mismatches, udata_quality

# The payload was captured on 2025-04-07 (last_update 08:15 UTC, weekly frequency).
CAPTURED = datetime(2025, 4, 7, 12, 0, tzinfo=UTC)


def as_platform_saw_it(dataset):
    """The fixture's last resource (export-tag) is typed "documentation" while the platform's
    quality object says resources_documentation is false: datagouv_client's tests filter
    resources on type "main", so that resource was relabelled in the fixture after capture.
    Every other export of this dataset is "main"; put it back to see what the platform saw."""
    *mains, tag = dataset.distributions
    assert tag.title.startswith("export-tag") and tag.type == "documentation"
    return replace(dataset, distributions=[*mains, replace(tag, type="main")])


def test_corpus_dataset_score_equals_platform_score():
    payload, dataset = corpus_dataset()
    dataset = as_platform_saw_it(dataset)
    ours = udata_quality(dataset, CAPTURED)
    platform = payload["quality"]
    assert math.isclose(ours["score"], platform["score"], abs_tol=1e-9)
    assert ours == {**platform, "score": ours["score"]}
    assert quality_mismatches(dataset, CAPTURED) == {}


def test_corpus_fixture_as_edited_is_reported_as_a_mismatch():
    _, dataset = corpus_dataset()
    diffs = quality_mismatches(dataset, CAPTURED)
    assert diffs["resources_documentation"] == (False, True)
    assert diffs["score"][1] == 7 / 9
    assert set(diffs) == {"resources_documentation", "score"}


def test_corpus_dataset_one_day_tolerance_then_late():
    _, dataset = corpus_dataset()
    dataset = as_platform_saw_it(dataset)
    last = datetime(2025, 4, 7, 8, 15, 30, tzinfo=UTC)
    edge = last + timedelta(days=8) - timedelta(minutes=1)
    assert udata_quality(dataset, edge)["update_fulfilled_in_time"] is True
    late = udata_quality(dataset, last + timedelta(days=8, minutes=1))
    assert late["update_fulfilled_in_time"] is False
    assert math.isclose(late["score"], 5 / 9)
    diffs = quality_mismatches(dataset, last + timedelta(days=9))
    assert diffs["update_fulfilled_in_time"] == (True, False)
    assert "score" in diffs


def test_unavailable_remote_resource_fails_but_unknown_counts_as_available():
    _, dataset = corpus_dataset()
    first = dataset.distributions[0]
    down = replace(first, extras={**first.extras, "check:available": False, "filetype": "remote"})
    unknown = replace(first, extras={"filetype": "remote"})
    ds_down = replace(dataset, distributions=[down, *dataset.distributions[1:]])
    assert udata_quality(ds_down, CAPTURED)["all_resources_available"] is False
    ds_unknown = replace(dataset, distributions=[unknown])
    assert udata_quality(ds_unknown, CAPTURED)["all_resources_available"] is True
    # uploaded files (filetype "file") are not checked by udata
    uploaded = replace(first, extras={"check:available": False, "filetype": "file"})
    ds_uploaded = replace(dataset, distributions=[uploaded])
    assert udata_quality(ds_uploaded, CAPTURED)["all_resources_available"] is True


def test_full_marks_and_key_set():
    ds = good_dataset()
    quality = udata_quality(ds, NOW)
    assert quality["score"] == 1.0
    assert set(quality) == {
        "license",
        "temporal_coverage",
        "spatial",
        "update_frequency",
        "update_fulfilled_in_time",
        "dataset_description_quality",
        "has_resources",
        "has_open_format",
        "all_resources_available",
        "resources_documentation",
        "score",
    }


def test_udata_is_lenient_where_we_are_strict():
    # udata gives "three times a year" a full year; 200 days later it is still on time there
    ds = good_dataset(frequency="threeTimesAYear", modified=NOW - timedelta(days=200))
    assert udata_quality(ds, NOW)["update_fulfilled_in_time"] is True


def test_frequencies_without_delta():
    unknown = udata_quality(good_dataset(frequency="unknown"), NOW)
    assert "update_fulfilled_in_time" not in unknown
    assert unknown["update_frequency"] is False
    assert math.isclose(unknown["score"], 7 / 9)
    punctual = udata_quality(
        good_dataset(frequency="punctual", modified=NOW - timedelta(days=999)), NOW
    )
    assert punctual["update_fulfilled_in_time"] is True


def test_no_resources_leaves_resource_keys_out():
    quality = udata_quality(good_dataset(distributions=[]), NOW)
    assert "has_resources" not in quality and "has_open_format" not in quality
    assert math.isclose(quality["score"], 6 / 9)


def test_closed_formats_only():
    ds = good_dataset(
        distributions=[dist(1, format="xlsx"), dist(2, format="PDF", type="documentation")]
    )
    assert udata_quality(ds, NOW)["has_open_format"] is False
