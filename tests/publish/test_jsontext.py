"""The exports' indented JSON text is exactly what ``json.dumps(to_jsonable(...))`` gives."""

from __future__ import annotations

import json
from datetime import UTC

from hypothesis import given, settings
from hypothesis import strategies as st

from observatory.model import CriterionResult, RunInfo, to_jsonable
from observatory.publish.jsontext import indented

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.dates(),
    st.datetimes(timezones=st.just(UTC)),
)


def _nested(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.lists(inner),
        st.tuples(inner, inner),
        st.dictionaries(st.text(), inner),
        st.dictionaries(st.integers(), inner),
        st.sets(st.integers()),
        st.builds(
            CriterionResult,
            criterion_id=st.text(),
            pillar=st.text(),
            status=st.text(),
            score=st.one_of(st.none(), st.floats()),
            weight=st.floats(),
            evidence=st.dictionaries(st.text(), inner),
        ),
        st.builds(RunInfo, id=st.integers(), started_at=st.datetimes()),
    )


@settings(max_examples=300, deadline=None)  # a loaded machine is no failure
@given(st.recursive(SCALARS, _nested, max_leaves=20), st.integers(0, 3))
def test_indented_is_the_reference_text(value: object, level: int) -> None:
    reference = json.dumps(to_jsonable(value), ensure_ascii=False, indent=1)
    assert indented(value, level) == reference.replace("\n", "\n" + " " * level)
