"""Loopback listeners for the guard tests: a victim that counts connections, a relay.

The victim listens on 127.0.0.1 and ::1 (same port) and stands for everything the guard must
keep out of reach: it counts every TCP connection it accepts, whatever is sent. The relay
listens on 127.0.0.2, the one network the tests allow, on the victim's port number, so a name
resolving to either address reaches the same port: it serves ``/ok.csv`` and redirects
``/r?to=URL`` to ``URL`` verbatim (raw bytes, no re-encoding), for redirect chains.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from observatory.sandbox.server import QuietHTTPServer

CSV = b"id,name\n1,Paris\n"
RELAY_HOST = "127.0.0.2"


class _Counting(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server = self.server
        with server.lock:  # type: ignore[attr-defined]
            server.count += 1  # type: ignore[attr-defined]
        with suppress(OSError):
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")


class _VictimServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], family: int) -> None:
        self.address_family = family
        self.lock = threading.Lock()
        self.count = 0
        super().__init__(address, _Counting)


class _Relay(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/r":
            target = parse_qs(parts.query).get("to", [""])[0]
            lines = [b"HTTP/1.1 302 Found", b"Location: " + target.encode("utf-8")]
            lines += [b"Content-Length: 0", b"", b""]
            self.wfile.write(b"\r\n".join(lines))
            return
        body = CSV if parts.path == "/ok.csv" else b"not found"
        self.send_response(200 if parts.path == "/ok.csv" else 404)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


@dataclass
class Listeners:
    port: int
    victims: list[_VictimServer]
    relay: QuietHTTPServer

    @property
    def hits(self) -> int:
        """Connections the victim accepted, over all its addresses."""
        return sum(v.count for v in self.victims)

    @property
    def relay_base(self) -> str:
        return f"http://{RELAY_HOST}:{self.port}"


def _serve(server: socketserver.BaseServer) -> None:
    threading.Thread(target=server.serve_forever, daemon=True).start()


@contextmanager
def listeners() -> Iterator[Listeners]:
    first = _VictimServer(("127.0.0.1", 0), socket.AF_INET)
    port = first.server_address[1]
    victims = [first]
    with suppress(OSError):  # no IPv6 loopback here: the IPv4 victim alone
        victims.append(_VictimServer(("::1", port), socket.AF_INET6))
    relay = QuietHTTPServer((RELAY_HOST, port), _Relay)
    relay.daemon_threads = True
    for server in (*victims, relay):
        _serve(server)
    try:
        yield Listeners(port, victims, relay)
    finally:
        for server in (*victims, relay):
            server.shutdown()
            server.server_close()
