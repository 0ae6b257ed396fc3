"""`observatory serve`: the deployments of ``prefect.yaml`` served locally with Prefect's serve.

``prefect.yaml`` is the one description of the deployments (schedules, parameters,
triggers); production deploys it to a work pool (``prefect deploy --all``), and this module
turns the same entries into ``flow.to_deployment(...)`` objects for ``prefect.serve`` so a
single machine runs the observatory on schedule without a work pool. Prefect is imported
only inside the functions: the rest of the library stays Prefect-free.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

import requests
import yaml

from observatory import supervise
from observatory.registry import ConfigError

ROOT = Path(__file__).resolve().parent.parent
PREFECT_YAML = ROOT / "prefect.yaml"
LOCAL_SERVER_PORT = 4200
# Seconds from Ctrl-C to the return of ``serve``, and how the children share them: what has
# not stopped by itself in its share is killed (a kill takes well under a second).
STOP_BUDGET = 7.0
SERVER_GRACE = 2.5
FORCED = "le {what} ne s'est pas arrêté à temps : arrêt forcé"


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
def local_prefect_server(
    port: int, interruption: supervise.Interruption, timeout: float = 90
) -> Iterator[str | None]:
    """A Prefect server (API and UI) on loopback for the duration of ``serve``.

    It runs in a session of its own (a terminal's Ctrl-C reaches only ``serve``, which stops
    the runner before the server), keeps its history in ``PREFECT_HOME``, logs into a
    temporary file (a pipe nobody reads would fill up and block it) and is stopped within
    a share of ``STOP_BUDGET``. Yields None when interrupted before it answered.
    """
    args = ["server", "start", "--host", "127.0.0.1", "--port", str(port)]
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    with tempfile.TemporaryFile() as log:
        server = supervise.spawn("prefect", args, env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            url = f"http://127.0.0.1:{port}/api"
            yield url if _wait_healthy(server, url, timeout, interruption, log) else None
        finally:
            grace = max(0.2, min(SERVER_GRACE, interruption.left(STOP_BUDGET) - 1))
            if not supervise.stop(server, grace):
                print(
                    f"observatory serve: {FORCED.format(what='serveur Prefect')}", file=sys.stderr
                )


def _wait_healthy(
    server: subprocess.Popen[bytes],
    url: str,
    timeout: float,
    interruption: supervise.Interruption,
    log: IO[bytes],
) -> bool:
    """True once the server answers; False when interrupted first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            detail = log.read().decode(errors="replace").strip()[-500:]
            raise ConfigError(f"the local Prefect server did not start: {detail}")
        try:
            if requests.get(f"{url}/health", timeout=1).ok:
                return True
        except requests.RequestException:
            pass
        if interruption.wait(0.25):
            return False
    raise ConfigError(f"the local Prefect server did not answer on {url} within {timeout:g} s")


def serve(config_path: str | None = None, prefect_yaml: str | None = None) -> None:
    """Serve every deployment of ``prefect.yaml`` until Ctrl-C (SIGINT) or SIGTERM.

    With ``PREFECT_API_URL`` set, the deployments register with that server (production);
    without it, a local Prefect server is started for the time of the serve. Prefect's
    runner works in a child process: once interrupted, it gets what is left of ``STOP_BUDGET``
    but ``SERVER_GRACE`` to stop (pausing its schedules), then the server the rest; whatever
    has not stopped in its share is killed, so ``serve`` returns within about the budget.
    """
    load_specs(prefect_yaml)  # a bad file fails before any server starts
    env = dict(os.environ)
    if config_path:
        env.setdefault("OBSERVATORY_CONFIG", str(Path(config_path).absolute()))
    args = [*(["--config", config_path] if config_path else [])]
    args += ["--prefect-yaml", str(prefect_yaml)] if prefect_yaml else []
    with supervise.Interruption() as interruption, contextlib.ExitStack() as stack:
        if not env.get("PREFECT_API_URL"):
            port = int(env.get("OBSERVATORY_PREFECT_PORT", LOCAL_SERVER_PORT))
            url = stack.enter_context(local_prefect_server(port, interruption))
            if url is None:
                return
            env["PREFECT_API_URL"] = url
            print(f"Serveur Prefect local : http://127.0.0.1:{port} (interface et historique)")
        sys.stdout.flush()
        runner = supervise.spawn(__name__, args, env)
        try:
            while not interruption.wait(0.5):
                if runner.poll() is not None:
                    raise ConfigError(f"Prefect's runner stopped (exit {runner.returncode})")
        finally:
            grace = max(0.5, interruption.left(STOP_BUDGET) - SERVER_GRACE - 1)
            if not supervise.stop(runner, grace):
                print(f"observatory serve: {FORCED.format(what='runner Prefect')}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """The runner process of ``serve``: Prefect's serve of every deployment (SIGTERM stops it)."""
    parser = argparse.ArgumentParser(prog="python -m observatory.deploy")
    parser.add_argument("--config")
    parser.add_argument("--prefect-yaml")
    args = parser.parse_args(argv)
    from prefect import serve as prefect_serve

    prefect_serve(*build_deployments(args.config, args.prefect_yaml))


if __name__ == "__main__":
    main()
