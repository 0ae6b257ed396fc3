"""Fixtures of the probe tests: the scripted loopback server and loopback-allowing settings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from observatory.net.fetch import HttpSettings
from observatory.net.guard import parse_networks
from tests.probes.scripted import ScriptedServer, start


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    srv = start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def http() -> HttpSettings:
    """Loopback allowed, short timeouts."""
    return HttpSettings(
        allowed=tuple(parse_networks(["127.0.0.0/8"])),
        connect_timeout=2,
        read_timeout=3,
        total_timeout=10,
    )
