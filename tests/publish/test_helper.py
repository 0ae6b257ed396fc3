"""The helper process renders the notices' Markdown exactly as this process would, and is
gone when the publication ends, however it ends."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import psutil

from observatory.publish import search
from observatory.publish.helper import Helper
from observatory.publish.mdrender import render_markdown

TEXTS = [
    "# Avis\n\n1. **Jeu** — critère\n   - Pourquoi : texte\n\n10. **Autre**\n   - Comment\n",
    "Texte <script>alert(1)</script> et [lien](javascript:alert(1)) et [bon](a.html)",
    "",
    "é" * 100_000,  # larger than a pipe's buffer
]


def test_helper_process_gives_the_same_html_in_order() -> None:
    with Helper(processes=1) as helper:
        futures = [helper.markdown(text) for text in TEXTS * 3]
        answers = [f.result(timeout=60) for f in futures]
        assert multiprocessing.active_children()  # the work ran in another process
    assert answers == [render_markdown(text) for text in TEXTS * 3]
    assert multiprocessing.active_children() == []  # stopped on leaving


def test_without_helper_the_work_is_done_at_once() -> None:
    with Helper(processes=0) as helper:
        assert helper.markdown(TEXTS[0]).result(timeout=0) == render_markdown(TEXTS[0])
        assert multiprocessing.active_children() == []


def test_a_publication_that_fails_stops_the_helper() -> None:
    try:
        with Helper(processes=1) as helper:
            futures = [helper.markdown(TEXTS[3]) for _ in range(50)]
            raise KeyError("rendering failed")
    except KeyError:
        pass
    assert multiprocessing.active_children() == []
    assert all(f.done() for f in futures) and any(f.cancelled() for f in futures)


def test_a_publication_that_fails_cuts_its_search_index_short(tmp_path: Path) -> None:
    """The search index is written in a background thread (Pagefind works on the second
    core); a publication that fails stops feeding it, and no indexer is left running."""
    total = 200_000  # about two minutes of indexing when fed to the end
    records = (
        search.Record(url=f"j/{i}.html", kind="dataset", title=f"Jeu {i}", content=f"jeu {i}")
        for i in range(total)
    )
    before = psutil.Process().children(recursive=True)  # multiprocessing's tracker, say
    try:
        with Helper(processes=0) as helper:
            indexed = helper.background(search.write_index, tmp_path, helper.until_failed(records))
            raise KeyError("rendering failed")
    except KeyError:
        pass
    assert indexed.result(timeout=0) < total
    assert psutil.Process().children(recursive=True) == before


def test_a_background_job_gives_its_result() -> None:
    with Helper(processes=0) as helper:
        job = helper.background(sum, helper.until_failed(range(10)))
    assert job.result(timeout=0) == 45
