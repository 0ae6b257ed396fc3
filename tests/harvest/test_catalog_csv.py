"""data.gouv.fr bulk exports: the real rows joined, check:* kept, odd rows reported."""

from __future__ import annotations

import csv
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

from observatory.harvest.catalog_csv import find_exports, read_catalog_bytes, read_catalog_csv
from tests.harvest.conftest import CORPUS

EXPORTS = CORPUS / "udata-catalog-csv"


def _corpus_page():
    return read_catalog_csv(find_exports(EXPORTS), "dgf")


def test_folder_gives_the_datasets_resources_and_dataservices_exports() -> None:
    found = find_exports(EXPORTS)
    assert found == {
        "datasets": EXPORTS / "datasets_catalog.csv",
        "resources": EXPORTS / "resources_catalog.csv",  # the sibling, not the hydra sample
        "dataservices": EXPORTS / "dataservices_catalog.csv",
    }


def test_real_exports_are_joined_by_dataset_id() -> None:
    page = _corpus_page()
    with (EXPORTS / "datasets_catalog.csv").open(encoding="utf-8") as f:
        dataset_ids = [r[0] for r in list(csv.reader(f, delimiter=";"))[1:]]
    with (EXPORTS / "resources_catalog.csv").open(encoding="utf-8") as f:
        resources = list(csv.DictReader(f, delimiter=";"))
    assert sorted(d.source_id for d in page.datasets) == sorted(dataset_ids)
    assert sum(len(d.distributions) for d in page.datasets) == len(resources)
    by_id = {d.source_id: d for d in page.datasets}
    for row in resources:
        assert row["id"] in {x.source_id for x in by_id[row["dataset.id"]].distributions}


def test_dataset_fields_match_the_api_normalisation() -> None:
    ds = next(d for d in _corpus_page().datasets if d.source_id == "5b3cc551c751df4822526c1c")
    assert ds.key == "dgf:5b3cc551c751df4822526c1c"
    assert ds.title == "Jours fériés en France" and ds.slug == "jours-feries-en-france"
    assert ds.organization_key == "dgf:646b7187b50b2a93b1ae3d45"
    assert ds.organization_name == "data.gouv.fr"
    assert ds.license == "Licence Ouverte / Open Licence version 2.0"
    assert ds.frequency == "unknown"
    assert (ds.temporal_start, ds.temporal_end) == (date(1950, 1, 1), date(2050, 12, 31))
    assert ds.spatial == "France, granularity: other"
    assert ds.keywords == ["calendrier", "code-du-travail", "jours", "jours-feries", "vacances"]
    assert ds.metadata_modified == datetime(2025, 5, 12, 10, 26, 21, 194000, tzinfo=UTC)
    assert ds.modified == datetime(2025, 1, 2, 14, 25, 45, tzinfo=UTC)  # latest resource
    assert ds.extras["modified_from"] == "resources"
    assert ds.quality == {"score": 0.78}
    assert ds.metrics["views"] == 353899 and ds.metrics["followers"] == 16


def test_resource_extras_keep_platform_checks() -> None:
    ds = next(d for d in _corpus_page().datasets if d.source_id == "5b3cc551c751df4822526c1c")
    ics = next(d for d in ds.distributions if d.format == "ics")
    assert ics.key == "dgf:5b3cc551c751df4822526c1c:15366b3e-70ec-4fe5-8ed4-2cd6cf28b38b"
    assert ics.url.endswith("jours_feries_metropole.ics")
    assert ics.extras["check:available"] is True
    assert ics.extras["check:status"] == 200
    assert ics.extras["analysis:mime-type"] == "text/calendar"
    assert ics.extras["downloads"] == 33243821
    assert ics.modified == datetime(2025, 1, 2, 14, 25, 45, tzinfo=UTC)


def test_short_real_row_is_realigned_and_reported() -> None:
    page = _corpus_page()
    ds = next(d for d in page.datasets if d.source_id == "60232259b50cb565807ce5b2")
    assert ds.keywords == ["economie", "plan-de-relance"]
    assert ds.quality == {"score": 0.56}
    assert ds.extras["harvest"]["backend"] == "DCAT"
    assert ds.metadata_modified == datetime(2022, 4, 8, 17, 7, 56, 724000, tzinfo=UTC)
    assert ds.metrics["views"] == 2898
    problems = [e for e in page.errors if "row 4" in e.message]
    assert len(problems) == 1 and "37 fields for 40 columns" in problems[0].message


def test_dataservices_link_their_datasets() -> None:
    services = {s.source_id: s for s in _corpus_page().services}
    tabular = services["673b0e6774a23d9eac2af8ce"]
    assert tabular.endpoint_url == "https://tabular-api.data.gouv.fr/api/"
    assert tabular.dataset_keys == ["dgf:5ce889a29ce2e74e000dbf38"]
    assert len(services["669072c71f100ac2481ff6c7"].dataset_keys) > 1


def test_resources_without_datasets_export_make_datasets() -> None:
    page = read_catalog_csv({"resources": EXPORTS / "hydra-resources-catalog-sample.csv"}, "dgf")
    assert sorted(d.source_id for d in page.datasets) == [
        "601ddcfc85a59c3a45c2435a",
        "601ddcfc85a59c3a45c2435b",
    ]
    assert all(len(d.distributions) == 1 for d in page.datasets)
    assert all(d.extras["from_resources_export_only"] for d in page.datasets)


def test_datasets_file_finds_its_sibling(tmp_path: Path) -> None:
    shutil.copy(EXPORTS / "datasets_catalog.csv", tmp_path / "export-dataset-20250101.csv")
    shutil.copy(EXPORTS / "resources_catalog.csv", tmp_path / "export-resource-20250101.csv")
    found = find_exports(tmp_path / "export-dataset-20250101.csv")
    assert found["resources"] == tmp_path / "export-resource-20250101.csv"


def test_bad_rows_and_extras_are_errors_not_crashes() -> None:
    datasets = b'"id";"title";"slug";"frequency"\n"a";"A";"a";"daily"\n"b";"B";"b";"x";"extra"\n'
    resources = (
        b'"dataset.id";"id";"url";"format";"extras"\n'
        b'"a";"r1";"https://x/1.csv";"CSV";"{not json"\n'
        b'"";"r2";"https://x/2.csv";"csv";""\n'
        b'"a";"r3";"https://x/3.csv";"csv";"{\'check:available\': False}"\n'
    )
    page = read_catalog_bytes(
        {"datasets": ("d.csv", datasets), "resources": ("r.csv", resources)}, "c"
    )
    assert [d.source_id for d in page.datasets] == ["a"]
    dists = page.datasets[0].distributions
    assert [d.source_id for d in dists] == ["r1", "r3"]
    assert dists[0].format == "csv"
    assert dists[1].extras["check:available"] is False  # Python-literal extras still read
    messages = " | ".join(e.message for e in page.errors)
    assert "d.csv row 3: 5 fields for 4 columns; row skipped" in messages
    assert "extras are not JSON" in messages
    assert "resource r2 has no dataset.id" in messages
