"""Seeded generator of CSV files and schemas for the fast-path differential tests."""

from __future__ import annotations

import csv
import io
import random
from typing import Any

FIELDS: list[tuple[dict[str, Any], list[str], list[str]]] = [
    # (field descriptor, valid samples, broken samples)
    (
        {"type": "string", "constraints": {"required": True, "minLength": 2, "maxLength": 8}},
        ["ab", "Rennes", "Nîmes", "x y z"],
        ["a", "beaucoup trop long", "", "é"],
    ),
    (
        {"type": "string", "constraints": {"pattern": "^[0-9]{5}$"}},
        ["35000", "01000", "97400"],
        ["3500", "35000a", "٣٥٠٠٠", "35000\n", "x|y"],
    ),
    (
        {"type": "string", "constraints": {"pattern": "a|b"}},
        ["a", "b", "axx"],
        ["xb", "c"],
    ),
    (
        {"type": "string", "constraints": {"enum": ["tous", "abonnés", "10"]}},
        ["tous", "abonnés", "10"],
        ["Tous", "autre", " tous"],
    ),
    (
        {"type": "string", "format": "email"},
        ["a.b@example.fr", "x_y@mairie.gouv.fr"],
        ["pas-un-mail", "a@b", "A.B@Example.FR", "a..b@x.fr", "é@x.fr"],
    ),
    (
        {"type": "string", "format": "uri"},
        ["https://example.fr/a/b", "http://x.org"],
        ["example.fr", "HTTPS://X.FR/Été", "ftp://x", "mailto:a@b.fr"],
    ),
    (
        {"type": "string", "format": "uuid"},
        ["123e4567-e89b-12d3-a456-426614174000"],
        [
            "123e4567",
            "123E4567-E89B-12D3-A456-426614174000",
            "zzze4567-e89b-12d3-a456-426614174000",
        ],
    ),
    (
        {"type": "integer", "constraints": {"minimum": -5, "maximum": 100}},
        ["0", "-5", "100", "42", "007"],
        ["101", "-6", "1.5", "abc", " 3", "+4", "1_0", "99999999999999999999", "-"],
    ),
    (
        {"type": "integer", "bareNumber": False, "constraints": {"enum": [1, 2, 3]}},
        ["1", "2", "3"],
        ["4", "€1", "2 %", "x"],
    ),
    (
        {"type": "number", "constraints": {"minimum": 0, "maximum": 1.5}},
        ["0", "1.5", "0.25", "1.4999999999", "1.50"],
        ["1.5000000001", "-0.1", "2", "1e0", "NaN", "1,5", ".5", "abc", "Infinity"],
    ),
    (
        {"type": "number", "decimalChar": ",", "groupChar": " "},
        ["1,5", "1 234,5", "12", "-3,25"],
        ["1.5", "1 2 3", "x", "1,5,6"],
    ),
    ({"type": "number", "bareNumber": False}, ["12.5", "-3"], ["12 €", "€ 5", "%"]),
    (
        {"type": "boolean", "trueValues": ["vrai", "1"], "falseValues": ["faux", "0"]},
        ["vrai", "faux", "1", "0"],
        ["true", "Vrai", "2", "oui"],
    ),
    ({"type": "boolean"}, ["true", "False", "1", "0"], ["yes", "t", "VRAI"]),
    (
        {"type": "date", "constraints": {"minimum": "2000-01-01"}},
        ["2020-01-31", "2000-01-01", "2024-02-29"],
        ["1999-12-31", "2023-02-29", "2023-13-01", "2023-1-5", "31/01/2020", "2020-01-01T00:00:00"],
    ),
    (
        {"type": "date", "format": "%d/%m/%Y"},
        ["31/01/2020", "01/12/1999"],
        ["2020-01-31", "31/02/2020", "1/2/2020"],
    ),
    (
        {"type": "datetime"},
        ["2020-01-31T10:00:00", "2020-01-31T10:00:00Z", "2020-01-31T23:59:59"],
        ["2020-01-31 10:00:00", "2020-01-31T24:00:00", "2020-01-31", "2020-01-31T10:00:00+02:00x"],
    ),
    ({"type": "datetime", "format": "%d/%m/%Y %H:%M"}, ["31/01/2020 10:30"], ["31/01/2020"]),
    ({"type": "time"}, ["10:00:00", "23:59:59"], ["25:00:00", "10h00", "10:00"]),
    (
        {"type": "year", "constraints": {"minimum": 1900}},
        ["2020", "1900", "0999"[1:] + "9"],
        ["1899", "20", "20201", "abcd", " 202"],
    ),
    ({"type": "yearmonth"}, ["2020-01", "1999-12"], ["2020-13", "2020-1", "2020"]),
    ({"type": "geopoint"}, ["2.35,48.85", "-1.5, 47.2"], ["200,10", "x,y", "2.35"]),
    ({"type": "string", "constraints": {"unique": True}}, [], []),
    ({"type": "integer", "constraints": {"unique": True}}, [], []),
    ({"type": "number", "constraints": {"unique": True}}, [], []),
]


def make_case(seed: int) -> tuple[dict[str, Any], bytes]:
    """A random schema (4-7 fields, maybe a primary key) and a CSV with a few broken rows."""
    rnd = random.Random(seed)
    picks = rnd.sample(range(len(FIELDS)), rnd.randint(3, 6))
    fields, samples = [], []
    for k, i in enumerate(picks):
        descriptor, good, bad = FIELDS[i]
        fields.append({"name": f"f{k}", **descriptor})
        samples.append((good, bad, descriptor))
    fields.insert(0, {"name": "id", "type": rnd.choice(["integer", "string"])})
    schema: dict[str, Any] = {"fields": fields, "missingValues": rnd.choice([[""], ["", "NA"]])}
    if rnd.random() < 0.6:
        schema["primaryKey"] = ["id"] if rnd.random() < 0.6 else ["id", "f0"]
    n_rows = rnd.randint(5, 60)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f["name"] for f in fields])
    for r in range(n_rows):
        row = [str(rnd.choice([r, r, r, rnd.randint(0, n_rows)]))]
        for good, bad, descriptor in samples:
            row.append(_cell(rnd, good, bad, descriptor))
        row = _damage(rnd, row)
        if row is None:
            out.write(rnd.choice(["\n", ",,,,,,,\n"[: len(fields) + 1] if False else "\n"]))
            continue
        writer.writerow(row)
    return schema, out.getvalue().encode("utf-8")


def _cell(rnd: random.Random, good: list[str], bad: list[str], descriptor: dict[str, Any]) -> str:
    if descriptor.get("constraints", {}).get("unique"):
        return str(rnd.choice([rnd.randint(0, 40), rnd.randint(0, 40), "", "1.0", "01"]))
    roll = rnd.random()
    if roll < 0.08:
        return rnd.choice(["", "", "NA"])
    if roll < 0.22 and bad:
        return rnd.choice(bad)
    return rnd.choice(good) if good else ""


def _damage(rnd: random.Random, row: list[str]) -> list[str] | None:
    roll = rnd.random()
    if roll < 0.03:
        return None  # an empty line
    if roll < 0.06:
        return [""] * len(row)  # a blank row
    if roll < 0.09:
        return row[: rnd.randint(1, len(row) - 1)]  # too short
    if roll < 0.12:
        return row + ["extra"] * rnd.randint(1, 2)  # too long
    return row
