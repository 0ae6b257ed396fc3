"""The observe engine called directly (no Prefect), against the sandbox portal.

It gives the flow's results; the availability history reaches the scores (a file down 10 %
of the last 30 days fails the 99 % bar although its latest probe is up); a freshness
deadline passing between two runs changes an unchanged dataset's score; the probe
schedule leaves files that are not due alone and says so in the run's summary.
"""

from __future__ import annotations

import gc
import re
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from observatory.model import DatasetScore, Snapshot
from observatory.observe import InProcessRunner, run_observe
from observatory.registry import load_config
from observatory.sandbox.server import Sandbox
from observatory.scoring.context import aware
from observatory.storage.store import Store
from tests.flows.test_incremental import store_url, write_config  # noqa: F401
from tests.storage import conftest as storage_fixtures

pg_server = storage_fixtures.pg_server
pg_url = storage_fixtures.pg_url


def _portless(text: str) -> str:
    return re.sub(r"(127\.0\.0\.\d+):\d+", r"\1", text)


def _engine(config_path: str, now: datetime | None = None) -> tuple[int, dict[str, Any]]:
    config = load_config(config_path)
    with Store(config.database_url or "") as store:
        done = run_observe(config, store, now=now, runner=InProcessRunner())
        return done.run_id, done.summary


def _snapshot(url: str, run_id: int) -> Snapshot:
    with Store(url) as store:
        return store.load_snapshot(run_id)


