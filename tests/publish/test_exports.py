"""Open-data exports: one row per dataset, criterion and probe; formulas neutralised."""

from __future__ import annotations

import csv
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from observatory.publish import dqv

from .conftest import Published
from .factories import PORTAL

HOSTILE_KEY = f"{PORTAL}:../../etc/passwd"


def _csv(published: Published, name: str) -> list[dict[str, str]]:
    with (published.root / "data" / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_datasets_export_has_one_row_per_dataset_with_scores(published: Published) -> None:
    rows = _csv(published, "datasets.csv")
    assert len(rows) == len(published.current.datasets)
    assert list(rows[0]) == [
        "key",
        "title",
        "organisation",
        "spdr",
        "catalogue",
        "completeness",
        "freshness",
        "conformity",
        "availability",
        "overall",
        "run_date",
    ]
    sirene = next(r for r in rows if r["spdr"] == "sirene")
    score = published.current.scores[sirene["key"]]
    assert float(sirene["overall"]) == score.overall
    assert float(sirene["availability"]) == score.pillars["availability"]
    assert sirene["run_date"] == "2025-04-07T06:00:00+00:00"
    as_json = json.loads((published.root / "data" / "datasets.json").read_text("utf-8"))
    assert [r["key"] for r in as_json] == [r["key"] for r in rows]
    assert as_json[0]["overall"] == published.current.scores[as_json[0]["key"]].overall


def test_criteria_and_probes_exports(published: Published) -> None:
    criteria = _csv(published, "criteria.csv")
    expected = sum(len(s.results) for s in published.current.scores.values())
    assert len(criteria) == expected
    failed = [r for r in criteria if r["status"] == "fail" and r["fix_hint"]]
    assert failed and all(r["label"] for r in failed)
    probes = _csv(published, "probes.csv")
    assert len(probes) == len(published.current.probes)
    down = [r for r in probes if r["outcome"] == "down"]
    assert down and all(r["status"] == "404" and r["dataset_key"] for r in down)
    as_json = json.loads((published.root / "data" / "probes.json").read_text("utf-8"))
    assert len(as_json) == len(probes)


def test_csv_cells_cannot_run_as_formulas(published: Published) -> None:
    rows = _csv(published, "datasets.csv")
    for name in ("datasets.csv", "criteria.csv", "probes.csv"):
        for row in _csv(published, name):
            for value in row.values():
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (name, value)
    criteria = [r for r in _csv(published, "criteria.csv") if r["dataset_key"] == HOSTILE_KEY]
    assert criteria[0]["label"] == "<script>alert(1)</script>"  # plain text is kept
    assert criteria[0]["evidence"].startswith("{")
    assert any(r["key"] == HOSTILE_KEY for r in rows)


def test_neutralise_each_formula_start() -> None:
    from observatory.publish.exports import neutralise

    for value in ("=1+1", "+33 1 23", "-2", "@SUM(A1)", "\t=x", "\r=x"):
        assert neutralise(value) == "'" + value
    assert neutralise("Base Sirene") == "Base Sirene"
    assert neutralise(-2.5) == -2.5  # numbers the observatory computed stay numbers
    assert neutralise(None) is None


def test_organisation_csv_lists_fixes_in_priority_order(published: Published) -> None:
    from observatory.publish import paths

    jeux, corrections = paths.organisation_exports(f"{PORTAL}:insee")
    with (published.root / corrections).open(encoding="utf-8", newline="") as fh:
        fixes = list(csv.DictReader(fh))
    assert [int(r["priority"]) for r in fixes] == list(range(1, len(fixes) + 1))
    weights = [float(r["weight"]) for r in fixes]
    assert weights == sorted(weights, reverse=True) and fixes[0]["fix_hint"]
    with (published.root / jeux).open(encoding="utf-8", newline="") as fh:
        titles = {r["title"] for r in csv.DictReader(fh)}
    assert "Fichier des prénoms" in titles and len(titles) == 3


def test_datapackage_describes_the_csv_exports(published: Published) -> None:
    package = json.loads((published.root / "data" / "datapackage.json").read_text("utf-8"))
    assert {r["path"] for r in package["resources"]} == {
        "datasets.csv",
        "criteria.csv",
        "probes.csv",
        "compliance.csv",  # the 12-month legal compliance grid
        "structure_changes.csv",
    }
    fields = [f["name"] for f in package["resources"][0]["schema"]["fields"]]
    with (published.root / "data" / "datasets.csv").open(encoding="utf-8") as fh:
        assert fh.readline().strip().split(",") == fields


def test_compliance_grid_export_is_a_valid_data_package_resource(published: Published) -> None:
    import frictionless

    package = published.root / "data" / "datapackage.json"
    report = frictionless.validate(str(package))
    assert report.valid, report.flatten(["type", "note"])[:5]
    with (published.root / "data" / "compliance.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows, "the grid holds one row per SPDR dataset, obligation and month"
    months = sorted({r["month"] for r in rows})
    assert len(months) == 12
    assert {r["verdict"] for r in rows} <= {"met", "not_met", "insufficient", "in_progress"}


def test_exports_are_streamed_and_read_as_the_whole_table_would(
    published: Published, monkeypatch
) -> None:
    """Each row goes to the CSV and the JSON array as it comes: the JSON reads back as the
    table, one row a line (a reader can stream it line by line); no export builds its
    whole text."""
    from observatory.model import to_jsonable
    from observatory.publish import exports

    data = published.root / "data"
    for name, (_fields, build) in exports.EXPORTS.items():
        rows = to_jsonable(list(build(published.current)))
        text = (data / f"{name}.json").read_text("utf-8")
        assert json.loads(text) == rows, name
        lines = text.split("\n")  # not splitlines: U+2028 and U+0085 stay raw in strings
        assert (lines[0], lines[-1], len(lines)) == ("[", "]", len(rows) + 2), name
        assert [json.loads(line.removesuffix(",")) for line in lines[1:-1]] == rows, name
        assert len(_csv(published, f"{name}.csv")) == len(rows) > 0
    # a generator the writer cannot turn into a list: rows are consumed one at a time
    monkeypatch.setattr(json, "dumps", _no_whole_list(json.dumps))
    rows = ({"key": f"k{i}", "title": "=1+1"} for i in range(1000))
    assert exports.write_table(data / "t.csv", data / "t.json", ["key", "title"], rows) == 1000
    assert json.loads((data / "t.json").read_text("utf-8"))[999] == {"key": "k999", "title": "=1+1"}
    assert (data / "t.csv").read_text("utf-8").splitlines()[1] == "k0,'=1+1"


def _no_whole_list(dumps):  # type: ignore[no-untyped-def]
    def guarded(value, *args, **kwargs):  # type: ignore[no-untyped-def]
        assert not isinstance(value, list) or len(value) < 100, "a whole table was dumped"
        return dumps(value, *args, **kwargs)

    return guarded


def test_dqv_turtle_and_json_ld_hold_the_same_graph(published: Published, tmp_path) -> None:
    """Both DQV files are written node by node and hold the same graph; a dataset URI that
    Turtle cannot hold gets the stable URN instead of breaking the file."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from observatory.publish import dqv

    current = published.current
    current.datasets[0].uri = "http://example.org/jeu{1}|x"
    current.datasets[0].landing_page = None
    current.datasets[1].title = 'guillemet " et \\ barre'
    grid = [
        {"spdr": d.spdr, "obligation": "files_monthly", "month": "2024-05", "verdict": "met"}
        for d in current.datasets
        if d.spdr
    ]
    assert dqv.write_dqv(tmp_path, current, grid) == ["quality.ttl", "quality.jsonld"]
    helper_dir = tmp_path / "helper"  # what the helper process writes, from packed bytes
    helper_dir.mkdir()
    assert dqv.write_packed(helper_dir, dqv.packed(current), grid) == [
        "quality.ttl",
        "quality.jsonld",
    ]
    for name in ("quality.ttl", "quality.jsonld"):
        assert (helper_dir / name).read_bytes() == (tmp_path / name).read_bytes()
    ttl = Graph().parse(tmp_path / "quality.ttl", format="turtle")
    jsonld = Graph().parse(tmp_path / "quality.jsonld", format="json-ld")
    assert len(ttl) > 100 and isomorphic(ttl, jsonld)
    first = dqv.dataset_iri(current.datasets[0])
    assert str(first).startswith("urn:observatoire:jeu:")
    assert (first, dqv.DQV.hasQualityMeasurement, None) in ttl
    published_ttl = Graph().parse(published.root / "data" / "quality.ttl", format="turtle")
    assert len(published_ttl) > 100


class _Label(str):
    pass


_cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.just(float("nan")),
    st.text(max_size=6),
    st.sampled_from(["=1+1", "+33", "-2", "@a", "\tx", "\rx", "'=x", " =x"]),
    st.text(max_size=4).map(_Label),
    st.sampled_from(["=x", "-1"]).map(_Label),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.dates(),
)


@settings(max_examples=400, deadline=None)
@given(_cells)
def test_a_csv_cell_is_the_plain_rule(value: object) -> None:
    """The export's cell function settles common cells itself: the same cell as the rule
    written plainly (JSON for containers, empty for None, formulas neutralised)."""
    from observatory.publish.exports import _csv_cell, neutralise

    plain = value
    if isinstance(plain, dict | list):
        plain = json.dumps(plain, ensure_ascii=False, sort_keys=True)
    expected = "" if plain is None else neutralise(plain)
    got = _csv_cell(value)
    assert type(got) is type(expected)
    assert got == expected or (got != got and expected != expected)  # NaN is not NaN


def _prefixed_plainly(iri: str) -> str | None:
    """The prefix rule written plainly: the first vocabulary ``iri`` starts with whose rest
    is a plain local name."""
    for prefix, namespace in dqv.PREFIXES.items():
        local = iri[len(namespace) :] if iri.startswith(namespace) else None
        if local and local.replace("-", "").replace("_", "").isalnum():
            return f"{prefix}:{local}"
    return None


_locals = st.text(alphabet="ab1-_./#é:%", max_size=8)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.builds(
            lambda ns, local: ns + local,
            st.sampled_from(
                sorted(__import__("observatory.publish.dqv").publish.dqv.PREFIXES.values())
            ),
            _locals,
        ),
        st.builds(lambda local: "https://example.org/" + local, _locals),
        st.text(max_size=12),
    )
)
def test_a_prefixed_name_is_the_plain_rule(iri: str) -> None:
    """The Turtle writer finds an IRI's vocabulary by its last "#" or "/" (one look-up
    instead of a scan of every vocabulary); it names the same prefix the scan would."""
    assert dqv._prefixed(iri) == _prefixed_plainly(iri)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(-3, 3), st.floats(-2, 2), st.just(-0.0)), max_size=8))
def test_scores_written_from_the_cache_are_their_own_literals(values: list[float]) -> None:
    """Scores are kept by their text: 1 and 1.0, 0.0 and -0.0 are each written as
    rdflib writes them, whichever came first."""
    from decimal import Decimal

    from rdflib import XSD, Literal

    for value in values:
        plain = Literal(Decimal(str(round(value, 4))), datatype=XSD.decimal)
        assert dqv._turtle_term(dqv._decimal(value)) == f'"{plain}"^^xsd:decimal'


def test_literals_whose_language_differs_in_case_are_each_written_as_theirs() -> None:
    """rdflib counts "x"@fr and "x"@FR as equal (same hash): the Turtle cache is keyed by a
    literal's parts, so neither is written as the other, whichever comes first."""
    from rdflib import Literal

    for first, second in (("fr", "FR"), ("FR", "fr")):
        dqv._turtle_literal.cache_clear()
        one, other = Literal("x", lang=first), Literal("x", lang=second)
        assert [dqv._turtle_term(one), dqv._turtle_term(other)] == [one.n3(), other.n3()]
