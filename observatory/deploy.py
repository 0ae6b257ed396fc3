"""`observatory serve`: the deployments of ``prefect.yaml`` served locally with Prefect's serve.

``prefect.yaml`` is the one description of the deployments (schedules, parameters,
triggers); production deploys it to a work pool (``prefect deploy --all``), and this module
turns the same entries into ``flow.to_deployment(...)`` objects for ``prefect.serve`` so a
single machine runs the observatory on schedule without a work pool. Prefect is imported
only inside the functions: the rest of the library stays Prefect-free.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests
import yaml

from observatory.registry import ConfigError

ROOT = Path(__file__).resolve().parent.parent
PREFECT_YAML = ROOT / "prefect.yaml"
LOCAL_SERVER_PORT = 4200


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
    def when(self) -> str:
        """The schedule in words, for ``observatory serve --list``."""
        if self.cron:
            return f"cron {self.cron} ({self.timezone or 'UTC'})"
        if self.interval:
            return f"every {self.interval / 60:g} min"
        return "on trigger (after another flow)" if self.triggers else "manual"

    @property
    def module_and_flow(self) -> tuple[str, str]:
        path, _, attr = self.entrypoint.partition(":")
        return path.removesuffix(".py").replace("/", "."), attr


def load_specs(path: str | Path | None = None) -> list[DeploymentSpec]:
    """The deployments declared in ``prefect.yaml`` (this project's by default)."""
    source = Path(path or PREFECT_YAML)
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read the deployments file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML ({exc})") from exc
    entries = data.get("deployments") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"{source}: 'deployments' must be a list of mappings")
    specs = []
    for index, entry in enumerate(entries):
        missing = [k for k in ("name", "entrypoint") if not entry.get(k)]
        if missing:
            raise ConfigError(f"{source}: deployments[{index}] lacks {', '.join(missing)}")
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


@contextlib.contextmanager
def local_prefect_server(port: int = LOCAL_SERVER_PORT, timeout: float = 90) -> Iterator[str]:
    """A Prefect server (API and UI) on loopback for the duration of ``serve``.

    Prefect's own ephemeral server lives in the caller's process group, so Ctrl-C kills it
    before the runner has stopped and the runner dies in connection errors. This one runs in
    its own session, keeps its history in ``PREFECT_HOME`` and is stopped after the runner.
    """
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    server = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        _wait_healthy(server, url, timeout)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_healthy(server: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            detail = (server.stderr.read() if server.stderr else b"").decode(errors="replace")
            raise ConfigError(f"the local Prefect server did not start: {detail.strip()[-500:]}")
        try:
            if requests.get(f"{url}/health", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise ConfigError(f"the local Prefect server did not answer on {url} within {timeout:g} s")


def serve(config_path: str | None = None, prefect_yaml: str | None = None) -> None:
    """Serve every deployment of ``prefect.yaml`` in this process until interrupted.

    With ``PREFECT_API_URL`` set, the deployments register with that server (production);
    without it, a local Prefect server is started for the time of the serve.
    """
    if config_path:
        os.environ.setdefault("OBSERVATORY_CONFIG", str(Path(config_path).absolute()))
    load_specs(prefect_yaml)  # a bad file fails before any server starts
    if os.environ.get("PREFECT_API_URL"):
        _serve(config_path, prefect_yaml)
        return
    port = int(os.environ.get("OBSERVATORY_PREFECT_PORT", LOCAL_SERVER_PORT))
    with local_prefect_server(port) as url:
        os.environ["PREFECT_API_URL"] = url
        print(f"Serveur Prefect local : http://127.0.0.1:{port} (interface et historique)")
        _serve(config_path, prefect_yaml)


def _serve(config_path: str | None, prefect_yaml: str | None) -> None:
    from prefect import serve as prefect_serve

    prefect_serve(*build_deployments(config_path, prefect_yaml))
