"""The two claims an unchanged dataset's score is carried over on (``scoring.registry``):

- a criterion registered without ``moves`` gives the same result at any time and whatever
  the availability history, on real records published by other projects;
- a criterion that moves gives the same result at any instant before the one its verdict
  states (``holds_until``), on generated dates, frequencies and probe histories.

A carried score is then the score scoring again would give (tests/flows/test_carry_horizon.py
checks that end to end).
"""

from __future__ import annotations

import mimetypes
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observatory.harvest.dcat import parse_dcat
from observatory.model import Dataset, ProbeResult
from observatory.scoring.context import ScoringContext
from observatory.scoring.engine import assess, run_criterion
from observatory.scoring.frequencies import STRICT_DELTAS, UDATA_ALWAYS_ON_TIME, UDATA_DELTAS
from observatory.scoring.history import UrlAvailability, judged_uptimes, url_availability
from observatory.scoring.reference_views import udata_part
from observatory.scoring.registry import FOREVER, all_criteria, get_criterion
from observatory.scoring.udata_quality import same_at
from tests.corpus import CORPUS
from tests.scoring.scoring_helpers import NOW, corpus_dataset, good_dataset, probe, spdr_entry

SETTLED = [c for c in all_criteria() if not c.moves]
MOVING = [c for c in all_criteria() if c.moves]
GAP = timedelta(minutes=30)  # a probe vouches for at most this long (the default)


@cache
def published_datasets() -> tuple[Dataset, ...]:
    """Datasets of the corpus: a data.gouv.fr API record and every DCAT-AP catalogue."""
    found = [corpus_dataset()[1]]
    for path in sorted((CORPUS / "dcat").iterdir()):
        kind = mimetypes.guess_type(path.name)[0] or (
            "text/turtle" if path.suffix == ".ttl" else "application/ld+json"
        )
        page = parse_dcat(path.read_bytes(), kind, f"https://example.org/{path.name}", "corpus")
        found += page.datasets
    assert len(found) > 20, "the corpus gives datasets of many shapes"
    return tuple(found)


def _urls(dataset: Dataset) -> list[str]:
    return [u for d in dataset.distributions for u in (d.url, d.download_url) if u]


def _figures(url: str, uptime: float, coverage: float) -> UrlAvailability:
    return UrlAvailability(url, uptime, coverage, "2025-04", uptime, coverage)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(0, 10_000),
    shift=st.timedeltas(timedelta(days=-800), timedelta(days=800)),
    uptime=st.floats(0, 1),
    coverage=st.floats(0, 1),
    outcome=st.sampled_from(["up", "down", "degraded", "unknown"]),
)
def test_a_criterion_that_does_not_move_ignores_the_clock_and_the_history(
    index: int, shift: timedelta, uptime: float, coverage: float, outcome: str
) -> None:
    datasets = published_datasets()
    dataset = datasets[index % len(datasets)]
    urls = _urls(dataset)
    probes = {u: probe(u, outcome) for u in urls}
    spdr = spdr_entry() if index % 3 == 0 else None
    then = ScoringContext(dataset=dataset, now=NOW, probes=probes, spdr=spdr)
    figures = {u: _figures(u, uptime, coverage) for u in urls}
    later = ScoringContext(
        dataset=dataset,
        now=NOW + shift,
        probes=probes,
        spdr=spdr,
        api_probes=[probe("https://api.example.org/search?q=x", outcome)] if spdr else [],
        uptime=judged_uptimes(figures),
        availability=figures,
        legal_availability={"file_availability": "not_met"},
    )
    for crit in SETTLED:
        assert run_criterion(crit, later) == run_criterion(crit, then), crit.id


DATES = st.one_of(
    st.none(),
    st.timedeltas(timedelta(days=-900), timedelta(days=30)).map(lambda d: NOW + d),
)


@st.composite
def dated_datasets(draw: Any) -> Dataset:
    """Datasets whose dates and declared frequency vary, some dates in the future."""
    base = good_dataset()
    dists = [replace(d, modified=draw(DATES), issued=draw(DATES)) for d in base.distributions]
    return replace(
        base,
        frequency=draw(st.sampled_from([None, "punctual", "irregular", *STRICT_DELTAS])),
        modified=draw(DATES),
        issued=draw(DATES),
        metadata_modified=draw(DATES),
        distributions=dists,
    )


