"""A real site: the observe flow run twice against the sandbox plus a hostile DCAT
catalogue served over loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import yaml

from observatory.registry import parse_config
from observatory.sandbox.server import QuietHTTPServer

DATA = Path(__file__).parent / "data"


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map = {".ttl": "text/turtle"}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """A static file server on 127.0.0.1 (random port); yields its base URL."""
    server = QuietHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Observed:
    root: Path  # the reports folder
    db_url: str
    results: list[dict[str, Any]]


def observe_twice(sandbox: Any, tmp: Path) -> Observed:
    from flows.observe import observe

    with serve_folder(DATA) as base:
        data = yaml.safe_load(sandbox.config_text())
        data["database_url"] = f"sqlite:///{tmp / 'store.db'}"
        data["reports_dir"] = str(tmp / "reports")
        hostile = {"id": "hostile", "name": "Catalogue <hostile>", "kind": "dcat"}
        data["catalogues"] = data.get("catalogues", []) + [hostile | {"url": f"{base}/hostile.ttl"}]
        path = tmp / "datasets.yml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        parse_config(path.read_text(encoding="utf-8"), str(path), env={})
        results = [observe(str(path)), observe(str(path))]
    return Observed(tmp / "reports", data["database_url"], results)
