"""Reference views (udata quality score, MQA, L321-4 candidate) are stored with a run and
read back exactly, on SQLite and PostgreSQL: saved again they replace, carried they copy,
and a run's snapshot holds them."""

from __future__ import annotations

from datetime import timedelta

from observatory.model import ReferenceView
from observatory.scoring.reference_views import reference_views

from .factories import T0, corpus_dataset, probes, sirene_dataset, validations


def _views() -> list[ReferenceView]:
    datasets = [corpus_dataset(), sirene_dataset()]
    by_url = {p.url: p for p in probes(T0)}
    reports = {v.distribution_key: v for v in validations(T0) if v.distribution_key}
    return reference_views(datasets, by_url, reports, T0)


def _hostile() -> ReferenceView:
    """Text from a stranger's catalogue: NUL, quotes, markup, astral characters."""
    return ReferenceView(
        dataset_key="x:\u00e9\U0001f600<script>",
        udata={"score": 1 / 3, "checks": {"license": False}, "platform": None, "mismatches": []},
        mqa={"total": 12.5, "max": 405, "rating": "Bad", "dimensions": {"findability": [0, 100]}},
        candidate={"score": 40.0, "evidence": ['col "a"\x00</li>'], "pivots": {"siren": "siren"}},
    )


def test_views_stored_and_read_back(store) -> None:
    views = [*_views(), _hostile()]
    run_id = store.start_run("observe", T0)
    store.save_reference_views(run_id, views)
    store.finish_run(run_id, "ok", {})

    found = store.reference_views(run_id)
    assert list(found) == [v.dataset_key for v in views]
    assert list(found.values()) == views  # hostile text and all, exactly as saved
    assert store.load_snapshot(run_id).views == found


def test_a_publication_reads_views_a_few_datasets_at_a_time(store) -> None:
    """Publishing loads a run without its views, then reads them for a batch of datasets,
    and each dataset's MQA total alone (for catalogue pages)."""
    views = [*_views(), _hostile()]
    run_id = store.start_run("observe", T0)
    store.save_reference_views(run_id, views)
    store.finish_run(run_id, "ok", {})

    assert store.load_snapshot(run_id, details=False).views == {}
    hostile, sirene = views[-1].dataset_key, views[1].dataset_key
    assert store.reference_views(run_id, [hostile, "unknown", sirene]) == {
        hostile: views[-1],
        sirene: views[1],
    }
    assert store.mqa_totals(run_id) == {v.dataset_key: v.mqa["total"] for v in views}
    assert store.mqa_totals(run_id)[hostile] == 12.5


def test_views_hold_what_pages_show(store) -> None:
    """The stored views carry the MQA per dimension, the nine udata checks and the
    candidate evidence; a SPDR dataset has no candidate assessment."""
    views = _views()
    run_id = store.start_run("observe", T0)
    store.save_reference_views(run_id, views)
    corpus, sirene = (store.reference_views(run_id)[v.dataset_key] for v in views)
    assert sirene.candidate is None
    assert corpus.candidate is not None and corpus.candidate["evidence"]
    assert set(corpus.mqa["dimensions"]) == {
        "findability",
        "accessibility",
        "interoperability",
        "reusability",
        "contextuality",
    }
    assert sum(top for _got, top in corpus.mqa["dimensions"].values()) == 405
    assert 0 <= corpus.mqa["total"] <= corpus.mqa["possible"] <= 405
    assert "license" in sirene.udata["checks"] and 0 <= sirene.udata["score"] <= 1
    assert sirene.udata["platform"] == 0.777


def test_saving_again_replaces_and_carrying_copies(store) -> None:
    first, second = _views()
    run1 = store.start_run("observe", T0)
    store.save_reference_views(run1, [first, second])
    changed = ReferenceView(first.dataset_key, first.udata, {**first.mqa, "total": 1.0}, None)
    store.save_reference_views(run1, [changed])
    assert store.reference_views(run1)[first.dataset_key] == changed
    store.finish_run(run1, "ok", {})

    run2 = store.start_run("observe", T0 + timedelta(days=1))
    store.save_reference_views(run2, [first], carry_from=run1, carry_keys=[second.dataset_key])
    assert store.reference_views(run2) == {first.dataset_key: first, second.dataset_key: second}
    assert store.reference_views(run1)[first.dataset_key] == changed  # the past stays
    assert store.integrity_check() == []
