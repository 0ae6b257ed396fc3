"""Structural changes of SPDR files: read by the real validator, stored run after run
(SQLite and PostgreSQL), listed with the date first seen."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from observatory.inspect.structure import Structure, changes, spdr_structures
from observatory.inspect.tabular import validate_table

from .factories import sirene_dataset

SCHEMA = {"fields": [{"name": "siren", "type": "string"}, {"name": "nom", "type": "string"}]}
BEFORE = b"siren,nom,effectif\n552100554,ACME,12\n732829320,BETA,3\n"
AFTER = b"siren,denomination,effectif\n552100554,ACME,12\n732829320,BETA,3\n"
DAY_1 = datetime(2025, 4, 7, 6, tzinfo=UTC)
DAY_2 = datetime(2025, 4, 8, 6, tzinfo=UTC)


def observe(store, when: datetime, data: bytes, version: str = "1.2.0"):
    dataset = sirene_dataset()
    dist = dataset.distributions[0]
    dist.schema = dataclasses.replace(dist.schema, version=version)
    report = validate_table(data, SCHEMA, url=dist.url, distribution_key=dist.key, fmt="csv")
    run = store.start_run("observe", when)
    written = store.record_structures(run, spdr_structures([dataset], [report]))
    store.finish_run(run, "ok", {})
    return written


def test_a_column_renamed_between_two_runs_is_a_dated_change(store) -> None:
    assert observe(store, DAY_1, BEFORE) == 1  # first structure seen: no change yet
    assert store.structure_changes(["sirene"]) == {"sirene": []}
    assert observe(store, DAY_1.replace(hour=18), BEFORE) == 0  # same structure: nothing new
    assert observe(store, DAY_2, AFTER) == 1
    found = store.structure_changes(["sirene"])["sirene"]
    assert len(found) == 1
    assert found[0]["first_seen"] == DAY_2
    assert found[0]["url"] == "https://files.example.fr/sirene/StockEtablissement_utf8.zip"
    assert found[0]["changes"] == [
        {"kind": "renamed", "text": "colonne « nom » renommée en « denomination »"}
    ]


def test_declared_schema_version_and_types_are_compared(store) -> None:
    observe(store, DAY_1, BEFORE)
    observe(store, DAY_2, BEFORE.replace(b",12\n", b",douze\n"), version="2.0.0")
    kinds = [c["kind"] for c in store.structure_changes(["sirene"])["sirene"][0]["changes"]]
    assert kinds == ["type", "schema"]


def test_an_older_run_never_rewrites_the_history(store) -> None:
    observe(store, DAY_2, AFTER)
    assert observe(store, DAY_1, BEFORE) == 0
    assert store.structure_changes(["sirene"]) == {"sirene": []}


def test_changes_by_hand() -> None:
    a = Structure(("a", "b", "c"), {"a": "integer", "b": "string"})
    b = Structure(("a", "c", "d"), {"a": "string", "c": "date"})
    # b's place is taken by c, which existed: b is removed and d added, not a rename
    assert [c["text"] for c in changes(a, b)] == [
        "colonne « b » supprimée",
        "colonne « d » ajoutée",
        "colonne « a » : type integer devenu string",
    ]
    renamed = Structure(("a", "x", "c"), {}, "s", "1")  # types unknown: not compared
    assert [c["kind"] for c in changes(a, renamed)] == ["renamed", "schema"]
    moved = Structure(("c", "a", "x"))
    assert [c["kind"] for c in changes(a, moved)] == ["removed", "added", "reordered"]
