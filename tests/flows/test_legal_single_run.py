"""After a single observe run (real Prefect flow, sandbox portal on loopback), no
availability obligation is declared breached, nor met: one run cannot prove a month."""

from __future__ import annotations

import csv
import json

import pytest
from test_observe import _config_file

from observatory.storage.store import Store

UNDECIDED = {"insufficient", "in_progress"}
AVAILABILITY = ("file_availability", "api_availability")


@pytest.fixture(scope="module")
def one_run(sandbox, tmp_path_factory):
    from flows.observe import observe

    tmp = tmp_path_factory.mktemp("legal")
    result = observe(str(_config_file(sandbox, tmp)))
    return tmp, result


def test_stored_and_published_availability_obligations_are_undecided(one_run) -> None:
    tmp, result = one_run
    store = Store(f"sqlite:///{tmp / 'store.db'}")
    try:
        snapshot = store.load_snapshot(result["run_id"])
    finally:
        store.close()
    spdr = [s for s in snapshot.scores.values() if s.legal]
    assert len(spdr) == 9
    for score in spdr:
        for key in AVAILABILITY:
            assert score.legal[key] in UNDECIDED | {None}, (score.dataset_key, score.legal)
        assert score.legal["file_availability"] in UNDECIDED
    assert snapshot.probes, "the run probed files"
    reports = tmp / "reports"
    day = next(p for p in (reports / "editions").iterdir() if p.is_dir())
    record = json.loads((day / "edition.json").read_text("utf-8"))
    assert len(record["datasets"]) == 9
    for item in record["datasets"]:
        for key in AVAILABILITY:
            assert item["legal"].get(key) in UNDECIDED | {None}, (item["spdr"], item["legal"])
    apis = [i for i in record["datasets"] if i["legal"].get("api_availability") is not None]
    assert apis, "SPDR APIs are declared in the sandbox configuration"
    with (reports / "data" / "compliance.csv").open(encoding="utf-8", newline="") as fh:
        grid = [r for r in csv.DictReader(fh) if r["obligation"] in AVAILABILITY]
    assert grid and {r["verdict"] for r in grid} <= UNDECIDED
    months = sorted({r["month"] for r in grid})
    assert {r["verdict"] for r in grid if r["month"] == months[-1]} == {"in_progress"}
    page = (day / "index.html").read_text("utf-8")
    assert "Grille de conformité sur douze mois" in page
    for label in ("Disponibilité de chaque fichier", "Disponibilité de chaque API"):
        assert f"{label} (≥ 99 % par mois) : non respectée" not in page
        assert f"{label} (≥ 99,5 % par mois) : non respectée" not in page
    index = (reports / "index.html").read_text("utf-8")
    assert "par mois) : non respectée" not in index
    assert "par mois) : données insuffisantes" in index


def test_the_run_records_the_structure_of_validated_spdr_files(one_run) -> None:
    from sqlalchemy import create_engine, text

    tmp, _ = one_run
    engine = create_engine(f"sqlite:///{tmp / 'store.db'}")
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT spdr, structure FROM file_structures")).all()
    finally:
        engine.dispose()
    assert rows, "validated SPDR files have their structure recorded"
    structure = json.loads(rows[0][1]) if isinstance(rows[0][1], str) else rows[0][1]
    assert structure["columns"] and structure["types"]
    store = Store(f"sqlite:///{tmp / 'store.db'}")
    try:  # one run: a first structure per file, no change yet
        assert not any(store.structure_changes([r[0] for r in rows]).values())
    finally:
        store.close()
