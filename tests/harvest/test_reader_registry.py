"""One harvest front door: every way of reading catalogues asks ``harvest.readers``.

Every kind of ``datasets.yml`` has a reader; ``observatory harvest``, ``observatory
check``, kind detection and the observe engine know the same kinds; a kind added as one
module and one registry line (``toy_reader``) is read by all of them with no other change;
a kind without a reader is an error naming the kind and the source, and the run goes on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from observatory.cli import main
from observatory.harvest import readers
from observatory.harvest.source import detect_kind
from observatory.net.fetch import HttpSettings
from observatory.observe import InProcessRunner, run_observe
from observatory.observe.harvest import harvest_external
from observatory.registry import DEFAULT_CONFIG, CatalogueEntry, load_config, parse_config
from observatory.storage.store import Store
from tests.harvest.conftest import DATA, Reply, Site
from tests.harvest.toy_reader import MAGIC

ALLOW = "127.0.0.0/8"
#: One small document of every built-in kind, as detection must tell it.
SAMPLES = {
    "csw": (DATA / "csw" / "geonetwork-iso19139-page-1.xml").read_bytes(),
    "ckan": json.dumps({"success": True, "result": {"count": 0, "results": []}}).encode(),
    "udata": json.dumps({"data": [], "next_page": None, "page": 1, "total": 0}).encode(),
    "dcat": b'{"@context": {"dcat": "http://www.w3.org/ns/dcat#"}, "@graph": []}',
    "catalog-csv": b"id;title;frequency;resources_count\r\nd1;Jeu;daily;1\r\n",
}


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The toy kind registered: its one registry line, undone after the test."""
    monkeypatch.setitem(readers.MODULES, "toy", "tests.harvest.toy_reader")
    monkeypatch.setenv("OBSERVATORY_ALLOWED_NETWORKS", ALLOW)
    yield "toy"


@pytest.fixture
def toy_site(site: Site) -> str:
    """A two-page toy catalogue and its files on loopback; returns the first page's URL."""
    site.add("/toy/a.csv", Reply(b"x,y\n1,2\n", "text/csv"))
    site.add("/toy/b.csv", Reply(b"x,y\n3,4\n", "text/csv"))
    page2 = f"{MAGIC}\ndataset|b|Jeu B|/toy/b.csv\n"
    site.add("/toy/page2", Reply(page2.encode(), "text/plain"))
    page1 = f"{MAGIC}\ndataset|a|Jeu A|/toy/a.csv\nnext|/toy/page2\n"
    return site.add("/toy/catalogue", Reply(page1.encode(), "text/plain"))


