"""Incremental observe runs against the sandbox portal, on SQLite and PostgreSQL.

An unchanged re-run copies datasets and scores from the previous run and gives the same
scores; files probed less than ``reprobe_after`` ago are not requested again, older ones
are asked conditionally; datasets the portal changes are scored again; a dataset the
portal withdraws is kept, marked deleted, with its history; an incomplete harvest marks
nothing deleted and loses nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import create_engine, select

from observatory.model import Snapshot
from observatory.pipeline import probe_targets
from observatory.publish import paths
from observatory.sandbox.server import Sandbox
from observatory.sandbox.udata_data import DATASETS
from observatory.storage.models import DatasetRow
from observatory.storage.store import Store
from tests.storage import conftest as storage_fixtures

pg_server = storage_fixtures.pg_server
pg_url = storage_fixtures.pg_url
ROWS = "completeness.row_count"
SANDBOX_KEY = {d.key: f"sandbox:{d.id}" for d in DATASETS}  # sandbox name -> dataset key


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))


def write_config(sandbox: Sandbox, tmp: Path, url: str, **settings: Any) -> str:
    data = yaml.safe_load(sandbox.config_text())
    data["database_url"] = url
    data["reports_dir"] = str(tmp / "reports")
    data["settings"].update(settings)
    path = tmp / f"datasets-{len(list(tmp.glob('datasets-*.yml')))}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def snapshots(url: str, *runs: dict[str, Any]) -> list[Snapshot]:
    with Store(url) as store:
        assert store.integrity_check() == []
        return [store.load_snapshot(r["run_id"]) for r in runs]


def verdicts(snapshot: Snapshot, key: str) -> tuple[Any, ...]:
    """Criterion verdicts, without the row-count comparison (there is none on a first run)."""
    results = snapshot.scores[key].results
    return tuple((r.criterion_id, r.status, r.score) for r in results if r.criterion_id != ROWS)


def test_unchanged_rerun_is_carried_over_with_the_same_scores(
    sandbox: Sandbox, tmp_path: Path, store_url: str
) -> None:
    from flows.observe import observe

    config = write_config(sandbox, tmp_path, store_url)
    first = observe(config, publish_site=False)
    # the first run's clock: a tenth of a day late passing between the two runs (every
    # 2.4 hours) rightly scores a late dataset again (tests/flows/test_carry_horizon.py)
    second = observe(config, publish_site=False, now=first["summary"]["clock"])
    n = first["summary"]["datasets"]
    inc1, inc = first["summary"]["incremental"], second["summary"]["incremental"]
    assert inc1["new"] == n and inc1["scored"] == n and inc1["probes_reused"] == 0
    assert inc["unchanged"] == n and inc["new"] == inc["changed"] == inc["deleted"] == 0
    assert inc["probes_reused"] > 0 and inc["probed"] < inc1["probed"]  # recent: not asked
    assert inc["validated"] == 0 and inc["validations_reused"] == inc1["validated"] > 0
    assert inc["scores_carried"] > 0 and inc["scored"] + inc["scores_carried"] == n
    assert second["summary"]["datasets"] == n and second["summary"]["deleted_datasets"] == 0

    a, b = snapshots(store_url, first, second)
    assert b.datasets == a.datasets  # every run holds the whole state, copied exactly
    assert set(b.scores) == set(a.scores)
    assert {p.url for p in b.probes} == {p.url for p in a.probes}
    spdr = {d.key for d in a.datasets if d.spdr}  # their API checks run every time
    schema = {d.key for d in a.datasets if any(x.schema for x in d.distributions)}
    for key in set(a.scores) - spdr - schema:
        assert b.scores[key] == a.scores[key], key  # carried: every criterion, its evidence
    for key in schema - spdr:  # scored again (row counts compared), same verdicts
        assert verdicts(b, key) == verdicts(a, key), key
    for key in spdr:  # scored again from the same reused probes: same verdicts on files
        files = [r for r in b.scores[key].results if r.criterion_id == "availability.files"]
        assert files == [
            r for r in a.scores[key].results if r.criterion_id == files[0].criterion_id
        ]


def test_rerun_past_reprobe_after_asks_conditionally_and_scores_the_same(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    from flows.observe import observe

    url = f"sqlite:///{tmp_path / 'store.db'}"
    config = write_config(sandbox, tmp_path, url, reprobe_after=0)
    first = observe(config, publish_site=False)
    second = observe(config, publish_site=False)
    inc = second["summary"]["incremental"]
    assert inc["probes_reused"] == 0 and inc["probed"] == first["summary"]["incremental"]["probed"]
    assert inc["not_modified"] > 0  # stored ETag / Last-Modified sent back, 304 received
    assert inc["validations_reused"] > 0 and inc["validated"] == 0  # 304: report kept
    a, b = snapshots(url, first, second)
    # new probes: every score computed again but those of datasets with no file to probe
    no_files = [d for d in a.datasets if not d.spdr and not probe_targets([d])]
    assert inc["scores_carried"] == len(no_files)
    spdr = {d.key for d in a.datasets if d.spdr}
    for key in set(a.scores) - spdr:  # a 304 is judged like the 200 it stands for
        assert verdicts(b, key) == verdicts(a, key), key


def _deleted_at(url: str, key: str) -> Any:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(DatasetRow.deleted_at).where(DatasetRow.key == key)).scalar()
    finally:
        engine.dispose()


def test_changed_are_scored_again_and_a_withdrawn_dataset_is_kept_marked_deleted(
    tmp_path: Path, store_url: str
) -> None:
    from flows.observe import observe

    rpg, cog, rapport, baignade = (SANDBOX_KEY[k] for k in ("rpg", "cog", "rapport", "baignade"))
    with Sandbox(port=0).start() as portal:
        config = write_config(portal, tmp_path, store_url)
        first = observe(config, publish_site=False)
        portal.state.generation = 2  # RPG and COG edited, the annual report withdrawn
        second = observe(config, publish_site=False, now=first["summary"]["clock"])
        third = observe(config, publish_site=True)
    inc = second["summary"]["incremental"]
    assert (inc["changed"], inc["deleted"], inc["new"]) == (2, 1, 0)
    assert second["summary"]["deleted_datasets"] == 1
    assert second["summary"]["datasets"] == first["summary"]["datasets"] - 1

    a, b, c = snapshots(store_url, first, second, third)
    licence = {r.criterion_id: r for r in b.scores[rpg].results}["conformity.license"]
    assert licence.status == "pass"  # scored again: the RPG gained a licence
    assert {r.criterion_id: r for r in a.scores[rpg].results}["conformity.license"].status != "pass"
    assert b.scores[cog] != a.scores[cog]
    assert b.scores[baignade] == a.scores[baignade]  # unchanged: carried over as it was
    gone = {d.key: d for d in b.datasets}[rapport]
    assert gone.deleted and gone.title == "Rapport annuel"
    assert rapport not in b.scores and rapport in a.scores
    with Store(store_url) as store:
        history = store.score_history(rapport)
    assert [run for run, *_ in history] == [first["run_id"]]  # its history is kept
    deleted_at = _deleted_at(store_url, rapport)
    assert deleted_at is not None and abs((deleted_at - b.run.started_at).total_seconds()) < 1

    inc3 = third["summary"]["incremental"]
    assert inc3["deleted"] == 0 and inc3["still_deleted"] == 1 and inc3["changed"] == 0
    assert [d.key for d in c.datasets if d.deleted] == [rapport]
    assert _deleted_at(store_url, rapport) == deleted_at  # the date it was first missed
    (source,) = [s for s in c.catalogues if s.id.startswith("sandbox")]
    page = (tmp_path / "reports" / paths.catalogue_page(source.id)).read_text(encoding="utf-8")
    assert "Rapport annuel" in page and "supprimé" in page


def test_incomplete_harvest_marks_nothing_deleted_and_loses_nothing(tmp_path: Path) -> None:
    from flows.observe import observe

    url = f"sqlite:///{tmp_path / 'store.db'}"
    rapport = SANDBOX_KEY["rapport"]
    with Sandbox(port=0).start() as portal:
        complete = write_config(portal, tmp_path, url, page_size=2)
        first = observe(complete, publish_site=False)
        portal.state.generation = 2  # the annual report is withdrawn
        # a page cap on the portal's organisation pages; the regional catalogue unreachable
        data = yaml.safe_load(
            Path(write_config(portal, tmp_path, url, page_size=2, max_pages=1)).read_text()
        )
        data["catalogues"][0]["url"] = "http://127.0.0.1:9/catalogue/catalog.jsonld"
        cut = tmp_path / "cut.yml"
        cut.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        second = observe(str(cut), publish_site=False)
        third = observe(complete, publish_site=False)
    inc = second["summary"]["incremental"]
    assert inc["deleted"] == 0 and inc["unseen"] > 0
    reasons = " ".join(inc["deletions_skipped"])
    assert "catalogue-aura" in reasons and "sandbox" in reasons
    a, b = snapshots(url, first, second)
    assert {d.key for d in b.datasets} == {d.key for d in a.datasets}  # nothing dropped
    assert not any(d.deleted for d in b.datasets)
    assert set(b.scores) == set(a.scores)  # the unseen keep their last known score
    aura = [k for k in a.scores if k.startswith("catalogue-aura:")]
    assert aura and all(b.scores[k] == a.scores[k] for k in aura)
    assert third["summary"]["incremental"]["deleted"] == 1  # complete again: now it counts
    (c,) = snapshots(url, third)
    assert [d.key for d in c.datasets if d.deleted] == [rapport]
