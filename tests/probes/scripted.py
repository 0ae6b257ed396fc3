"""A scripted loopback HTTP server: lying HEADs, block pages, 429s, loops, slow answers."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

from observatory.sandbox.server import QuietHTTPServer

CSV = b"id,name\n1,Paris\n2,Lyon\n"
LAST_MODIFIED = "Tue, 04 Mar 2025 10:00:00 GMT"
BLOCK_PAGE = (
    b"<!DOCTYPE html><html><head><title>Request Rejected</title></head>"
    b"<body>Access denied by the firewall. Your support ID is 1234.</body></html>"
)
GEOCODE = {
    "type": "FeatureCollection",
    "features": [{"properties": {"label": "8 Boulevard du Port 80000 Amiens", "score": 0.97}}],
}

Route = Callable[["Handler", str], None]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ScriptedServer

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def _dispatch(self, method: str) -> None:
        server = self.server
        with server.lock:
            server.hits.append((method, self.path))
        path = self.path.split("?")[0]
        route = ROUTES.get(path) or (ROUTES["/conc"] if path.startswith("/conc/") else None)
        if route is None:
            self.send_body(404, b"not found", "text/plain", method)
        else:
            route(self, method)

    def send_body(
        self,
        status: int,
        body: bytes,
        ctype: str,
        method: str,
        headers: dict[str, str] | None = None,
        length: bool = True,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _file(h: Handler, m: str) -> None:
    h.send_body(200, CSV, "text/csv", m, {"Last-Modified": LAST_MODIFIED, "ETag": '"v1"'})


def _lying(h: Handler, m: str) -> None:
    """A front answering 200 to any HEAD, without length or date; the GET tells the truth."""
    if m == "HEAD":
        h.send_body(200, b"", "text/csv", m, length=False)
    else:
        h.send_body(404, b"gone", "text/plain", m)


def _firewall(h: Handler, m: str) -> None:
    h.send_body(200, BLOCK_PAGE, "text/html; charset=utf-8", m)


def _html_page(h: Handler, m: str) -> None:
    h.send_body(200, b"<html><body><h1>Nos donnees</h1></body></html>", "text/html", m)


def _no_head(h: Handler, m: str) -> None:
    if m == "HEAD":
        h.send_body(405, b"", "text/plain", m)
    else:
        _file(h, m)


def _bare(h: Handler, m: str) -> None:
    h.send_body(200, CSV, "text/csv", m, length=False)


def _too_many(h: Handler, m: str) -> None:
    h.send_body(429, b"slow down", "text/plain", m, {"Retry-After": "120"})


def _busy(h: Handler, m: str) -> None:
    h.send_body(503, b"maintenance", "text/plain", m, {"Retry-After": "30"})


def _broken(h: Handler, m: str) -> None:
    h.send_body(503, b"broken", "text/plain", m)


def _slow(h: Handler, m: str) -> None:
    time.sleep(0.4)
    _file(h, m)


def _big(h: Handler, m: str) -> None:
    body = b"x" * 2_000_000
    h.send_body(200, body, "application/octet-stream", m, {"Last-Modified": LAST_MODIFIED})


def _ranged(h: Handler, m: str) -> None:
    """A server that honours ``Range: bytes=0-N`` (206 with Content-Range), HEAD without type."""
    body = b"x" * 100_000
    asked = h.headers.get("Range", "")
    if m == "HEAD":
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        return
    if not asked.startswith("bytes=0-"):
        h.send_body(200, body, "application/octet-stream", m)
        return
    end = min(int(asked.removeprefix("bytes=0-")), len(body) - 1)
    part = {"Content-Range": f"bytes 0-{end}/{len(body)}"}
    h.send_body(206, body[: end + 1], "application/octet-stream", m, part)


def _json(h: Handler, m: str) -> None:
    h.send_body(200, json.dumps(GEOCODE).encode(), "application/json; charset=utf-8", m)


def _server_error(h: Handler, m: str) -> None:
    h.send_body(500, b"oops", "text/plain", m)


def _conc(h: Handler, m: str) -> None:
    """Hold the request a while and count how many are held at once. The count drops
    before the answer is sent, so a client that got its answer can never be counted twice."""
    server = h.server
    with server.lock:
        server.current += 1
        server.max_seen = max(server.max_seen, server.current)
    try:
        time.sleep(0.15)
    finally:
        with server.lock:
            server.current -= 1
    _file(h, m)


ROUTES: dict[str, Route] = {
    "/file.csv": _file,
    "/lying.csv": _lying,
    "/firewall.csv": _firewall,
    "/page.csv": _html_page,
    "/nohead.csv": _no_head,
    "/bare.csv": _bare,
    "/429": _too_many,
    "/503-retry": _busy,
    "/503": _broken,
    "/slow.csv": _slow,
    "/big.bin": _big,
    "/ranged.bin": _ranged,
    "/api/geocode": _json,
    "/api/error": _server_error,
    "/conc": _conc,
    "/loop-a": lambda h, m: h.redirect("/loop-b"),
    "/loop-b": lambda h, m: h.redirect("/loop-a"),
    "/to-private": lambda h, m: h.redirect("http://10.0.0.1/data.csv"),
    "/to-metadata": lambda h, m: h.redirect("http://169.254.169.254/latest/meta-data/"),
    "/to-file": lambda h, m: h.redirect("/file.csv"),
}


class ScriptedServer(QuietHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, family: int = socket.AF_INET) -> None:
        self.address_family = family
        super().__init__((host, 0), Handler)
        self.lock = threading.Lock()
        self.current = 0
        self.max_seen = 0
        self.hits: list[tuple[str, str]] = []

    @property
    def base(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"


def start(host: str = "127.0.0.1", family: int = socket.AF_INET) -> ScriptedServer:
    server = ScriptedServer(host, family)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
