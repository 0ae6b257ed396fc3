"""Thematic groups: a dataset sits in every group one of whose words starts a word of its
keywords, themes or title, compared without accents or case."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from observatory.model import Dataset
from observatory.publish.themes import GROUPS, OTHER, fold, groups_of

NEEDLES = sorted({n for _label, needles in GROUPS.values() for n in needles})
PIECES = st.sampled_from([*NEEDLES, "É", "é", "-", " ", "x", "l'", "\n", "Eau", "TRI", "_"])
WORDS = st.lists(PIECES, max_size=6).map("".join)


def _by_definition(dataset: Dataset) -> list[str]:
    """Each needle tried on each word on its own, as the module docstring states it."""
    themes = [t.rstrip("/").rsplit("/", 1)[-1].replace("_", " ") for t in dataset.themes]
    texts = [fold(w) for w in [*dataset.keywords, *themes, dataset.title]]
    found = [
        key
        for key, (_label, needles) in GROUPS.items()
        if any(re.search(r"(^|[^a-z])" + re.escape(n), t) for n in needles for t in texts)
    ]
    return found or [OTHER[0]]


@settings(max_examples=400, deadline=None)
@given(title=WORDS, keywords=st.lists(WORDS, max_size=3), themes=st.lists(WORDS, max_size=2))
def test_groups_follow_the_definition_word_by_word(
    title: str, keywords: list[str], themes: list[str]
) -> None:
    iris = [f"http://publications.europa.eu/resource/authority/data-theme/{t}" for t in themes]
    dataset = Dataset(
        key="k", catalogue_id="c", source_id="s", title=title, keywords=keywords, themes=iris
    )
    assert groups_of(dataset) == _by_definition(dataset)


def test_a_word_inside_another_does_not_count() -> None:
    water = Dataset(key="k", catalogue_id="c", source_id="s", title="Réseau d'Eau potable")
    assert groups_of(water)[0] == "eau"
    bureau = Dataset(
        key="k", catalogue_id="c", source_id="s", title="Bureaux", keywords=["plateau"]
    )
    assert groups_of(bureau) == [OTHER[0]]
