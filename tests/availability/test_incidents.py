"""Incidents: exact start, end, duration and cause on the stored synthetic history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from observatory.availability.incidents import find_incidents

from .history import API_URL, FILE_URL, NOW, api_history, at, file_history, probe


@pytest.fixture
def stored(store):
    run = store.start_run("probe", at(1, 1))
    store.save_probes(run, file_history() + api_history())
    store.finish_run(run, "ok", {})
    return store


def test_file_incidents_open_after_three_failures_close_after_two_successes(stored) -> None:
    incidents = find_incidents(stored.probe_history(FILE_URL))
    # January: 28 failures from Jan 10 08:00, first success 15:00 (15:15 is the second).
    # March: failures 00:45..01:30, successes 01:45 and 02:00 -> ends at 01:45.
    # The degraded 05:00 probe is a success for a file; the unknown 05:30 is skipped.
    assert [(i.start, i.end, i.cause, i.status) for i in incidents] == [
        (at(1, 10, 8), at(1, 10, 15), "HTTP 503", 503),
        (at(3, 10, 0, 45), at(3, 10, 1, 45), "HTTP 404", 404),
    ]
    assert incidents[0].duration() == timedelta(hours=7)
    assert incidents[1].duration() == timedelta(hours=1)


def test_api_incidents_count_degraded_and_skip_unknown(stored) -> None:
    incidents = find_incidents(stored.probe_history(API_URL))
    # 06:15 degraded, 06:30 down, (06:45 unknown skipped), 07:00 down -> opens, start 06:15.
    # 07:15 up, (07:30 unknown skipped), 07:45 up -> closes at 07:15.
    # 08:15, 08:30 down then 08:45 up: two failures only, no incident.
    # 09:00, 09:15, 09:30 down -> opens at 09:00; 09:45 one success: still open.
    first, second = incidents
    assert (first.start, first.end) == (at(3, 10, 6, 15), at(3, 10, 7, 15))
    assert first.cause == "assertion failed: features[0].properties.label is missing"
    assert first.outcome == "degraded"
    assert (second.start, second.end, second.cause) == (at(3, 10, 9), None, "HTTP 502")
    assert second.open
    assert second.duration(NOW) == timedelta(hours=3)
    assert second.as_dict(NOW)["duration_seconds"] == 3 * 3600


def test_thresholds_are_configurable(stored) -> None:
    history = stored.probe_history(API_URL)
    # N=2: 08:15-08:30 opens an incident; 08:45 is one success, 09:00 fails (streak reset),
    # so it runs on through 09:30 and 09:45 alone does not close it.
    # M=1 instead: the 09:45 success closes the 09:00 incident.
    # Degraded counted as a success: 06:30 and 07:00 are two failures only, no incident.
    two = find_incidents(history, open_after=2)
    assert [(i.start, i.end) for i in two] == [
        (at(3, 10, 6, 15), at(3, 10, 7, 15)),
        (at(3, 10, 8, 15), None),
    ]
    one = find_incidents(history, close_after=1)
    assert [(i.start, i.end) for i in one] == [
        (at(3, 10, 6, 15), at(3, 10, 7, 15)),
        (at(3, 10, 9), at(3, 10, 9, 45)),
    ]
    as_files = find_incidents(history, degraded_fails=False)
    assert [(i.start, i.end) for i in as_files] == [(at(3, 10, 9), None)]


def test_unknown_alone_never_opens() -> None:
    history = [probe(at(3, 1, 0, 15 * i), "unknown") for i in range(4)]
    assert find_incidents(history) == []
