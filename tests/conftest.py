"""Shared fixtures: Prefect kept quiet and local, the sandbox portal on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# Before anything imports Prefect: no telemetry, a quiet temporary server.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


@pytest.fixture(scope="session")
def sandbox() -> Iterator[object]:
    """The sandbox portal (generation 0) on loopback, shared by the whole session."""
    from observatory.sandbox.server import Sandbox

    with Sandbox(port=0).start() as portal:
        yield portal
