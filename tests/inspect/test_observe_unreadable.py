"""Files the fast path once mishandled, served by a sandbox portal to a real observe run.

Each schema'd resource of the sandbox serves one troublesome file; the fast path is forced
on for every file (threshold 0) so the large-file code runs on small files. Each file must
end up as a finding on its resource, equal to what frictionless reports on the same bytes,
and the run must complete.
"""

from __future__ import annotations

import gzip
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from observatory.inspect import tabular
from observatory.inspect.tabular import validate_table
from observatory.registry import parse_config
from observatory.sandbox import files, tables
from observatory.sandbox.schemas import SCHEMAS
from observatory.storage.store import Store

SIRENE = "/static/sirene/StockEtablissement_extrait.csv"
COG = "/static/cog/v_commune_2024.csv"
IRVE = "/static/mte/irve-statique.csv"
RNA = "/static/rna/rna_waldec_extrait.csv"
GREEK = ["Αθήνα", "Θεσσαλονίκη", "Πάτρα", "Ηράκλειο", "Λάρισα", "Βόλος", "Ιωάννινα", "Χανιά"]


def cr_only() -> bytes:
    """The Sirene extract with CR-only line endings (old Mac style)."""
    return files.to_csv(tables.sirene_etablissements()).replace(b"\n", b"\r")


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def greek_cp1253() -> bytes:
    """COG communes with Greek names, one a bad TYPECOM, encoded in Windows-1253."""
    columns, rows = tables.cog_communes()
    rows = [[ascii_fold(str(cell)) for cell in r] for r in rows]  # Greek has no French accents
    for i, row in enumerate(rows):
        row[columns.index("LIBELLE")] = GREEK[i % len(GREEK)]
    rows[1][columns.index("TYPECOM")] = "ΚΟΙΝ"
    return files.to_csv((columns, rows)).decode("utf-8").encode("cp1253")


def broken_gzip() -> bytes:
    return gzip.compress(files.to_csv(tables.rna_waldec()))[:40] + b"\x00garbage" * 8


SERVED = {SIRENE: cr_only(), COG: greek_cp1253(), IRVE: b"", RNA: broken_gzip()}
SCHEMA_OF = {
    SIRENE: "insee/sirene-etablissements",
    COG: "insee/cog-communes",
    IRVE: "etalab/schema-irve-statique",
    RNA: "interieur/rna-waldec",
}


@pytest.fixture(scope="module")
def observed(tmp_path_factory):
    from flows.observe import observe
    from observatory.sandbox.server import Sandbox

    tmp: Path = tmp_path_factory.mktemp("observe-unreadable")
    patch = pytest.MonkeyPatch()
    for path, data in SERVED.items():
        patch.setitem(files.FILES, path, files.FileSpec("text/csv", lambda g, d=data: d))
    patch.setattr(tabular, "FAST_THRESHOLD", 0)
    files.file_bytes.cache_clear()
    try:
        with Sandbox(port=0).start() as portal:
            config = yaml.safe_load(portal.config_text())
            config["database_url"] = f"sqlite:///{tmp / 'store.db'}"
            config["reports_dir"] = str(tmp / "reports")
            path = tmp / "datasets.yml"
            path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
            parse_config(path.read_text(encoding="utf-8"), str(path), env={})
            result = observe(str(path))
    finally:
        patch.undo()
        files.file_bytes.cache_clear()
    store = Store(f"sqlite:///{tmp / 'store.db'}")
    snapshot = store.load_snapshot(result["run_id"])
    store.close()
    return result, {urlsplit(v.url).path: v for v in snapshot.validations}


def reference(path: str):
    """frictionless's report on the same bytes (the default threshold keeps it in charge)."""
    return validate_table(SERVED[path], SCHEMAS[SCHEMA_OF[path]])


def view(report):
    return [(e.type, e.row, e.field, e.message) for e in report.errors]


def test_run_completes_with_every_troublesome_file_reported(observed) -> None:
    result, reports = observed
    assert result["run_id"]
    assert set(SERVED) <= set(reports)


def test_cr_only_line_endings_are_read_by_the_fast_path(observed) -> None:
    _, reports = observed
    report = reports[SIRENE]
    assert report.fatal is None and report.stats["engine"] == "fast"
    assert report.row_count == reference(SIRENE).row_count > 0
    assert view(report) == view(reference(SIRENE))


def test_windows_1253_greek_file_reads_right(observed) -> None:
    _, reports = observed
    report = reports[COG]
    assert report.stats["encoding"] == "cp1253"
    assert report.stats["engine"] == "fast"
    assert view(report) == view(reference(COG))
    assert [e.type for e in report.errors] == ["constraint-error"]
    assert '"ΚΟΙΝ"' in report.errors[0].message


def test_zero_byte_csv_is_a_source_error(observed) -> None:
    _, reports = observed
    report = reports[IRVE]
    assert [e.type for e in report.errors] == ["source-error"]
    assert not report.valid and report.fatal
    assert view(report) == view(reference(IRVE))


def test_unreadable_archive_is_a_finding_on_its_resource(observed) -> None:
    _, reports = observed
    report = reports[RNA]
    assert not report.valid
    assert "gzip" in (report.fatal or "")