@settings(max_examples=300, deadline=None)
@given(dataset=dated_datasets(), at=st.floats(0, 1), spdr=st.booleans())
def test_a_verdict_on_dates_holds_until_the_instant_it_states(
    dataset: Dataset, at: float, spdr: bool
) -> None:
    entry = spdr_entry("daily") if spdr else None
    then = ScoringContext(dataset=dataset, now=NOW, spdr=entry)
    for crit in (c for c in MOVING if c.pillar == "freshness"):
        holds = crit.func(then).holds_until
        if holds is None:
            continue  # no claim: scored again every run
        later = NOW + (min(holds, NOW + timedelta(days=900)) - NOW) * at
        if later >= holds:
            continue
        again = replace(then, now=later)
        assert run_criterion(crit, again) == run_criterion(crit, then), (crit.id, later)


def _history(url: str, count: int, spacing: timedelta, down: set[int]) -> list[ProbeResult]:
    """``count`` probes of ``url``, ``spacing`` apart, the last one just before NOW."""
    start = NOW - spacing * count
    return [
        probe(url, "down" if i in down else "up", checked_at=start + spacing * (i + 1))
        for i in range(count)
    ]


def _files_context(dataset: Dataset, history: list[ProbeResult], now: datetime) -> ScoringContext:
    url = dataset.distributions[0].url
    figures = {url: url_availability(url, history, [], [], None, now, GAP)}
    latest = {url: history[-1]} if history else {}
    return ScoringContext(
        dataset=dataset,
        now=now,
        probes=latest,
        uptime=judged_uptimes(figures),
        availability=figures,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    # probes: any number, or within a few probes of measuring half the window (the bar)
    count=st.one_of(st.integers(0, 3000), st.integers(-3, 3).map(lambda j: ("near", j))),
    spacing=st.sampled_from([timedelta(minutes=m) for m in (15, 30, 45, 60, 24 * 60)]),
    down=st.sets(st.integers(0, 3000), max_size=40),
    later=st.one_of(
        st.timedeltas(timedelta(0), timedelta(days=45)),
        st.timedeltas(timedelta(0), timedelta(hours=1)),
    ),
)
def test_a_verdict_on_availability_holds_until_the_instant_it_states(
    count: int | tuple[str, int], spacing: timedelta, down: set[int], later: timedelta
) -> None:
    if isinstance(count, tuple):  # each probe measures until the next, at most GAP
        count = timedelta(days=15) // min(spacing, GAP) + 1 + count[1]
    dataset = replace(good_dataset(), distributions=good_dataset().distributions[:1])
    history = _history(dataset.distributions[0].url, count, spacing, down)
    crit = get_criterion("availability.files")
    then = _files_context(dataset, history, NOW)
    holds = crit.func(then).holds_until
    if holds is not None and NOW + later < holds:
        again = _files_context(dataset, history, NOW + later)  # no probe since
        assert run_criterion(crit, again) == run_criterion(crit, then)


def test_the_stated_instants_are_the_real_ones() -> None:
    """Not vacuous: a monthly dataset updated 10 days ago holds until its deadline (31
    days and 1 of tolerance), is late just after; a file probed once a day holds for good,
    one measured every 15 minutes for a month does not hold at all."""
    dataset = replace(good_dataset(), modified=NOW - timedelta(days=10))
    crit = get_criterion("freshness.frequency")
    holds = crit.func(ScoringContext(dataset=dataset, now=NOW)).holds_until
    assert holds == NOW + timedelta(days=22)
    assert crit.func(ScoringContext(dataset=dataset, now=holds)).status == "pass"
    late = ScoringContext(dataset=dataset, now=holds + timedelta(minutes=1))
    assert crit.func(late).status == "partial"

    files = get_criterion("availability.files")
    one = replace(dataset, distributions=dataset.distributions[:1])
    daily = _history(one.distributions[0].url, 30, timedelta(days=1), set())
    assert files.func(_files_context(one, daily, NOW)).holds_until == FOREVER
    dense = _history(one.distributions[0].url, 30 * 96, timedelta(minutes=15), {5})
    measured = files.func(_files_context(one, dense, NOW))
    assert measured.evidence["items"][0]["basis"] == "uptime_30d"
    assert measured.holds_until is None