def _date(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _result(score: DatasetScore, criterion: str) -> Any:
    return next(r for r in score.results if r.criterion_id == criterion)


def test_engine_without_prefect_gives_the_flows_results(tmp_path: Path) -> None:
    from flows.observe import observe

    found = {}
    for name in ("engine", "flow"):
        (tmp_path / name).mkdir()
        url = f"sqlite:///{tmp_path / name / 'store.db'}"
        with Sandbox(port=0).start() as sandbox:  # scripted faults start from zero
            config = write_config(sandbox, tmp_path / name, url)
            if name == "engine":
                run_id, summary = _engine(config)
                # what the run froze away from the collector is handed back at its end
                assert gc.get_freeze_count() == 0
            else:
                result = observe(config, publish_site=False)
                run_id, summary = result["run_id"], result["summary"]
        found[name] = (_snapshot(url, run_id), summary)
    (a, sa), (b, sb) = found["engine"], found["flow"]
    assert sa["datasets"] == sb["datasets"] > 20
    scores_a = {_portless(k): (s.overall, s.pillars) for k, s in a.scores.items()}
    scores_b = {_portless(k): (s.overall, s.pillars) for k, s in b.scores.items()}
    assert scores_a == scores_b
    outcomes_a = {(_portless(p.url), p.check_name): p.outcome for p in a.probes}
    outcomes_b = {(_portless(p.url), p.check_name): p.outcome for p in b.probes}
    assert outcomes_a == outcomes_b
    assert sa["schedule"]["asked"] == sa["schedule"]["due"] == sa["schedule"]["files"] > 20


def _steady_file(snapshot: Snapshot) -> tuple[str, str]:
    """(dataset key, URL) of a non-reference dataset with one data file, up, passing."""
    by_url = {p.url: p for p in snapshot.probes if p.target == "file"}
    for dataset in snapshot.datasets:
        files = [d for d in dataset.distributions if (d.type or "main") == "main"]
        score = snapshot.scores.get(dataset.key)
        if dataset.spdr or len(files) != 1 or score is None:
            continue
        url = files[0].download_url or files[0].url
        probe = by_url.get(url)
        if (
            probe
            and probe.outcome == "up"
            and _result(score, "availability.files").status == "pass"
        ):
            return dataset.key, url
    raise AssertionError("no steady file in the sandbox")


def test_a_file_down_10_percent_of_the_month_fails_although_its_last_probe_is_up(
    sandbox: Sandbox,
    tmp_path: Path,
    store_url: str,  # noqa: F811
) -> None:
    config = write_config(sandbox, tmp_path, store_url)
    first, _ = _engine(config)
    before = _snapshot(store_url, first)
    key, url = _steady_file(before)
    model = next(p for p in before.probes if p.url == url)
    later = model.checked_at + timedelta(days=1)
    start = later - timedelta(days=30)
    history = []
    for i in range(30 * 24 * 4):  # every 15 minutes over the 30 days before ``later``
        at = start + timedelta(minutes=15 * i)
        down = timedelta(days=10) <= at - start < timedelta(days=13)  # 3 days of 30
        outcome = "down" if down else "up"
        history.append(replace(model, checked_at=at, outcome=outcome, status=503 if down else 200))
    assert history[-1].outcome == "up"
    with Store(store_url) as store:
        probe_run = store.start_run("probe", start)
        store.save_probes(probe_run, history)
        store.finish_run(probe_run, "ok", {})

    second, summary = _engine(config, now=later)
    files = _result(_snapshot(store_url, second).scores[key], "availability.files")
    item = files.evidence["items"][0]
    assert item["outcome"] == "up"  # the latest probe says up ...
    assert item["basis"] == "uptime_30d" and abs(item["availability"] - 0.9) < 0.01
    assert files.status == "fail" and files.evidence["meets_bar"] is False  # ... history: no
    assert _result(before.scores[key], "availability.files").status == "pass"
    assert summary["incremental"]["unchanged"] == summary["datasets"]


def test_a_deadline_passing_between_two_runs_changes_the_carried_score(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    config = write_config(sandbox, tmp_path, url)
    first, _ = _engine(config)
    before = _snapshot(url, first)
    on_time = {
        k: _result(s, "freshness.frequency")
        for k, s in before.scores.items()
        if _result(s, "freshness.frequency").status == "pass"
    }
    deadlines = {k: aware(_date(r.evidence["expected_by"])) for k, r in on_time.items()}
    key, deadline = min(deadlines.items(), key=lambda kv: kv[1])
    later = max(deadline + timedelta(days=2), aware(before.run.started_at) + timedelta(hours=1))

    second, summary = _engine(config, now=later)
    after = _result(_snapshot(url, second).scores[key], "freshness.frequency")
    assert summary["incremental"]["unchanged"] == summary["datasets"]  # nothing changed ...
    assert after.status in ("partial", "fail")  # ... but the deadline passed
    assert after.evidence["days_late"] >= 1


def test_the_schedule_leaves_files_that_are_not_due(sandbox: Sandbox, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    config = write_config(sandbox, tmp_path, url)
    first, s1 = _engine(config)
    snapshot = _snapshot(url, first)
    start = snapshot.run.started_at
    unmeasured = sum(1 for p in snapshot.probes if p.target == "file" and p.outcome == "unknown")
    _, within_hour = _engine(config, now=start + timedelta(minutes=30))
    _, next_day = _engine(config, now=start + timedelta(days=1, hours=1))
    _, day_after = _engine(config, now=start + timedelta(days=2))
    _, next_month = _engine(config, now=start + timedelta(days=40))
    files = s1["schedule"]["files"]
    soon = within_hour["schedule"]  # within reprobe_after only what measured nothing (429)
    assert soon["asked"] == unmeasured and soon["not_due"] == files - unmeasured
    # a day later: a new file dated old by its Last-Modified waits; failures, SPDR files and
    # files the server dates within the week are asked again, conditionally
    day = next_day["schedule"]
    assert 0 < day["not_due"] < files and day["asked"] + day["not_due"] == files
    assert day["not_modified"] > 0
    then = day_after["schedule"]  # a day old and unchanged: 24 h; failures, SPDR: sooner
    assert 0 < then["asked"] < files and then["asked"] + then["not_due"] == files
    assert next_month["schedule"]["asked"] == files  # nothing waits longer than 30 days


def test_a_paused_phase_frees_its_cycles_and_freezes_what_it_kept() -> None:
    """Cycles dropped during a ``gc_paused`` phase are freed at its end, not frozen with
    what it kept; ``gc_frozen`` hands the frozen back."""
    import weakref

    from observatory.observe.timing import gc_frozen, gc_paused

    class Node:
        other: object = None

    with gc_frozen():
        with gc_paused():
            kept, dropped = [Node() for _ in range(100)], Node()
            dropped.other = dropped
            gone = weakref.ref(dropped)
            del dropped
        assert gone() is None
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0
