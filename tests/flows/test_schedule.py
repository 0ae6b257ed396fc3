"""The probe schedule's intervals, as the methodology page states them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from observatory.observe.schedule import interval, is_due
from observatory.storage.cache import HttpValidators
from observatory.storage.state import ProbeRef

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
H, D = timedelta(hours=1), timedelta(days=1)


@pytest.mark.parametrize(
    ("outcome", "changed_ago", "every"),
    [
        ("down", 100 * D, 12 * H),  # a failure is looked at again soon
        ("refused", None, 12 * H),
        ("up", 0 * H, 12 * H),  # new or just changed
        ("up", 3 * D, D),
        ("up", None, D),  # never seen changing: daily
        ("degraded", 10 * D, 7 * D),
        ("up", 45 * D, 30 * D),  # stable: monthly
    ],
)
def test_interval_follows_age_and_history(
    outcome: str, changed_ago: timedelta | None, every: timedelta
) -> None:
    changed = NOW - changed_ago if changed_ago is not None else None
    assert interval(outcome, changed, NOW) == every


def _ref(outcome: str, ago: timedelta) -> ProbeRef:
    return ProbeRef(1, "https://x.test/f.csv", NOW - ago, outcome, "text/csv", 10)


def test_due_after_its_interval_never_within_reprobe_after() -> None:
    stable = HttpValidators("https://x.test/f.csv", '"e"', changed_at=NOW - 60 * D)
    checked = 20 * D  # checked 20 days ago, unchanged for 40 days then: monthly
    assert not is_due(_ref("up", checked), stable, NOW, reprobe_after=3600)
    assert is_due(_ref("up", 31 * D), stable, NOW, reprobe_after=3600)
    assert is_due(_ref("up", 31 * D), stable, NOW, reprobe_after=0)  # schedule off
    assert is_due(_ref("unknown", 10 * 60 * timedelta(seconds=1)), stable, NOW, 3600)
    assert not is_due(_ref("down", 30 * 60 * timedelta(seconds=1)), stable, NOW, 3600)
    assert is_due(_ref("down", 13 * H), stable, NOW, 3600)
    assert is_due(_ref("up", 2 * H), stable, NOW, 3600, always=True)  # SPDR: each run
    assert not is_due(_ref("up", 30 * 60 * timedelta(seconds=1)), stable, NOW, 3600, True)


@pytest.mark.parametrize(
    ("last_modified", "next_after"),
    [
        ("Wed, 01 Jan 2020 00:00:00 GMT", 30 * D),  # an old archive, newly listed: monthly
        ("Thu, 03 Dec 2026 12:00:00 GMT", D),  # changed two days ago: daily
        ("Sat, 05 Dec 2026 11:00:00 GMT", 12 * H),  # changed an hour ago
        ("Tue, 01 Jan 2030 00:00:00 GMT", 12 * H),  # in the future: not believed, new
        ("not a date", 12 * H),
        (None, 12 * H),  # no Last-Modified: counts as just changed
    ],
)
def test_a_new_file_is_dated_by_its_last_modified(
    last_modified: str | None, next_after: timedelta
) -> None:
    from observatory.model import ProbeResult
    from observatory.pipeline import validators_to_save

    probe = ProbeResult(
        "https://x.test/new.csv",
        "up",
        "ok",
        NOW,
        status=200,
        etag='"v1"',
        last_modified=last_modified,
        content_length=10,
    )
    (saved,) = validators_to_save([probe], {}, NOW)
    assert interval("up", saved.changed_at, NOW) == next_after
    ref = _ref("up", next_after - H)
    assert not is_due(ref, saved, NOW, reprobe_after=3600)
    assert is_due(_ref("up", next_after), saved, NOW, reprobe_after=3600)
