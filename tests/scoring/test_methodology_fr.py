"""The methodology page is French for readers: each criterion's docstring (English, for
developers) and each scope word is shown from its French translation in the catalogue, and
`make i18n` extracts them, so a new or edited docstring cannot ship without its French."""

from __future__ import annotations

import re

import pytest

from observatory import i18n
from observatory.i18n_extract import criterion_docstrings
from observatory.scoring import all_criteria, criterion
from observatory.scoring.docs import methodology_markdown
from observatory.scoring.registry import SCOPES
from tests.catalogue import french, make_i18n_messages


def test_every_criterion_docstring_has_a_french_translation() -> None:
    catalog = french()
    for c in all_criteria():
        message = catalog.get(c.doc)
        assert message is not None, f"{c.id}: docstring not in the .po: `make i18n`, translate"
        assert message.string and not message.fuzzy, f"{c.id}: docstring not translated"
        assert message.string != c.doc, f"{c.id}: the 'translation' is the English docstring"
        assert message.string.count("\n\n") == c.doc.count("\n\n"), f"{c.id}: paragraphs differ"
    for scope in SCOPES:
        message = catalog.get(scope, context="scope")
        assert message is not None and message.string and not message.fuzzy, scope


def test_make_i18n_extracts_every_criterion_docstring_and_scope() -> None:
    extracted = make_i18n_messages()
    assert {(None, c.doc) for c in all_criteria()} <= extracted
    assert {("scope", s) for s in SCOPES} <= extracted


def test_the_extractor_reads_criterion_docstrings_only() -> None:
    source = '''
@criterion("completeness.x", "completeness", "X")
def x(ctx):
    """First line.

        Indented second paragraph.
    """

def helper():
    """Not a criterion."""
'''
    assert list(criterion_docstrings(source)) == [(4, "First line.\n\nIndented second paragraph.")]


def test_the_methodology_shows_no_criterion_docstring_or_scope_in_english() -> None:
    page = methodology_markdown()
    words = i18n.catalogue()
    for c in all_criteria():
        for paragraph in c.doc.split("\n\n"):
            assert paragraph not in page, f"{c.id}: English docstring on the methodology page"
        assert words.criterion_doc(c.doc) in page
    scopes = re.findall(r"^- s'applique à : (.+)$", page, re.MULTILINE)
    assert len(scopes) == len(all_criteria())
    assert "ressource tabulaire" in scopes and "jeu de données" in scopes
    assert not {"dataset", "tabular resource", "resource", "SPDR dataset"} & set(scopes)
    assert "Non applicable à un jeu de données sans ressources." in page


def test_a_criterion_with_an_unknown_scope_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown scope 'table'"):
        criterion("completeness.x", "completeness", "x", applies_to="table")
