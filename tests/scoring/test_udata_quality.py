"""udata parity: our recomputation of data.gouv.fr's quality score matches the platform's."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from scoring_helpers import NOW, corpus_dataset, dist, good_dataset

from observatory.harvest.catalog_csv import find_exports, read_catalog_csv
from observatory.scoring.udata_quality import quality_mismatches, udata_quality
from tests.corpus import CORPUS as SHARED

# The payload was captured on 2025-04-07 (last_update 08:15 UTC, weekly frequency).
CAPTURED = datetime(2025, 4, 7, 12, 0, tzinfo=UTC)
CATALOG_CSV = SHARED / "udata-catalog-csv"


def test_corpus_dataset_matches_the_platform_on_every_criterion_but_documentation():
    """udata's rule (udata/core/dataset/models.py, ``Dataset.compute_quality``): the
    resources are documented when ANY resource has ``type == "documentation"`` OR ANY
    resource has a non-empty description; no other type counts, no description length.
    The payload is kept unmodified: its last resource (export-tag) is typed
    "documentation", so that rule gives True, while the quality object sent with it says
    False. udata recomputes the quality whenever a resource is added, updated or removed,
    so the platform did not score these resources: datagouv_client's fixture typed that
    resource "documentation" after capture (its test downloads only "main" resources).
    Every other criterion, and the score apart from that one ninth, match."""
    payload, dataset = corpus_dataset()
    ours = udata_quality(dataset, CAPTURED)
    platform = payload["quality"]
    assert set(ours) == set(platform)
    differing = {k for k in platform if k != "score" and ours[k] != platform[k]}
    assert differing == {"resources_documentation"}
    assert [d.type for d in dataset.distributions].count("documentation") == 1
    assert not any(d.description for d in dataset.distributions)
    assert math.isclose(ours["score"], platform["score"] + 1 / 9, abs_tol=1e-9)


def test_corpus_fixture_mismatch_is_reported():
    _, dataset = corpus_dataset()
    diffs = quality_mismatches(dataset, CAPTURED)
    assert diffs["resources_documentation"] == (False, True)
    assert diffs["score"][1] == 7 / 9
    assert set(diffs) == {"resources_documentation", "score"}


def test_documentation_rule_is_type_or_any_description():
    mains = [dist(1, type="main"), dist(2, type="main")]
    assert udata_quality(good_dataset(distributions=mains), NOW)["resources_documentation"] is False
    for other in ("api", "code", "update", "other"):
        typed = [*mains, dist(3, type=other)]
        quality = udata_quality(good_dataset(distributions=typed), NOW)
        assert quality["resources_documentation"] is False, other
    documented = [*mains, dist(3, type="documentation")]
    assert udata_quality(good_dataset(distributions=documented), NOW)["resources_documentation"]
    described = [dist(1, type="main", description="x")]  # one character is enough
    assert udata_quality(good_dataset(distributions=described), NOW)["resources_documentation"]


def test_platform_catalogue_export_rows_are_recomputed_exactly():
    """data.gouv.fr's bulk export (unmodified real rows) carries each dataset's quality
    score, rounded to 2 decimals. The export cannot predate its newest record (2025-09-19
    14:06 UTC), which is when its time-dependent criterion is evaluated here. The row the
    CSV reader had to realign (3 columns missing) is left out: its licence column is lost."""
    page = read_catalog_csv(find_exports(CATALOG_CSV), "dgf")
    realigned = {e.message for e in page.errors if "realigned" in e.message}
    assert len(realigned) == 1
    exported = datetime(2025, 9, 19, 14, 6, 55, tzinfo=UTC)
    checked = 0
    for dataset in page.datasets:
        if dataset.source_id == "60232259b50cb565807ce5b2":  # the realigned row
            continue
        platform = dataset.quality["score"]
        assert round(udata_quality(dataset, exported)["score"], 2) == platform, dataset.title
        checked += 1
    assert checked == 3


def test_corpus_dataset_one_day_tolerance_then_late():
    _, dataset = corpus_dataset()
    last = datetime(2025, 4, 7, 8, 15, 30, tzinfo=UTC)
    edge = last + timedelta(days=8) - timedelta(minutes=1)
    assert udata_quality(dataset, edge)["update_fulfilled_in_time"] is True
    late = udata_quality(dataset, last + timedelta(days=8, minutes=1))
    assert late["update_fulfilled_in_time"] is False
    assert math.isclose(late["score"], 6 / 9)
    diffs = quality_mismatches(dataset, last + timedelta(days=9))
    assert diffs["update_fulfilled_in_time"] == (True, False)
    # late (one ninth less) and the fixture's documentation resource (one more) cancel out
    assert set(diffs) == {"update_fulfilled_in_time", "resources_documentation"}


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