def test_a_reference_dataset_score_holds_for_no_time() -> None:
    """Its legal verdicts read the monthly availability history."""
    ctx = ScoringContext(dataset=good_dataset(), now=NOW, spdr=spdr_entry())
    assert assess(ctx).holds_until == NOW
    plain = assess(ScoringContext(dataset=good_dataset(), now=NOW))
    assert NOW < plain.holds_until < FOREVER  # its monthly update deadline
    assert plain.holds_until.tzinfo is UTC or plain.holds_until.utcoffset() == timedelta(0)


@settings(max_examples=300, deadline=None)
@given(
    dataset=dated_datasets(),
    frequency=st.sampled_from([None, "unknown", *UDATA_DELTAS, *UDATA_ALWAYS_ON_TIME]),
    platform=st.none() | st.fixed_dictionaries({"update_fulfilled_in_time": st.booleans()}),
    before=st.timedeltas(timedelta(days=-400), timedelta(days=400)),
    after=st.timedeltas(timedelta(0), timedelta(days=400)),
)
def test_the_views_read_the_clock_only_through_the_update_check(
    dataset: Dataset,
    frequency: str | None,
    platform: dict[str, Any] | None,
    before: timedelta,
    after: timedelta,
) -> None:
    """``same_at`` (the shortcut carrying reference views) says exactly whether
    data.gouv.fr's part of the views is the same at two instants."""
    dataset = replace(dataset, frequency=frequency, quality=platform)
    t1, t2 = NOW + before, NOW + before + after
    assert same_at(dataset, t1, t2) == (udata_part(dataset, t1) == udata_part(dataset, t2))


def test_scoring_reads_a_file_at_the_url_it_is_probed_at() -> None:
    """A file with a download URL is probed there: the history and probes of its access URL
    (another dataset's file, say) do not reach its score, whatever the batch holds."""
    base = good_dataset().distributions[0]
    file = replace(base, download_url="https://files.example.org/r1-download.csv")
    dataset = replace(good_dataset(), distributions=[file])
    access = _history(file.url, 30 * 96, timedelta(minutes=15), set(range(0, 2880, 10)))
    figures = {file.url: url_availability(file.url, access, [], [], None, NOW, GAP)}
    ctx = ScoringContext(
        dataset=dataset,
        now=NOW,
        probes={file.url: access[-1], file.download_url: probe(file.download_url)},
        uptime=judged_uptimes(figures),
        availability=figures,
    )
    verdict = get_criterion("availability.files").func(ctx)
    assert [i["basis"] for i in verdict.evidence["items"]] == ["latest_probe"]
    assert verdict.status == "pass" and verdict.holds_until == FOREVER


def test_a_key_read_twice_is_carried_only_when_every_reading_holds() -> None:
    from observatory import reuse
    from observatory.pipeline import probe_targets
    from observatory.registry import load_config
    from observatory.storage.state import ProbeRef, ScoreDates

    first = good_dataset()
    second = replace(
        first,
        distributions=[
            *first.distributions,
            replace(first.distributions[0], key="cat:r9", url="https://files.example.org/new.csv"),
        ],
    )
    refs = {u: ProbeRef(1, u, NOW, "up", "text/csv", None) for u in probe_targets([first])}
    inputs = reuse.ScoreInputs(
        dates={first.key: ScoreDates(NOW, FOREVER)},
        previous_probes=refs,
        reused_probes=refs,
        cutoff=reuse.cutoff(NOW),
        now=NOW + timedelta(hours=1),
        same_scoring=True,
    )
    config = load_config()
    for readings in ([first, second], [second, first]):
        assert reuse.split_scoring(readings, {first.key}, config, inputs) == ({first.key}, [])
    assert reuse.split_scoring([first, first], {first.key}, config, inputs) == (set(), [first.key])
