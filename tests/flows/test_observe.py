"""The observe flow end to end: a real Prefect run against the sandbox portal over loopback."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from observatory.registry import parse_config
from observatory.storage.store import Store

SPDR_NAMES = ("Sirene", "RNA", "PCI", "RPG", "RGE", "BAN", "organisation", "ROME", "COG")


def _config_file(sandbox, tmp_path: Path, extra_catalogues: list[dict] | None = None) -> Path:
    data = yaml.safe_load(sandbox.config_text())
    data["database_url"] = f"sqlite:///{tmp_path / 'store.db'}"
    data["reports_dir"] = str(tmp_path / "reports")
    data["catalogues"] = data.get("catalogues", []) + (extra_catalogues or [])
    path = tmp_path / "datasets.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    parse_config(path.read_text(encoding="utf-8"), str(path), env={})
    return path


@pytest.fixture(scope="module")
def two_runs(sandbox, tmp_path_factory):
    from flows.observe import observe

    tmp = tmp_path_factory.mktemp("observe")
    # A catalogue whose host refuses connections: the run must complete and say so.
    dead = {
        "id": "dead",
        "name": "Catalogue injoignable",
        "kind": "dcat",
        "url": "http://127.0.0.1:9/catalog.jsonld",
    }
    path = _config_file(sandbox, tmp, [dead])
    first = observe(str(path))
    second = observe(str(path))
    return tmp, first, second


def test_index_names_the_nine_spdr_datasets_with_four_pillar_scores(two_runs) -> None:
    tmp, _, second = two_runs
    index = (tmp / "reports" / "index.html").read_text(encoding="utf-8")
    for name in SPDR_NAMES:
        assert name in index, name
    for pillar in ("Complétude", "Fraîcheur", "Conformité", "Disponibilité"):
        assert pillar.lower() in index.lower()
    assert second["summary"]["spdr_datasets"] == 9


def test_second_run_is_added_to_history_and_pages_show_change(two_runs) -> None:
    tmp, first, second = two_runs
    store = Store(f"sqlite:///{tmp / 'store.db'}")
    runs = store.list_runs(kind="observe")
    store.close()
    assert [r.id for r in runs][:2] == [second["run_id"], first["run_id"]]
    pages = list((tmp / "reports" / "datasets").glob("*.html"))
    assert pages
    text = " ".join(p.read_text(encoding="utf-8") for p in pages)
    assert re.search(r"précédent", text, re.IGNORECASE)


def test_unreachable_catalogue_is_recorded_and_reported(two_runs) -> None:
    tmp, _, second = two_runs
    assert "dead" in second["summary"]["failed_sources"]
    index = (tmp / "reports" / "index.html").read_text(encoding="utf-8")
    assert "Catalogue injoignable" in index
    assert "échec" in index.lower()


def test_faults_are_found(two_runs) -> None:
    _, _, second = two_runs
    outcomes = second["summary"]["outcomes"]
    assert outcomes.get("up", 0) > 0
    assert outcomes.get("down", 0) >= 2  # the 404 file, the lying HEAD, the firewall page
    assert second["summary"]["invalid_files"] >= 1  # the CSV that breaks its schema


def test_no_criterion_crashed_and_each_fault_has_its_outcome(two_runs, sandbox) -> None:
    tmp, _, second = two_runs
    store = Store(f"sqlite:///{tmp / 'store.db'}")
    snapshot = store.load_snapshot(second["run_id"])
    store.close()
    crashed = [
        (key, r.criterion_id)
        for key, score in snapshot.scores.items()
        for r in score.results
        if r.evidence.get("reason") == "erreur interne"
    ]
    assert crashed == []
    by_path = {urlsplit(p.url).path: p for p in snapshot.probes}

    def outcome(fault: str) -> str:
        return by_path[urlsplit(sandbox.fault_url(fault)).path].outcome

    assert outcome("lying-head") == "down"
    assert outcome("firewall") == "down"
    assert outcome("not-found") == "down"
    assert outcome("rate-limited") == "unknown"
    assert outcome("redirect-loop") == "down"
