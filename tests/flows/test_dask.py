"""Distributed execution: the observe flow on a local multi-process Dask cluster gives the
same probe outcomes per URL and the same scores per dataset as the default task runner."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from observatory.storage.store import Store
from tests.flows.test_crash import config_file

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes that report to the same Prefect API as this test process (in
    production every worker has PREFECT_API_URL pointing at the Prefect server)."""
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the temporary server this process's flows use
    server.start()
    with distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=2,
        dashboard_address=None,
        env={"PREFECT_API_URL": server.api_url},
    ) as local:
        yield local


def _observe(tmp: Path, monkeypatch, dask_address: str | None) -> dict:
    """One observe run against a fresh sandbox (its scripted faults start from zero)."""
    from flows.observe import observe
    from observatory.sandbox.server import Sandbox

    if dask_address:
        monkeypatch.setenv("OBSERVATORY_TASK_RUNNER", "dask")
        monkeypatch.setenv("OBSERVATORY_DASK_ADDRESS", dask_address)
    else:
        monkeypatch.delenv("OBSERVATORY_TASK_RUNNER", raising=False)
        monkeypatch.delenv("OBSERVATORY_DASK_ADDRESS", raising=False)
    tmp.mkdir()
    with Sandbox(port=0).start() as sandbox:
        result = observe(str(config_file(sandbox, tmp)), publish_site=False)
    store = Store(f"sqlite:///{tmp / 'store.db'}")
    try:
        return {"result": result, "snapshot": store.load_snapshot(result["run_id"])}
    finally:
        store.close()


def _executed(dask_worker) -> int:
    """Tasks this worker process has executed so far."""
    return sum(1 for entry in dask_worker.state.log if "executing" in entry[1:3])


def test_dask_path_gives_the_same_results_as_the_default_path(
    tmp_path: Path, monkeypatch, cluster
) -> None:
    default = _observe(tmp_path / "default", monkeypatch, None)
    with distributed.Client(cluster) as client:
        before = sum(client.run(_executed).values())
        dask = _observe(tmp_path / "dask", monkeypatch, cluster.scheduler_address)
        after = client.run(_executed)
    assert sum(after.values()) > before  # the worker processes did run the batches

    a, b = default["snapshot"], dask["snapshot"]
    outcomes_a = {(_portless(p.url), p.check_name): p.outcome for p in a.probes}
    outcomes_b = {(_portless(p.url), p.check_name): p.outcome for p in b.probes}
    assert outcomes_a == outcomes_b and len(outcomes_a) > 20
    validity_a = {_portless(v.url): (v.valid, v.error_counts) for v in a.validations}
    validity_b = {_portless(v.url): (v.valid, v.error_counts) for v in b.validations}
    assert validity_a == validity_b and validity_a
    scores_a = {_portless(k): (s.overall, s.pillars) for k, s in a.scores.items()}
    scores_b = {_portless(k): (s.overall, s.pillars) for k, s in b.scores.items()}
    assert scores_a == scores_b and len(scores_a) == default["result"]["summary"]["datasets"]


def _portless(text: str) -> str:
    """Two sandboxes differ only by their port: compare without it."""
    return re.sub(r"(127\.\d+\.\d+\.\d+):\d+", r"\1", text)


def test_everything_handed_to_tasks_pickles(sandbox, tmp_path: Path) -> None:
    from observatory import pipeline
    from observatory.registry import load_config

    config = load_config(str(config_file(sandbox, tmp_path)))
    http = pipeline.http_settings(config)
    target = pipeline.ValidationTarget("k", "http://127.0.0.1/x.csv", "http://127.0.0.1/s.json")
    for value in (config, http, [target], pipeline.probe_validators({})):
        assert pickle.loads(pickle.dumps(value)) == value
