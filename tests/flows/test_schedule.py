"""The probe schedule's intervals, as the methodology page states them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observatory.observe.schedule import interval, is_due, not_due, within_floor
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


OUTCOMES = ("up", "degraded", "down", "refused", "unknown")


@settings(max_examples=300, deadline=None)
@given(
    files=st.lists(
        st.tuples(
            st.none() | st.tuples(st.sampled_from(OUTCOMES), st.integers(0, 60 * 24 * 40)),
            st.none() | st.integers(0, 60 * 24 * 400),  # changed so many minutes ago
            st.booleans(),  # a reference dataset's file: asked on every run
        ),
        max_size=30,
    ),
    reprobe_after=st.sampled_from([0.0, 60.0, 3600.0, 6 * 3600.0, 40 * 86400.0]),
)
def test_files_within_reprobe_after_are_not_due_whatever_their_validators(
    files: list[tuple[tuple[str, int] | None, int | None, bool]], reprobe_after: float
) -> None:
    """The probe phase reads validators only for files not probed within reprobe_after
    (``within_floor``): it decides exactly as ``not_due`` over every file with every
    validator."""
    urls = [f"https://x.test/{i}.csv" for i in range(len(files))]
    latest = {
        url: ProbeRef(i, url, NOW - timedelta(minutes=probed[1]), probed[0], "text/csv", 10)
        for i, (url, (probed, _, _)) in enumerate(zip(urls, files, strict=True))
        if probed is not None
    }
    cached = {
        url: HttpValidators(url, '"e"', changed_at=NOW - timedelta(minutes=changed))
        for url, (_, changed, _) in zip(urls, files, strict=True)
        if changed is not None
    }
    always = {url for url, (_, _, spdr) in zip(urls, files, strict=True) if spdr}
    whole = not_due(urls, latest, cached, NOW, reprobe_after, always)
    standing = within_floor(urls, latest, NOW, reprobe_after)
    rest = [u for u in urls if u not in standing]
    read = {u: cached[u] for u in rest if u in cached}
    assert standing | not_due(rest, latest, read, NOW, reprobe_after, always) == whole
