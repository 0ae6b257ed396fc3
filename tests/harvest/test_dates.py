"""Dates as catalogues write them: aware UTC datetimes, bent values noted, nothing raised."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from observatory.harvest.dates import parse_date, parse_datetime
from observatory.harvest.dcat import parse_dcat


@pytest.mark.parametrize(
    ("raw", "expected", "noted"),
    [
        (
            "2025-04-07T08:15:30.581000+00:00",
            datetime(2025, 4, 7, 8, 15, 30, 581000, tzinfo=UTC),
            False,
        ),
        ("2024-03-01T10:00:00+01:00", datetime(2024, 3, 1, 9, 0, tzinfo=UTC), False),
        (
            "2024-10-22T15:25:46.404000",
            datetime(2024, 10, 22, 15, 25, 46, 404000, tzinfo=UTC),
            False,
        ),
        ("2024-10-22T15:25:46Z", datetime(2024, 10, 22, 15, 25, 46, tzinfo=UTC), False),
        ("2016-12-31", datetime(2016, 12, 31, tzinfo=UTC), False),
        ("2017", datetime(2017, 1, 1, tzinfo=UTC), True),
        ("2017-05", datetime(2017, 5, 1, tzinfo=UTC), True),
        ("2017-02-30", None, True),
        ("29.05..2017", None, True),
        ("", None, False),
        (None, None, False),
    ],
)
def test_parse_datetime(raw, expected, noted: bool) -> None:
    value, problem = parse_datetime(raw)
    assert value == expected
    assert (problem is not None) == noted
    if value is not None:
        assert value.tzinfo is not None


def test_parse_date_keeps_the_written_day() -> None:
    assert parse_date("2024-12-31T00:00:00+02:00") == (date(2024, 12, 31), None)
    assert parse_date("2015")[0] == date(2015, 1, 1)


def test_schema_org_context_is_local() -> None:
    doc = b'{"@context": "https://schema.org/", "@type": "DataCatalog", "name": "Catalogue"}'
    page = parse_dcat(doc, "application/ld+json", "https://example.test/", "c")
    assert page.errors == [] and page.datasets == []
