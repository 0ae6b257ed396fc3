"""A synthetic udata portal generated on the fly: N datasets, R resources each, spread over
the hosts of a file farm; the nine SPDR datasets by id, each with a CSV under a Table Schema.

Runs in a child process (``Portal``); pages are computed from the dataset index, so memory
stays flat whatever N. Every answer carries an ETag and honours If-None-Match (304).
"""

from __future__ import annotations

import json
import multiprocessing as mp
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from observatory.sandbox.server import QuietHTTPServer

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "name", "type": "string"},
    ]
}
FREQUENCIES = ["daily", "weekly", "monthly", "quarterly", "annual", "irregular", "unknown"]


def dataset(i: int, n_res: int, bases: list[str], portal: str, spdr_id: str | None = None) -> dict:
    ident = spdr_id or f"{i:024x}"
    resources = []
    for j in range(n_res):
        base = bases[(i * n_res + j) % len(bases)]
        res: dict[str, Any] = {
            "id": f"{i:012x}{j:012x}",
            "title": f"Fichier {j} du jeu {i}",
            "url": f"{base}/f/{i}/{j}.csv",
            "format": "csv" if j % 3 else "json",
            "mime": "text/csv",
            "filesize": 500,
            "type": "main",  # every resource is a file to probe
            "last_modified": "2026-01-01T00:00:00",
            "description": "Description du fichier" if j % 2 else "",
            "extras": {},
        }
        if spdr_id and j == 1:
            res["schema"] = {"name": "bench", "url": f"{portal}/schemas/bench.json"}
        resources.append(res)
    return {
        "id": ident,
        "slug": f"jeu-{i}",
        "title": f"Jeu de données synthétique {i}",
        "description": "Un jeu de données du banc d'essai. " * (1 + i % 5),
        "organization": {"id": f"org{i % 500:021x}", "name": f"Organisation {i % 500}"},
        "license": "lov2" if i % 7 else "notspecified",
        "frequency": FREQUENCIES[i % len(FREQUENCIES)],
        "last_update": "2026-01-01T00:00:00",
        "last_modified": "2026-01-01T00:00:00",
        "created_at": "2020-01-01T00:00:00",
        "temporal_coverage": None if i % 4 else {"start": "2020-01-01", "end": "2025-12-31"},
        "spatial": None if i % 3 else {"zones": ["country:fr"], "granularity": "country"},
        "tags": ["banc", f"theme-{i % 20}"],
        "badges": [{"kind": "spd"}] if spdr_id else [],
        "resources": resources,
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Any

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        cfg = self.server.cfg
        parts = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path.rstrip("/")
        portal = f"http://127.0.0.1:{self.server.server_port}"
        if path == "/api/1/datasets":
            size = min(int(q.get("page_size", 100)), 1000)
            page = max(int(q.get("page", 1)), 1)
            first, total = (page - 1) * size, cfg["n"]
            data = [
                dataset(i, cfg["r"], cfg["bases"], portal)
                for i in range(first, min(first + size, total))
            ]
            nxt = f"{portal}/api/1/datasets/?page={page + 1}&page_size={size}"
            body = {"data": data, "page": page, "page_size": size, "total": total}
            body |= {"next_page": nxt if first + size < total else None, "previous_page": None}
            return self._json(body)
        if path.startswith("/api/1/datasets/"):
            ident = path.rsplit("/", 1)[1]
            if ident in cfg["spdr"]:
                k = cfg["spdr"].index(ident)
                return self._json(dataset(10**9 + k, 3, cfg["bases"], portal, spdr_id=ident))
            return self._json({"message": "not found"}, 404)
        if path.startswith("/api/1/dataservices"):
            return self._json(
                {
                    "data": [],
                    "page": 1,
                    "page_size": 20,
                    "total": 0,
                    "next_page": None,
                    "previous_page": None,
                }
            )
        if path == "/schemas/bench.json":
            return self._json(SCHEMA)
        return self._json({"message": "not found"}, 404)

    def _json(self, data: Any, status: int = 200) -> None:
        payload = json.dumps(data).encode()
        etag = f'"{hash(payload) & 0xFFFFFFFF:x}"'
        if status == 200 and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(payload)


def _serve(cfg: dict, conn: Any) -> None:
    server = QuietHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.cfg = cfg  # type: ignore[attr-defined]
    conn.send(server.server_port)
    server.serve_forever()


class Portal:
    """The synthetic portal in a child process."""

    def __init__(self, n: int, per_dataset: int, bases: list[str], spdr_ids: list[str]) -> None:
        self.cfg = {"n": n, "r": per_dataset, "bases": bases, "spdr": spdr_ids}

    def __enter__(self) -> Portal:
        ctx = mp.get_context("spawn")
        mine, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(self.cfg, theirs), daemon=True)
        self.process.start()
        self.url = f"http://127.0.0.1:{mine.recv()}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.join(timeout=5)
