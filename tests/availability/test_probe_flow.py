"""The probe flow end to end: a real Prefect run against a small loopback server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import yaml

from observatory.model import Catalogue, CatalogueStatus, Dataset, Distribution
from observatory.sandbox.server import QuietHTTPServer
from observatory.storage.store import Store

BODY = b"siren,nom\n123456789,ACME\n"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", "Mon, 03 Mar 2025 10:00:00 GMT")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _route(self, head: bool) -> None:
        self.server.seen.append(self.path)  # type: ignore[attr-defined]
        if self.path == "/sirene.csv":
            self._send(200, BODY, "text/csv", head)
        elif self.path.startswith("/api/search"):
            doc = json.dumps({"results": [{"siren": "123456789"}]}).encode()
            self._send(200, doc, "application/json", head)
        else:
            self._send(404, b"not found", "text/plain", head)

    def do_HEAD(self) -> None:  # noqa: N802
        self._route(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._route(head=False)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
    httpd.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def _config(tmp: Path, base: str) -> Path:
    data = {
        "portal": {"url": base},
        "settings": {"allowed_networks": ["127.0.0.0/8"], "timeouts": {"total": 10}},
        "database_url": f"sqlite:///{tmp / 'store.db'}",
        "spdr": [
            {
                "key": "sirene",
                "name": "Base Sirene",
                "id": "5b7ffc618b4c4169d30727e0",
                "slug": "base-sirene",
                "producer": "INSEE",
                "periodicity": "daily_working",
                "apis": [
                    {
                        "name": "recherche",
                        "url": f"{base}/api/search?q=acme",
                        "expect": {"json_path": "results[0].siren", "equals": "123456789"},
                    }
                ],
            }
        ],
    }
    path = tmp / "datasets.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _observe_run(db_url: str, base: str) -> None:
    """An earlier observe run: one SPDR dataset and one ordinary dataset."""
    sirene = Dataset(
        key="data-gouv-fr:sirene",
        catalogue_id="data-gouv-fr",
        source_id="sirene",
        title="Base Sirene",
        spdr="sirene",
        distributions=[
            Distribution(key="d1", url=f"{base}/sirene.csv", format="csv"),
            Distribution(key="d2", url=f"{base}/gone.csv", format="csv"),
            Distribution(key="d3", url=f"{base}/doc.html", type="documentation"),
        ],
    )
    other = Dataset(
        key="data-gouv-fr:other",
        catalogue_id="data-gouv-fr",
        source_id="other",
        title="Autre",
        distributions=[Distribution(key="d4", url=f"{base}/other.csv")],
    )
    catalogue = Catalogue(
        id="data-gouv-fr", name="data.gouv.fr", kind="udata", url=base, datasets=[sirene, other]
    )
    status = CatalogueStatus(
        id="data-gouv-fr", name="data.gouv.fr", kind="udata", url=base, ok=True, dataset_count=2
    )
    with Store(db_url) as store:
        run = store.start_run("observe")
        store.save_catalogue(run, catalogue, status)
        store.finish_run(run, "ok", {})


def test_probe_flow_probes_spdr_files_and_apis_and_stores_a_probe_run(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.probe import probe

    monkeypatch.delenv("OBSERVATORY_DATABASE_URL", raising=False)
    monkeypatch.delenv("OBSERVATORY_ALLOWED_NETWORKS", raising=False)
    config = _config(tmp_path, server)
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    _observe_run(db_url, server)

    result = probe(str(config), keep_raw_days=30)

    summary = result["summary"]
    assert summary["files"] == 2  # documentation and the non-SPDR dataset are left out
    assert summary["apis"] == 1
    assert summary["outcomes"] == {"down": 1, "up": 2}
    assert summary["failing"] == [f"{server}/gone.csv"]
    assert summary["retention"]["deleted"] == 0  # everything is recent
    with Store(db_url) as store:
        run = store.list_runs(kind="probe")[0]
        assert (run.id, run.status) == (result["run_id"], "ok")
        probes = {p.url: p for p in store.load_snapshot(run.id).probes}
        assert set(probes) == {
            f"{server}/sirene.csv",
            f"{server}/gone.csv",
            f"{server}/api/search?q=acme",
        }
        assert probes[f"{server}/gone.csv"].status == 404
        assert probes[f"{server}/api/search?q=acme"].target == "api"
        assert run.finished_at is not None
        report = store.availability(f"{server}/sirene.csv", run.finished_at)
        assert report["last_probe"]["outcome"] == "up"
        before = store.availability(f"{server}/sirene.csv", run.started_at - timedelta(seconds=1))
        assert before["last_probe"] is None  # as of a time before the run, no probe yet
