"""Test support: fixture paths and a loopback file server for validate_resource."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path

from observatory.sandbox.server import QuietHTTPServer
from tests.corpus import CORPUS as SHARED

DATA = Path(__file__).parent / "data"
CORPUS = SHARED / "schemas"


class FileServer(QuietHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.files: dict[str, tuple[bytes, str]] = {}

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def add(self, path: str, body: bytes, ctype: str = "text/csv") -> str:
        self.files[path] = (body, ctype)
        return self.base + path


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FileServer

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body, ctype = self.server.files.get(self.path, (b"not found", "text/plain"))
        self.send_response(200 if self.path in self.server.files else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
