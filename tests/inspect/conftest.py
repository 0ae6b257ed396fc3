"""Fixtures of the inspection tests (no __init__.py here: "inspect" would shadow the stdlib)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from observatory.net.fetch import HttpSettings
from observatory.net.guard import parse_networks
from tests.inspect.support import FileServer


@pytest.fixture(scope="module")
def files() -> Iterator[FileServer]:
    server = FileServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def http() -> HttpSettings:
    return HttpSettings(allowed=tuple(parse_networks(["127.0.0.0/8"])), read_timeout=5)
