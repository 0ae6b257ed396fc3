"""The sandbox portal: a deterministic loopback stand-in for data.gouv.fr and the producers.

One ``ThreadingHTTPServer`` on 127.0.0.1 plays the udata portal; ``host_count`` more on
127.0.0.2, 127.0.0.3… (same port) play the producer hosts that serve files, APIs, the
regional DCAT catalogue and Table Schemas. ``generation`` moves the demo along between runs.

    with Sandbox(port=0).start() as sandbox:
        requests.get(sandbox.portal_url + "/api/1/datasets/?badge=spd")
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from observatory.sandbox import apis, dcat_catalog, faults, files, udata_api
from observatory.sandbox.common import Response, not_found
from observatory.sandbox.config import config_text
from observatory.sandbox.schemas import SCHEMAS
from observatory.sandbox.state import SandboxState


def producer_response(
    state: SandboxState, path: str, query: dict[str, str], accept: str | None
) -> Response:
    """Answer a request to a producer host: faults first, then APIs, catalogue, files."""
    fault = faults.fault_response(state, path)
    if fault is not None:
        return fault
    error, delay = faults.api_fault(state, path)
    if error is not None:
        return error
    answer = apis.api_response(state, path, query)
    if answer is not None:
        answer.delay = delay
        return answer
    if path.startswith("/catalogue/catalog"):
        return dcat_catalog.catalog_response(state, path, query, accept)
    if path.startswith("/schemas/") and path.endswith("/schema.json"):
        name = "/".join(path.split("/")[2:-2])
        if name in SCHEMAS:
            return Response(200, json.dumps(SCHEMAS[name], ensure_ascii=False, indent=2).encode())
        return not_found("Schema not found")
    if path.startswith("/catalogue/files/") and "/manquant-" not in path:
        return _file(state, path, 30)
    if path in files.FILES and not files.generation_gone(path, state.generation):
        return _file(state, path, udata_api.file_ages(state.generation).get(path, 10))
    return Response(404, b"Not Found", "text/plain; charset=utf-8")


def _file(state: SandboxState, path: str, days_ago: int) -> Response:
    data = files.file_bytes(path, state.generation)
    headers = {"Last-Modified": state.clock.http_date(days_ago, 2), "ETag": f'"{files.sha1(data)}"'}
    return Response(200, data, files.content_type(path), headers)


def portal_response(
    state: SandboxState,
    path: str,
    query: dict[str, str],
    accept: str | None,
    fields: str | None = None,
) -> Response:
    if path.startswith("/api/1/site/catalog"):
        return dcat_catalog.catalog_response(state, path, query, accept)
    rdf = dcat_catalog.dataset_rdf_response(state, path, query, accept)
    if rdf is not None:
        return rdf
    return udata_api.portal_response(state, path, query, fields)


class _Handler(BaseHTTPRequestHandler):
    """Routes every request to the portal or producer answerers; HEAD sends headers only."""

    protocol_version = "HTTP/1.1"
    server_version = "observatory-sandbox/1.0"
    state: SandboxState
    is_portal: bool = False

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._serve(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(head=True)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(min(length, 1_000_000))
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        accept = self.headers.get("Accept")
        try:
            if self.is_portal:
                fields = self.headers.get("X-Fields")
                response = portal_response(self.state, parts.path, query, accept, fields)
            else:
                response = producer_response(self.state, parts.path, query, accept)
        except Exception as exc:  # a bug in the sandbox must not hang the client
            response = Response(500, f"sandbox error: {exc!r}".encode(), "text/plain")
        if response.delay:
            time.sleep(response.delay)
        if head and response.head_override is not None:
            response = response.head_override
        etag = response.headers.get("ETag")
        if etag and self.headers.get("If-None-Match") == etag:
            response = Response(304, b"", response.content_type, {"ETag": etag})
        self.send_response(response.status)
        if response.content_type:  # an empty type sends none (a HEAD without a type)
            self.send_header("Content-Type", response.content_type)
        headers = {"Content-Length": str(len(response.body))} | response.headers
        for name, value in headers.items():
            if value:  # an empty value removes the header (the lying HEAD sends no length)
                self.send_header(name, value)
        self.end_headers()
        if not head and response.status != 304:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the sandbox serves tests and demos, not an access log."""