def _cli_kinds(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The kinds ``observatory harvest --help`` offers for ``--kind``."""
    with pytest.raises(SystemExit):
        main(["harvest", "--help"])
    found = re.search(r"--kind \{([^}]*)\}", capsys.readouterr().out)
    assert found is not None
    return found.group(1).split(",")


def test_every_kind_of_the_configurations_has_a_reader(sandbox) -> None:
    for config in (load_config(DEFAULT_CONFIG), parse_config(sandbox.config_text(), "sandbox")):
        for kind in [config.portal.kind, *(c.kind for c in config.catalogues)]:
            assert readers.reader(kind).kind == kind


def test_harvest_check_engine_and_detection_know_the_same_kinds(
    capsys: pytest.CaptureFixture[str], site: Site
) -> None:
    kinds = readers.kinds()
    assert _cli_kinds(capsys) == list(kinds)
    assert set(SAMPLES) == set(kinds)  # a new kind needs a sample here
    assert {kind: detect_kind("upload", body, None) for kind, body in SAMPLES.items()} == {
        k: k for k in kinds
    }
    config = load_config(DEFAULT_CONFIG)
    http = HttpSettings.from_settings(config.settings)
    for kind in kinds:  # the engine reads every kind (here a dead address: not "unsupported")
        entry = CatalogueEntry(id=f"c-{kind}", name=kind, kind=kind, url=site.url("/none"))
        catalogue = harvest_external(entry, config, http, InProcessRunner())
        assert catalogue.errors and "unsupported" not in {e.kind for e in catalogue.errors}


def test_a_toy_kind_is_read_by_harvest_through_the_cli(
    toy: str, toy_site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert toy in _cli_kinds(capsys)
    for extra in ([], ["--kind", toy]):  # detected by its structure, or given
        assert main(["harvest", toy_site, "--json", *extra]) == 0
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [d["title"] for d in lines] == ["Jeu A", "Jeu B"]
    saved = tmp_path / "catalogue.txt"
    saved.write_text(f"{MAGIC}\ndataset|c|Jeu C|https://x.test/c.csv\n", encoding="utf-8")
    assert main(["harvest", str(saved)]) == 0
    assert "(toy) : 1 jeux de données" in capsys.readouterr().out


def test_a_toy_kind_is_read_by_check(
    toy: str, toy_site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", toy_site, "--json"]) in (0, 1)
    result = json.loads(capsys.readouterr().out)
    assert result["kind"] == "catalogue"
    assert sorted(d["title"] for d in result["datasets"]) == ["Jeu A", "Jeu B"]


def _config_with(sandbox, tmp_path: Path, catalogues: list[dict[str, object]]) -> str:
    data = yaml.safe_load(sandbox.config_text())
    data["database_url"] = f"sqlite:///{tmp_path / 'store.db'}"
    data["reports_dir"] = str(tmp_path / "reports")
    data["catalogues"] += catalogues
    path = tmp_path / "datasets.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_the_engine_reads_a_toy_kind_and_goes_on_past_an_unknown_one(
    toy: str, toy_site: str, sandbox, tmp_path: Path
) -> None:
    path = _config_with(
        sandbox,
        tmp_path,
        [
            {"id": "jouet", "name": "Jouet", "kind": toy, "url": toy_site},
            {"id": "mystere", "name": "Mystère", "kind": "nope", "url": "https://x.test/c"},
        ],
    )
    config = load_config(path)
    with Store(config.database_url or "") as store:
        done = run_observe(config, store, runner=InProcessRunner())
        snapshot = store.load_snapshot(done.run_id)
    status = {c.id: c for c in snapshot.catalogues}
    assert done.status == "partial"
    assert done.summary["failed_sources"] == ["mystere"]
    (error,) = status["mystere"].errors
    assert "'nope'" in error.message and "mystere" in error.message
    assert error.url == "https://x.test/c" and error.kind == "unsupported"
    assert status["jouet"].ok and status["jouet"].dataset_count == 2
    assert status["sandbox"].ok and status["catalogue-aura"].ok
    toys = sorted(d.title for d in snapshot.datasets if d.catalogue_id == "jouet")
    assert toys == ["Jeu A", "Jeu B"]


def test_the_engine_reads_a_udata_portal_as_harvest_does(
    sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OBSERVATORY_ALLOWED_NETWORKS", ALLOW)
    assert main(["harvest", sandbox.portal_url, "--kind", "udata"]) == 0
    summary = capsys.readouterr().out.splitlines()[0]
    assert main(["harvest", sandbox.portal_url, "--kind", "udata", "--json"]) == 0
    keys = {json.loads(line)["key"] for line in capsys.readouterr().out.splitlines()}
    config = load_config(DEFAULT_CONFIG)
    http = HttpSettings.from_settings(config.settings)
    host = urlsplit(sandbox.portal_url).hostname or ""
    entry = CatalogueEntry(id=host, name=sandbox.portal_url, kind="udata", url=sandbox.portal_url)
    catalogue = harvest_external(entry, config, http, InProcessRunner())
    assert {d.key for d in catalogue.datasets} == keys and len(keys) > 10
    assert len(catalogue.services) > 0  # the portal's dataservices, as the CLI reads them
    distributions = sum(len(d.distributions) for d in catalogue.datasets)
    assert summary.endswith(
        f"(udata) : {len(keys)} jeux de données, {distributions} ressources, "
        f"{len(catalogue.services)} API, {catalogue.pages} page(s), "
        f"{len(catalogue.errors)} problème(s)"
    )
