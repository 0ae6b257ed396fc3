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
