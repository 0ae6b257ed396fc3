"""DCAT-AP SHACL compliance in a real observe run: the sandbox's regional DCAT catalogue
(excellent, good, fair and bare records) is harvested page by page, each page validated
with the official shapes, and the verdicts reach the scores and the published pages."""

from __future__ import annotations

import pytest
import yaml

from observatory.publish import paths
from observatory.registry import parse_config
from observatory.storage.store import Store

CATALOGUE = "catalogue-aura"


def _tier(key: str) -> int:
    """The sandbox's quality tier of a regional record (``i % 4``, 0 excellent … 3 bare)."""
    return int(key.rsplit("-", 1)[-1]) % 4


@pytest.fixture(scope="module")
def observed(sandbox, tmp_path_factory):
    from flows.observe import observe

    tmp = tmp_path_factory.mktemp("observe-shacl")
    data = yaml.safe_load(sandbox.config_text())
    data["database_url"] = f"sqlite:///{tmp / 'store.db'}"
    data["reports_dir"] = str(tmp / "reports")
    path = tmp / "datasets.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config = parse_config(path.read_text(encoding="utf-8"), str(path), env={})
    assert config.settings.shacl_limit > 0  # on by default
    result = observe(str(path))
    store = Store(result["database_url"])
    try:
        snapshot = store.load_snapshot(result["run_id"])
    finally:
        store.close()
    return tmp, snapshot


def _verdicts(snapshot) -> dict[str, object]:
    out = {}
    for key, score in snapshot.scores.items():
        if key.startswith(CATALOGUE + ":"):
            (result,) = [r for r in score.results if r.criterion_id == "conformity.dcat_shacl"]
            out[key] = result
    return out


def test_every_regional_dataset_is_validated_across_pages(observed) -> None:
    _, snapshot = observed
    verdicts = _verdicts(snapshot)
    assert len(verdicts) >= 30  # four pages of the regional catalogue
    assert all(r.status != "na" for r in verdicts.values())
    # the portal's datasets come from the udata JSON API: the SPDR ones are validated from
    # the portal's per-dataset RDF, the organisations' other datasets are not
    portal = {
        key: r
        for key, s in snapshot.scores.items()
        if not key.startswith(CATALOGUE + ":")
        for r in s.results
        if r.criterion_id == "conformity.dcat_shacl"
    }
    spdr = {d.key for d in snapshot.datasets if d.spdr}
    assert len(spdr) == 9 and spdr <= set(portal)
    assert all(portal[key].status != "na" for key in spdr)
    assert all(portal[key].evidence["version"] == "3.0.1" for key in spdr)
    others = [r for key, r in portal.items() if key not in spdr]
    assert others and all(r.status == "na" for r in others)


def test_bare_records_fail_naming_the_missing_property(observed) -> None:
    _, snapshot = observed
    uris = {d.key: d.uri for d in snapshot.datasets}
    bare = {k: r for k, r in _verdicts(snapshot).items() if _tier(k) == 3}
    assert bare
    for key, result in bare.items():
        assert result.status == "fail" and result.score == 0
        assert result.evidence["missing"] == ["dct:description"]
        issue = result.evidence["issues"][0]
        assert issue["severity"] == "Violation" and issue["path"] == "dct:description"
        assert issue["focus"] == uris[key]  # the dataset node itself
        assert "dct:description" in result.fix_hint and "obligatoire" in result.fix_hint


def test_excellent_records_pass_and_good_ones_are_partial(observed) -> None:
    _, snapshot = observed
    verdicts = _verdicts(snapshot)
    excellent = [r for k, r in verdicts.items() if _tier(k) == 0]
    assert excellent and all(r.status == "pass" and r.score == 1 for r in excellent)
    assert all(r.evidence["violations"] == 0 for r in excellent)
    good = [r for k, r in verdicts.items() if _tier(k) == 1]
    # a licence IRI of no known table, not typed dct:LicenseDocument: one range violation
    assert good and all(r.status == "partial" for r in good)
    assert all("dct:license" in (r.fix_hint or "") for r in good)


def test_dataset_page_shows_the_shacl_results(observed) -> None:
    tmp, snapshot = observed
    key = next(k for k in _verdicts(snapshot) if _tier(k) == 3)
    page = (tmp / "reports" / paths.dataset_page(key)).read_text(encoding="utf-8")
    section = page[page.index("conformity.dcat_shacl") :]
    section = section[: section.index("</tr>")]
    assert "Violation" in section and "dct:description" in section
    assert "propriété obligatoire dct:description absente" in section


def test_verdicts_are_stored_with_the_harvested_dataset(observed) -> None:
    _, snapshot = observed
    regional = [d for d in snapshot.datasets if d.catalogue_id == CATALOGUE]
    assert regional and all(isinstance(d.extras.get("shacl"), dict) for d in regional)
    assert {d.extras["shacl"]["version"] for d in regional} == {"3.0.1"}
