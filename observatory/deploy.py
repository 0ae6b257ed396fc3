"""`observatory serve`: the deployments of ``prefect.yaml`` served locally with Prefect's serve.

``prefect.yaml`` is the one description of the deployments (schedules, parameters,
triggers); production deploys it to a work pool (``prefect deploy --all``), and this module
turns the same entries into ``flow.to_deployment(...)`` objects for ``prefect.serve`` so a
single machine runs the observatory on schedule without a work pool. Prefect is imported
only inside the functions: the rest of the library stays Prefect-free.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
PREFECT_YAML = ROOT / "prefect.yaml"


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment of ``prefect.yaml``, as plain data."""

    name: str
    entrypoint: str  # flows/observe.py:observe
    parameters: dict[str, Any] = field(default_factory=dict)
    cron: str | None = None
    timezone: str | None = None
    interval: float | None = None  # seconds
    triggers: list[dict[str, Any]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    description: str | None = None

    @property
    def module_and_flow(self) -> tuple[str, str]:
        path, _, attr = self.entrypoint.partition(":")
        return path.removesuffix(".py").replace("/", "."), attr


def load_specs(path: str | Path | None = None) -> list[DeploymentSpec]:
    """The deployments declared in ``prefect.yaml`` (this project's by default)."""
    data = yaml.safe_load(Path(path or PREFECT_YAML).read_text(encoding="utf-8")) or {}
    specs = []
    for entry in data.get("deployments") or []:
        schedule = (entry.get("schedules") or [{}])[0] or {}
        specs.append(
            DeploymentSpec(
                name=entry["name"],
                entrypoint=entry["entrypoint"],
                parameters=dict(entry.get("parameters") or {}),
                cron=schedule.get("cron"),
                timezone=schedule.get("timezone"),
                interval=schedule.get("interval"),
                triggers=list(entry.get("triggers") or []),
                tags=list(entry.get("tags") or []),
                description=entry.get("description"),
            )
        )
    return specs


def build_deployments(config_path: str | None = None, path: str | Path | None = None) -> list[Any]:
    """``RunnerDeployment`` objects for ``prefect.serve``; ``config_path`` fills every
    deployment's ``config_path`` parameter when given."""
    from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule
    from prefect.events.schemas.deployment_triggers import DeploymentTriggerTypes
    from pydantic import TypeAdapter

    triggers = TypeAdapter(DeploymentTriggerTypes)
    out = []
    for spec in load_specs(path):
        module, attr = spec.module_and_flow
        flow = getattr(importlib.import_module(module), attr)
        params = dict(spec.parameters)
        if config_path is not None and "config_path" in params:
            params["config_path"] = config_path
        schedules: list[Any] = []
        if spec.cron:
            schedules.append(CronSchedule(cron=spec.cron, timezone=spec.timezone or "UTC"))
        if spec.interval:
            schedules.append(IntervalSchedule(interval=timedelta(seconds=spec.interval)))
        out.append(
            flow.to_deployment(
                name=spec.name,
                schedules=schedules or None,
                parameters=params,
                triggers=[triggers.validate_python(t) for t in spec.triggers] or None,
                tags=spec.tags,
                description=spec.description,
            )
        )
    return out


def serve(config_path: str | None = None, prefect_yaml: str | None = None) -> None:
    """Serve every deployment of ``prefect.yaml`` in this process until interrupted."""
    from prefect import serve as prefect_serve

    if config_path:
        os.environ.setdefault("OBSERVATORY_CONFIG", str(Path(config_path).absolute()))
    prefect_serve(*build_deployments(config_path, prefect_yaml))
