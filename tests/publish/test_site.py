"""The published site as its readers see it: index, dataset, catalogue, organisation pages."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from observatory.publish import paths

from .conftest import Published
from .factories import MISSING_SPDR, PORTAL
from .htmlcheck import load, pages

PILLAR_HEADERS = ["Complétude", "Fraîcheur", "Conformité", "Disponibilité"]


def _spdr_rows(published: Published) -> dict[str, str]:
    """Text of each row of the SPDR table on the index, by SPDR name."""
    html = (published.root / "index.html").read_text(encoding="utf-8")
    table = html.split('<table class="spdr">', 1)[1].split("</table>", 1)[0]
    rows = {}
    for chunk in table.split("<tr")[2:]:
        text = load_text(chunk)
        for entry in published.spdr:
            if entry.name in text:
                rows[entry.key] = text
    return rows


def load_text(fragment: str) -> str:
    from .htmlcheck import Page

    return Page("<tr" + fragment).text


def test_index_lists_the_nine_spdr_datasets_with_four_pillar_scores(published: Published) -> None:
    index = load(published.root / "index.html")
    for entry in published.spdr:
        assert entry.name in index.text
    for header in PILLAR_HEADERS:
        assert header in index.text
    rows = _spdr_rows(published)
    assert len(rows) == 9
    sirene = published.current.scores[f"{PORTAL}:5b7ffc618b4c4169d30727e0"]
    text = rows["sirene"]
    for pillar in ("completeness", "freshness", "conformity", "availability"):
        value = sirene.pillars[pillar]
        assert f"{value:.1f}".replace(".", ",") in text
    assert f"{sirene.overall:.1f}".replace(".", ",") in text
    # Shift of +3 points since the previous run, shown with an arrow and in points.
    assert "▲ +3,0 pts" in text
    # Legal obligations: symbol and words, never colour alone.
    assert "✘ Métadonnées obligatoires : non respectée" in text
    assert "✔ Périodicité de mise à jour : respectée" in text


def test_spdr_matched_by_source_id_when_harvester_set_no_key(published: Published) -> None:
    cog = _spdr_rows(published)["cog"]
    assert "non observé" not in cog
    assert "62,5" in cog


def test_missing_spdr_dataset_is_listed_with_its_source_error(published: Published) -> None:
    row = _spdr_rows(published)[MISSING_SPDR]
    assert "non observé" in row
    assert "HTTP 503 en lisant le jeu de données ROME" in row


def test_failed_source_is_shown_on_the_index(published: Published) -> None:
    index = load(published.root / "index.html")
    assert "Source en échec : délai dépassé après 30 s" in index.text
    assert "Géo-IDE <catalogue>" in index.text  # shown as text, escaped
    catalogue = load(published.root / paths.catalogue_page("geo-ide"))
    assert "Source en échec" in catalogue.text and "timeout" in catalogue.text


def test_index_summary_counts(published: Published) -> None:
    text = load(published.root / "index.html").text
    probes = published.current.probes
    failed = sum(1 for p in probes if p.outcome != "up")
    assert f"{failed} sondes en échec" in text
    assert "0 incident de disponibilité en cours" in text  # no availability figures given
    assert f"{len(published.current.datasets)} jeux de données observés" in text
    assert "dont 8 des 9 jeux de référence" in text
    assert "7 avril 2025 à 06:00 UTC" in text


def test_dataset_page_shows_criteria_evidence_hints_and_changes(published: Published) -> None:
    # RNA (seed 2 is even): fails nothing; Sirene (seed 1) fails availability with a 404.
    key = f"{PORTAL}:5b7ffc618b4c4169d30727e0"
    page = load(published.root / paths.dataset_page(key))
    text = page.text
    for label in ("Licence renseignée", "Mise à jour à temps", "Ressources disponibles"):
        assert label in text
    for status in ("réussi", "échoué", "partiel"):
        assert status in text
    assert "renvoie une erreur 404 : corriger le lien" in text  # fix hint
    assert "Allonger la description" in text
    assert any(tag == "dl" and a.get("class") == "evidence" for tag, a in page.tags)
    assert "late_days" in text and "minimum" in text  # evidence keys
    # Change since the previous run, per pillar and overall.
    assert text.count("▲ +3,0 pts") >= 5
    assert "Exécution précédente" in text
    # Resources: probe outcome in French with status, latency and reason; validation.
    assert "indisponible" in text and "GET 404 : ressource introuvable" in text
    assert "valide, 40 000 lignes" in text
    # Score history chart, inline SVG.
    assert any(tag == "svg" for tag, _ in page.tags)
    # Configured SPDR API check and its latest probe.
    assert "API Recherche d'entreprises" in text and "dégradé" in text


def test_new_dataset_is_marked_new(published: Published) -> None:
    page = load(published.root / paths.dataset_page(f"{PORTAL}:prenoms"))
    assert "nouveau" in page.text
    index = load(published.root / "index.html")
    assert "Fichier des prénoms" in index.text


def test_validation_errors_by_type(published: Published) -> None:
    text = load(published.root / paths.dataset_page(f"{PORTAL}:irve")).text
    assert "type-error : 31" in text and "missing-cell : 2" in text
    assert "API IRVE" in text  # service linked to the dataset


def test_organisation_page_has_prioritised_fix_list(published: Published) -> None:
    html = (published.root / paths.organisation_page(f"{PORTAL}:insee")).read_text("utf-8")
    page = load(published.root / paths.organisation_page(f"{PORTAL}:insee"))
    assert "Base Sirene" in page.text and "Code Officiel Géographique" in page.text
    fixes = html.split("Liste des corrections", 1)[1]
    # Heaviest criteria (weight 3) come before lighter ones (weight 1).
    assert fixes.index("Ressources disponibles") < fixes.index("Description suffisante")
    assert "corriger le lien" in fixes


def test_every_internal_link_resolves(published: Published) -> None:
    root = published.root.resolve()
    checked = 0
    for path in pages(root):
        page = load(path)
        for link in page.links():
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            assert not parts.scheme and not parts.netloc, f"{path.name}: {link}"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.is_file(), f"{path.relative_to(root)} links to missing {link}"
            assert root in target.parents or target == root
            if parts.fragment:
                assert parts.fragment in load(target).ids, f"{link}: no such anchor"
            checked += 1
    assert checked > 100


def test_pages_are_semantic_and_self_contained(published: Published) -> None:
    for path in pages(published.root):
        html = path.read_text(encoding="utf-8")
        page = load(path)
        assert html.startswith('<!doctype html>\n<html lang="fr">')
        tags = [t for t, _ in page.tags]
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in tags, f"{path.name} lacks <{landmark}>"
        if path.name == "recherche.html":  # only our own search script, from the site itself
            assert [a["src"] for t, a in page.tags if t == "script"] == ["assets/recherche.js"]
        else:
            assert "script" not in tags
        for tag, attrs in page.tags:
            if tag == "th" and path.name != "methodology.html":
                assert attrs.get("scope") in ("col", "row"), f"{path.name}: th without scope"
            if tag == "link":
                assert not urlsplit(attrs.get("href") or "").scheme
        assert "//fonts." not in html and "cdn" not in html.lower()


def test_methodology_markdown_rendered_and_escaped(published: Published) -> None:
    page = load(published.root / "methodology.html")
    tags = [t for t, _ in page.tags]
    for tag in ("h2", "h3", "ul", "li", "table", "pre", "code", "strong"):
        assert tag in tags
    assert "<script>alert('md')</script>" in page.text  # shown as text, not run
    assert "script" not in tags


def test_readme_preserved_and_site_replaced(published: Published, tmp_path: Path) -> None:
    from observatory.publish.site import publish_site

    from .conftest import build_pair

    (published.root / "README.md").write_text("# Rapports\n", encoding="utf-8")
    (published.root / "stale.html").write_text("old", encoding="utf-8")
    current, previous = build_pair()
    current.run.id = 3
    publish_site(published.root, current, previous, [current.run], spdr=published.spdr)
    assert (published.root / "README.md").read_text(encoding="utf-8") == "# Rapports\n"
    assert not (published.root / "stale.html").exists()
    assert "Exécution n° 3" in load(published.root / "index.html").text
    leftovers = [p.name for p in published.root.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []
