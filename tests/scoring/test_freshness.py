"""Freshness criteria: declared frequency, legal periodicity, date consistency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from scoring_helpers import NOW, context, dist, good_dataset, run, spdr_entry

from observatory.scoring.frequencies import normalise_frequency, strict_delta


def updated(days_ago: float, **kw):
    return good_dataset(modified=NOW - timedelta(days=days_ago), **kw)


def test_frequency_on_time_late_and_very_late():
    on_time = run("freshness.frequency", context(updated(20)))
    assert on_time.status == "pass"
    assert on_time.evidence["expected_by"] == NOW - timedelta(days=20) + timedelta(days=31)
    # 31 days + 1 day tolerance: 31.5 days ago is still fine
    assert run("freshness.frequency", context(updated(31.5))).status == "pass"
    late = run("freshness.frequency", context(updated(40)))
    assert late.status == "partial" and late.score == 0.5
    assert late.evidence["days_late"] == 9.0
    very_late = run("freshness.frequency", context(updated(100)))
    assert very_late.status == "fail" and very_late.score == 0.0
    assert "monthly" in very_late.fix_hint


@pytest.mark.parametrize("frequency", ["punctual", "irregular", "unknown", "never", None])
def test_frequency_without_delta_is_not_applicable(frequency):
    assert run("freshness.frequency", context(updated(900, frequency=frequency))).status == "na"


def test_frequency_understands_eu_authority_uris():
    uri = "http://publications.europa.eu/resource/authority/frequency/WEEKLY"
    assert run("freshness.frequency", context(updated(5, frequency=uri))).status == "pass"
    assert run("freshness.frequency", context(updated(10, frequency=uri))).status == "partial"
    irreg = "http://publications.europa.eu/resource/authority/frequency/IRREG"
    assert run("freshness.frequency", context(updated(900, frequency=irreg))).status == "na"


def test_frequency_is_stricter_than_udata_for_several_times_a_year():
    # udata would accept a year; three times a year means every 122 days
    result = run("freshness.frequency", context(updated(200, frequency="threeTimesAYear")))
    assert result.status == "partial"
    assert result.evidence["period_days"] == 122
    assert strict_delta("semiannual") == timedelta(days=183)
    assert strict_delta("fourTimesAYear") == timedelta(days=92)
    assert strict_delta("http://purl.org/cld/freq/annual") == timedelta(days=365)


def test_frequency_without_any_date_fails():
    ds = good_dataset(modified=None, distributions=[dist(1, modified=None)])
    result = run("freshness.frequency", context(ds))
    assert result.status == "fail" and "date de dernière mise à jour" in result.fix_hint


def test_frequency_falls_back_to_newest_resource_date():
    ds = good_dataset(modified=None, distributions=[dist(1, modified=NOW - timedelta(days=3))])
    assert run("freshness.frequency", context(ds)).status == "pass"


def test_legal_periodicity_only_for_spdr():
    assert run("freshness.legal_periodicity", context(updated(1))).status == "na"
    weekly = spdr_entry("weekly")
    assert run("freshness.legal_periodicity", context(updated(7.5), spdr=weekly)).status == "pass"
    result = run("freshness.legal_periodicity", context(updated(10), spdr=weekly))
    assert result.status == "partial"
    assert result.evidence["periodicity_label"] == "hebdomadaire"
    assert run("freshness.legal_periodicity", context(updated(30), spdr=weekly)).status == "fail"


def test_legal_periodicity_working_day_allows_a_weekend_only():
    sirene = spdr_entry("daily_working")
    friday = datetime(2025, 4, 4, 18, 0, tzinfo=UTC)
    monday = datetime(2025, 4, 7, 12, 0, tzinfo=UTC)
    ok = context(good_dataset(modified=friday), spdr=sirene, now=monday)
    assert run("freshness.legal_periodicity", ok).status == "pass"
    late = context(good_dataset(modified=friday), spdr=sirene, now=monday + timedelta(days=1))
    assert run("freshness.legal_periodicity", late).status == "partial"


def test_dates_consistent():
    assert run("freshness.dates", context()).status == "pass"


def test_dates_future_and_reversed_fail():
    future = good_dataset(modified=NOW + timedelta(days=10))
    result = run("freshness.dates", context(future))
    assert result.status == "fail"
    assert any("futur" in p for p in result.evidence["problems"])
    reversed_ = good_dataset(issued=NOW - timedelta(days=1), modified=NOW - timedelta(days=30))
    assert run("freshness.dates", context(reversed_)).status == "fail"


def test_dates_resource_much_newer_than_dataset_is_partial():
    ds = good_dataset(
        modified=NOW - timedelta(days=200),
        distributions=[dist(1, modified=NOW - timedelta(days=2))],
    )
    result = run("freshness.dates", context(ds))
    assert result.status == "partial"


def test_dates_not_applicable_without_dates():
    ds = good_dataset(issued=None, modified=None, distributions=[dist(1, modified=None)])
    assert run("freshness.dates", context(ds)).status == "na"


def test_normalise_frequency():
    assert normalise_frequency("biannual") == "semiannual"
    assert normalise_frequency("DAILY") == "daily"
    base = "http://publications.europa.eu/resource/authority/frequency/"
    assert normalise_frequency(base + "ANNUAL_2") == "semiannual"
    assert normalise_frequency(base + "BIENNIAL") == "biennial"
    assert normalise_frequency(None) is None
