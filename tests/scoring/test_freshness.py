"""Freshness criteria: declared frequency, legal periodicity, date consistency."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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


def at(day: int, month: int = 4, hour: int = 10) -> datetime:
    return datetime(2025, month, day, hour, 0, tzinfo=UTC)


def legal(periodicity: str, modified: datetime, now: datetime):
    ctx = context(good_dataset(modified=modified), spdr=spdr_entry(periodicity), now=now)
    return run("freshness.legal_periodicity", ctx)


def test_weekly_means_one_update_each_calendar_week():
    # updated Tuesday 1 April 2025 (week 14): the next update is due by Sunday 13 April
    assert legal("weekly", at(1), at(13, hour=20)).status == "pass"
    late = legal("weekly", at(1), at(14))
    assert late.status == "partial"
    assert late.evidence["due"] == date(2025, 4, 13)
    assert late.evidence["days_late"] == 1
    assert late.evidence["periodicity_label"] == "hebdomadaire"
    assert legal("weekly", at(1), at(28)).status == "fail"  # two weeks missed


def test_quarterly_and_four_monthly_periods_are_calendar_periods():
    # PCI updated 20 February (Q1): due by the end of Q2, 30 June
    assert legal("quarterly", at(20, 2), at(30, 6, 20)).status == "pass"
    assert legal("quarterly", at(20, 2), at(1, 7)).evidence["due"] == date(2025, 6, 30)
    # ROME updated 2 May (May-August): due by 31 December
    assert legal("four_monthly", at(2, 5), at(31, 12)).status == "pass"
    assert legal("four_monthly", at(2, 5), at(2, 1).replace(year=2026)).status == "partial"


def test_working_day_allows_a_weekend_only():
    friday = datetime(2025, 4, 4, 18, 0, tzinfo=UTC)
    monday = datetime(2025, 4, 7, 12, 0, tzinfo=UTC)
    assert legal("daily_working", friday, monday).status == "pass"
    late = legal("daily_working", friday, monday + timedelta(days=1))
    assert late.status == "partial"
    assert late.evidence["working_days_late"] == 1


def test_sirene_update_missing_on_a_public_holiday_is_not_late():
    # Wednesday 30 April 2025; Thursday 1 May is Labour Day, Friday 2 May a working day.
    wednesday = datetime(2025, 4, 30, 9, 0, tzinfo=UTC)
    holiday_evening = datetime(2025, 5, 1, 21, 0, tzinfo=UTC)  # 23:00 in Paris
    friday_noon = datetime(2025, 5, 2, 10, 0, tzinfo=UTC)
    saturday = datetime(2025, 5, 3, 9, 0, tzinfo=UTC)
    assert legal("daily_working", wednesday, holiday_evening).status == "pass"
    assert legal("daily_working", wednesday, friday_noon).status == "pass"  # still due today
    late = legal("daily_working", wednesday, saturday)
    assert late.status == "partial"
    assert late.evidence["due"] == date(2025, 5, 2)
    assert late.evidence["working_days_late"] == 1
    # the next Monday: Friday missed, Monday still running; Tuesday: two working days missed
    tuesday = datetime(2025, 5, 6, 9, 0, tzinfo=UTC)
    failed = legal("daily_working", wednesday, tuesday)
    assert failed.status == "fail" and failed.evidence["working_days_late"] == 2


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
