"""docs/methodology.md is generated from the criteria registry and cannot drift from it."""

from pathlib import Path

from observatory.scoring import all_criteria
from observatory.scoring.docs import methodology_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "methodology.md"


def test_methodology_doc_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == methodology_markdown(), "run `make docs`"


def test_every_criterion_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for criterion in all_criteria():
        assert criterion.id in text
        assert criterion.doc.strip()
