"""A real loopback HTTP server whose routes each test fills, and loopback-allowing settings."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from observatory.net.fetch import HttpSettings
from observatory.net.guard import parse_networks
from observatory.sandbox.server import QuietHTTPServer
from tests.corpus import CORPUS as SHARED

CORPUS = SHARED
DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Reply:
    body: bytes = b""
    content_type: str | None = "application/octet-stream"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (timeouts)


Route = Reply | Callable[[str], Reply]  # a fixed reply, or one built from the full path


class Site:
    """Routes by full path (with query) first, then by path alone, then by prefix ('/x/*')."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.headers: list[dict[str, str]] = []  # request headers, in the order of hits
        self.base = ""

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def reply_for(self, full: str) -> Reply:
        path = urlsplit(full).path
        route = self.routes.get(full) or self.routes.get(path)
        if route is None:
            for key, candidate in self.routes.items():
                if key.endswith("*") and full.startswith(key[:-1]):
                    route = candidate
                    break
        if route is None:
            return Reply(b'{"message": "Not found"}', "application/json", 404)
        return route(full) if callable(route) else route


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            site.hits.append(self.path)
            site.headers.append(dict(self.headers.items()))
            reply = site.reply_for(self.path)
            if reply.delay:
                time.sleep(reply.delay)
            self.send_response(reply.status)
            if reply.content_type:
                self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(reply.body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    state = Site()
    server = QuietHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def http() -> HttpSettings:
    """Loopback allowed, short timeouts."""
    return HttpSettings(
        allowed=tuple(parse_networks(["127.0.0.0/8"])),
        connect_timeout=2,
        read_timeout=3,
        total_timeout=10,
    )