class QuietHTTPServer(ThreadingHTTPServer):
    """A client hanging up (a probe that stops after the headers, a command interrupted) is
    no fault of the server's: it is not reported with a traceback on stderr."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class Sandbox:
    """Loopback portal plus producer hosts; start() binds them, stop() closes them."""

    def __init__(
        self,
        port: int = 0,
        generation: int = 0,
        host_count: int = 4,
        slow_seconds: float = 1.5,
        fail_every: int = 3,
    ) -> None:
        self.port = port
        self.generation = generation
        self.host_count = max(1, host_count)
        self.slow_seconds = slow_seconds
        self.fail_every = fail_every
        self.portal_url = ""
        self.hosts: list[str] = []
        self.allowed_networks = ["127.0.0.0/8"]
        self.state: SandboxState | None = None
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []

    def start(self) -> Sandbox:
        """Bind the portal and producer hosts on one port (retrying when it is taken)."""
        for attempt in range(20):
            try:
                self._bind(self.port)
                break
            except OSError:
                self._close()
                if self.port != 0 or attempt == 19:
                    raise
        port = self._servers[0].server_address[1]
        self.portal_url = f"http://127.0.0.1:{port}"
        self.hosts = [f"http://127.0.0.{i + 2}:{port}" for i in range(self.host_count)]
        self.state = SandboxState(
            self.portal_url,
            self.hosts,
            self.generation,
            slow_seconds=self.slow_seconds,
            fail_every=self.fail_every,
        )
        for index, server in enumerate(self._servers):
            handler = type("Handler", (_Handler,), {"state": self.state, "is_portal": index == 0})
            server.RequestHandlerClass = handler
            thread = threading.Thread(
                target=server.serve_forever,
                args=(0.1,),
                daemon=True,
                name=f"sandbox-{index}",
            )
            thread.start()
            self._threads.append(thread)
        return self

    def _bind(self, port: int) -> None:
        first = QuietHTTPServer(("127.0.0.1", port), _Handler)
        self._servers.append(first)
        port = first.server_address[1]
        for i in range(self.host_count):
            self._servers.append(QuietHTTPServer((f"127.0.0.{i + 2}", port), _Handler))
        for server in self._servers:
            server.daemon_threads = True

    def _close(self) -> None:
        for server in self._servers:
            server.server_close()
        self._servers = []

    def stop(self) -> None:
        """Shut every server down (in parallel: each waits for its poll interval)."""
        stoppers = [threading.Thread(target=s.shutdown, daemon=True) for s in self._servers]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join(timeout=5)
        self._close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []

    def __enter__(self) -> Sandbox:
        return self if self._servers else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _require_state(self) -> SandboxState:
        if self.state is None:
            raise RuntimeError("the sandbox is not started")
        return self.state

    def fault_url(self, name: str) -> str:
        """The absolute URL of a scripted fault (see faults.FAULTS)."""
        state = self._require_state()
        return state.base(faults.FAULT_ROLES[name]) + faults.FAULTS[name]

    def url(self, role: str, path: str) -> str:
        """Absolute URL of ``path`` on the host playing ``role`` (portal, static, apis…)."""
        return self._require_state().base(role) + path

    def reset_counters(self) -> None:
        self._require_state().reset()

    def config_text(self) -> str:
        """A datasets.yml (sandbox variant) watching this sandbox; valid for parse_config."""
        return config_text(self._require_state())


def serve_forever(port: int, generation: int = 0) -> None:
    """Serve the sandbox until interrupted (``observatory sandbox --port N``)."""
    with Sandbox(port=port, generation=generation).start() as sandbox:
        print(f"Portail udata : {sandbox.portal_url}  (génération {generation})")
        for host in sandbox.hosts:
            print(f"Hôte producteur : {host}")
        print(f"Catalogue régional : {sandbox.url('catalogue', '/catalogue/catalog.jsonld')}")
        for name in faults.FAULTS:
            print(f"Panne « {name} » : {sandbox.fault_url(name)}")
        print("Ctrl-C pour arrêter.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
