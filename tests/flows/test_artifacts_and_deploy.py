"""Prefect artifacts of every flow run (queried from the Prefect API), the publish flow, and
the deployments of prefect.yaml as `observatory serve` builds them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.flows.test_crash import broken_links, config_file


def _artifacts(flow_run_id) -> dict[str, object]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return {a.key: a for a in found}


@pytest.fixture(scope="module")
def runs(sandbox, tmp_path_factory):
    from flows.observe import observe
    from flows.probe import probe
    from flows.publish import publish

    tmp = tmp_path_factory.mktemp("artifacts")
    config = str(config_file(sandbox, tmp))
    states = {
        "observe": observe(config, publish_site=False, return_state=True),
        "probe": probe(config, return_state=True),
    }
    (tmp / "reports").mkdir(exist_ok=True)
    states["publish"] = publish(config, return_state=True)
    return tmp, states


@pytest.mark.parametrize("kind", ["observe", "probe", "publish"])
def test_each_flow_run_publishes_a_markdown_summary_and_a_table(runs, kind: str) -> None:
    _, states = runs
    state = states[kind]
    assert state.is_completed()
    found = _artifacts(state.state_details.flow_run_id)
    assert found[f"{kind}-summary"].type == "markdown"
    assert "Exécution n°" in found[f"{kind}-summary"].data
    table = found[f"{kind}-table"]
    assert table.type == "table"
    rows = json.loads(table.data)
    assert rows and ("score global" in rows[0] or "résultat" in rows[0])


def test_observe_table_lists_every_dataset_with_its_scores(runs) -> None:
    _, states = runs
    result = states["observe"].result()
    table = _artifacts(states["observe"].state_details.flow_run_id)["observe-table"]
    rows = json.loads(table.data)
    assert len(rows) == result["summary"]["datasets"]
    assert {"jeu de données", "score global", "availability"} <= set(rows[0])


def test_publish_flow_renders_the_latest_run_from_the_store(runs) -> None:
    tmp, states = runs
    result = states["publish"].result()
    assert result["run_id"] == states["observe"].result()["run_id"]
    site = Path(result["site"])
    assert (site / "index.html").is_file() and broken_links(site) == []


def test_prefect_yaml_declares_the_scheduled_deployments() -> None:
    from observatory.deploy import load_specs

    specs = {s.name: s for s in load_specs()}
    observe = specs["observe-daily"]
    assert observe.cron == "0 3 * * *" and observe.timezone == "Europe/Paris"
    assert observe.parameters["publish_site"] is False
    assert 300 <= specs["probe-every-10-minutes"].interval <= 900
    trigger = specs["publish-after-observe"].triggers[0]
    assert trigger["expect"] == ["prefect.flow-run.Completed"]
    assert trigger["match_related"]["prefect.resource.name"] == "observe"


def test_serve_builds_runner_deployments_of_the_real_flows(tmp_path: Path) -> None:
    from observatory.deploy import build_deployments

    deployments = {d.name: d for d in build_deployments(str(tmp_path / "datasets.yml"))}
    assert set(deployments) == {"observe-daily", "probe-every-10-minutes", "publish-after-observe"}
    assert deployments["observe-daily"].parameters["config_path"].endswith("datasets.yml")
    cron = deployments["observe-daily"].schedules[0].schedule
    assert cron.cron == "0 3 * * *" and cron.timezone == "Europe/Paris"
    assert deployments["publish-after-observe"].triggers
    assert (
        deployments["probe-every-10-minutes"].schedules[0].schedule.interval.total_seconds() == 600
    )
