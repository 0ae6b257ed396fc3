"""The pages of a catalogue read by the engine reuse their thread's connection: one TCP
(and, on a real portal, TLS) handshake per reading thread, not one per page."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from observatory.harvest.paging import harvest_catalogue
from observatory.observe.runner import InProcessRunner
from observatory.registry import CatalogueEntry
from observatory.sandbox.server import QuietHTTPServer
from tests.harvest.conftest import CORPUS

REAL = json.loads((CORPUS / "udata-api" / "dataset_metadata.json").read_text())
PAGES, SIZE = 12, 3


class _Portal(QuietHTTPServer):
    """A keep-alive udata API of ``PAGES`` pages that counts the connections it accepts."""

    connections = 0
    next_base: str | None = None  # where the next pages are said to be (default: here)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1
        super().process_request(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Portal

    def do_GET(self) -> None:  # noqa: N802
        page = int(parse_qs(urlsplit(self.path).query).get("page", ["1"])[0])
        data = [
            copy.deepcopy(REAL) | {"id": f"id{page}-{k}", "slug": f"jeu-{page}-{k}"}
            for k in range(SIZE)
        ]
        base = (
            self.server.next_base or f"http://127.0.0.1:{self.server.server_port}/api/1/datasets/"
        )
        following = f"{base}?page={page + 1}&page_size={SIZE}" if page < PAGES else None
        body = json.dumps({"data": data, "page": page, "next_page": following}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def portal() -> Iterator[_Portal]:
    server = _Portal(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("ahead", [0, 2])
def test_the_pages_a_thread_reads_share_its_connection(portal: _Portal, http, ahead) -> None:
    url = f"http://127.0.0.1:{portal.server_port}/api/1/datasets/?page_size={SIZE}"
    entry = CatalogueEntry(id="dgf", name="Portail", kind="udata", url=url)
    # the engine's way: each page one unit of work of the runner, pages read ahead
    catalogue = harvest_catalogue(entry, http, 50, call=InProcessRunner().call, ahead=ahead)
    assert catalogue.pages == PAGES and not catalogue.errors
    assert len(catalogue.datasets) == PAGES * SIZE
    assert portal.connections <= ahead + 1  # was one per page


@pytest.mark.parametrize("elsewhere", ["10.0.0.1", "localhost"])
def test_a_kept_connection_does_not_carry_a_page_past_the_guard(
    portal: _Portal, http, elsewhere
) -> None:
    """Page 1 is read on an allowed connection; page 2 is on another host (a refused
    network, or loopback under another name): the guard decides on a connection of its
    own, never the one kept for page 1."""
    portal.next_base = f"http://{elsewhere}:{portal.server_port}/api/1/datasets/"
    url = f"http://127.0.0.1:{portal.server_port}/api/1/datasets/?page_size={SIZE}"
    entry = CatalogueEntry(id="dgf", name="Portail", kind="udata", url=url)
    catalogue = harvest_catalogue(entry, http, 50, call=InProcessRunner().call, ahead=2)
    if elsewhere == "10.0.0.1":  # refused before any connection: page 1 alone is kept
        assert len(catalogue.datasets) == SIZE and portal.connections == 1
        assert [e.kind for e in catalogue.errors] == ["refused"]
    else:  # allowed, on connections of its own (at most one more per reading thread)
        assert len(catalogue.datasets) == PAGES * SIZE and 2 <= portal.connections <= 2 * 3
