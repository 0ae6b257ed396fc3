"""The static search built with the site: a Pagefind index of datasets, organisations,
catalogues and themes, a search form on every page and a search page whose script shows
producers' text as text. The index is read back from the files a browser downloads."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

from observatory.publish import paths, search

from .conftest import Published
from .factories import XSS_TITLE
from .htmlcheck import load, pages

KINDS = {"Jeu de données", "Organisation", "Catalogue", "Thématique"}


def index_records(root: Path) -> list[dict]:
    """Every record of the Pagefind index, decoded from its fragment files."""
    records = []
    for fragment in sorted((root / "pagefind" / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(fragment.read_bytes())
        raw = raw[raw.index(b"{") :]  # after Pagefind's file signature
        records.append(json.loads(raw))
    return records


def test_index_is_written_with_the_site(published: Published) -> None:
    root = published.root
    assert (root / "pagefind" / "pagefind.js").is_file()
    assert (root / "pagefind" / "pagefind-entry.json").is_file()
    entry = json.loads((root / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert "fr" in entry["languages"]
    assert (root / "recherche.html").is_file() and (root / "assets" / "recherche.js").is_file()


def test_every_kind_is_indexed_and_leads_to_its_page(published: Published) -> None:
    root = published.root
    records = index_records(root)
    by_kind: dict[str, list[dict]] = {}
    for record in records:
        by_kind.setdefault(record["meta"]["kind"], []).append(record)
    assert set(by_kind) == KINDS
    datasets = [d for d in published.current.datasets if not d.deleted]
    assert len(by_kind["Jeu de données"]) == len(datasets)
    assert {r["meta"]["title"] for r in by_kind["Catalogue"]} == {
        c.name for c in published.current.catalogues
    }
    assert any(r["meta"]["title"] == "Etalab" for r in by_kind["Organisation"])
    for record in records:
        assert record["filters"]["type"] == [record["meta"]["kind"]]
        url = record["url"].lstrip("/")
        assert not record["url"].startswith(("http:", "https:", "//")), record["url"]
        page, _, fragment = url.partition("#")
        assert (root / page).is_file(), url
        if fragment:
            assert fragment in load(root / page).ids, url
    irve = next(r for r in by_kind["Jeu de données"] if "recharge" in r["meta"]["title"])
    assert irve["url"].lstrip("/") == paths.dataset_page("data-gouv-fr:irve")
    assert irve["meta"]["detail"] == "Etalab"


def test_hostile_title_is_indexed_as_text_and_shown_as_text(published: Published) -> None:
    records = index_records(published.root)
    hostile = [r for r in records if r["meta"]["title"] == XSS_TITLE]
    assert len(hostile) == 1  # kept verbatim as data, to be shown with textContent
    script = (published.root / "assets" / "recherche.js").read_text("utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script
    assert "textContent" in script


def test_every_page_has_a_search_form_that_works_without_script(published: Published) -> None:
    root = published.root
    for path in pages(root):
        page = load(path)
        forms = [a for t, a in page.tags if t == "form" and a.get("role") == "search"]
        assert len(forms) == 1, path
        assert forms[0]["method"] == "get"
        target = (path.parent / forms[0]["action"]).resolve()
        assert target == (root / "recherche.html").resolve(), path
        assert any(t == "input" and a.get("name") == "q" for t, a in page.tags), path
    search_page = load(root / "recherche.html")
    for listing in ("index.html#autres", "index.html#organisations", "thematiques.html"):
        assert listing in search_page.links()
    scripts = [a for t, a in search_page.tags if t == "script"]
    assert scripts == [{"type": "module", "src": "assets/recherche.js"}]


def _children_named(name: str) -> list[int]:
    me = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            comm = stat.with_name("comm").read_text().strip()
        except OSError:
            continue
        if fields[1] == me and comm == name:
            found.append(int(stat.parent.name))
    return found


def test_the_indexer_ends_after_every_file_is_whole(tmp_path: Path) -> None:
    records = [
        search.Record(f"datasets/{i}.html", "dataset", f"Jeu {i}", f"eau air sol lot {i}")
        for i in range(3000)
    ]
    assert search.write_index(tmp_path, records) == 3000
    assert _children_named("pagefind") == []  # the indexer has ended
    folder = tmp_path / search.FOLDER
    written = [p for p in folder.rglob("*") if p.is_file()]
    assert len(written) > 3000 and all(p.stat().st_size > 0 for p in written)
    for p in written:
        if p.suffix.startswith(".pf_"):
            assert gzip.decompress(p.read_bytes()).startswith(b"pagefind_dcd"), p  # not cut
    entry = json.loads((folder / "pagefind-entry.json").read_text("utf-8"))
    assert entry["languages"]["fr"]["page_count"] == 3000


def test_records_are_indexed_in_parts_the_search_page_lists(tmp_path: Path) -> None:
    """The indexer holds a whole index in memory: 2,500 records, 1,000 an index, make three
    whole indexes, each of its own records, the later two listed for the search page."""
    records = [
        search.Record(f"datasets/{i}.html", "dataset", f"Jeu {i}", f"eau air sol lot {i}")
        for i in range(2500)
    ]
    assert search.write_index(tmp_path, iter(records), shard=1000) == 2500
    assert _children_named("pagefind") == []
    folder = tmp_path / search.FOLDER
    parts = json.loads((folder / search.SHARDS_FILE).read_text("utf-8"))
    assert parts == ["shard-2/", "shard-3/"]
    counts = [
        json.loads((folder / part / "pagefind-entry.json").read_text("utf-8"))["languages"]["fr"]
        for part in ["", *parts]
    ]
    assert [c["page_count"] for c in counts] == [1000, 1000, 500]
    assert (folder / "pagefind.js").is_file() and (folder / "shard-3" / "pagefind.js").is_file()


def test_no_record_still_writes_an_index_with_no_part(tmp_path: Path) -> None:
    assert search.write_index(tmp_path, []) == 0
    folder = tmp_path / search.FOLDER
    assert json.loads((folder / search.SHARDS_FILE).read_text("utf-8")) == []
    assert (folder / "pagefind.js").is_file()


def test_open_files_under_a_folder_are_counted(tmp_path: Path) -> None:
    inside, outside = tmp_path / "pagefind", tmp_path / "other"
    inside.mkdir()
    outside.mkdir()
    assert search.open_files_under(os.getpid(), inside) == 0
    with (inside / "a.js").open("w"), (outside / "b.js").open("w"):
        assert search.open_files_under(os.getpid(), inside) == 1
    assert search.open_files_under(os.getpid(), inside) == 0
    assert search.open_files_under(2**22 + 7, inside) is None  # no such process
