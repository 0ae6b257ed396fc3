"""Registry: ids unique and stable, every criterion documented and tested; methodology page."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.i18n import catalogue
from observatory.model import PILLARS
from observatory.scoring import all_criteria, criterion
from observatory.scoring.docs import methodology_markdown

HERE = Path(__file__).parent


def test_ids_unique_dotted_and_sorted_by_pillar():
    crits = all_criteria()
    ids = [c.id for c in crits]
    assert len(ids) == len(set(ids))
    for c in crits:
        assert c.id.startswith(c.pillar + ".") and c.id.count(".") == 1
        assert c.weight > 0 and c.label and c.applies_to
    order = [PILLARS.index(c.pillar) for c in crits]
    assert order == sorted(order)
    assert {c.pillar for c in crits} == set(PILLARS)


def test_brief_ids_exist():
    ids = {c.id for c in all_criteria()}
    assert {
        "completeness.license",
        "freshness.frequency",
        "conformity.schema",
        "availability.files",
    } <= ids


def test_every_criterion_has_a_docstring():
    for c in all_criteria():
        assert len(c.doc) > 40, c.id


def test_every_criterion_has_a_test():
    text = "".join(p.read_text(encoding="utf-8") for p in HERE.glob("test_*.py"))
    untested = [c.id for c in all_criteria() if f'run("{c.id}"' not in text]
    assert untested == []


def test_duplicate_or_undocumented_registration_is_refused():
    with pytest.raises(ValueError, match="registered twice"):

        @criterion("completeness.license", "completeness", "x")
        def again(ctx):
            """Another one."""

    with pytest.raises(ValueError, match="docstring"):

        @criterion("conformity.undocumented_test_only", "conformity", "x")
        def nodoc(ctx):
            pass

    with pytest.raises(ValueError, match="must start with its pillar"):
        criterion("freshness.x", "conformity", "x")


def test_methodology_lists_every_criterion_and_the_formulas():
    page = methodology_markdown()
    for c in all_criteria():
        assert f"`{c.id}`" in page
        assert c.label in page
        assert catalogue().criterion_doc(c.doc).splitlines()[0] in page
    assert "Note d'un pilier" in page and "Note globale" in page
    assert "99 %" in page and "99,5 %" in page
    assert "transport.data.gouv.fr" in page
