"""What a run saves is exactly what load_snapshot gives back, on both backends."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from observatory.model import ProbeResult, RunInfo

from .factories import (
    T0,
    catalogue_with_status,
    corpus_dataset,
    probes,
    score_for,
    sirene_dataset,
    validations,
)


def _save_full_run(store, started_at=T0):
    datasets = [corpus_dataset(), sirene_dataset()]
    catalogue, status = catalogue_with_status(datasets)
    run_id = store.start_run("observe", started_at)
    store.save_catalogue(run_id, catalogue, status)
    store.save_probes(run_id, probes(started_at))
    store.save_validations(run_id, validations(started_at))
    scores = [score_for(d.key) for d in datasets]
    store.save_scores(run_id, scores)
    return run_id, catalogue, status, scores


def test_snapshot_round_trip(store) -> None:
    run_id, catalogue, status, scores = _save_full_run(store)
    saved = copy.deepcopy(catalogue)
    store.finish_run(run_id, "ok", {"datasets": 2, "mean_score": 71.5})

    snap = store.load_snapshot(run_id)

    assert snap.catalogues == [status]
    assert snap.datasets == saved.datasets
    assert snap.datasets[0].distributions[1].schema is not None
    assert snap.datasets[1].temporal_start == saved.datasets[1].temporal_start
    assert snap.services == saved.services
    assert snap.organisations == saved.organisations
    assert snap.probes == probes(T0)
    assert snap.validations == validations(T0)
    assert snap.scores == {s.dataset_key: s for s in scores}
    assert list(snap.scores) == [d.key for d in saved.datasets]
    assert snap.run.id == run_id
    assert snap.run.status == "ok"
    assert snap.run.summary == {"datasets": 2, "mean_score": 71.5}
    assert snap.run.started_at == T0
    assert snap.run.finished_at is not None and snap.run.finished_at >= T0
    assert snap.datasets[0].content_hash() == saved.datasets[0].content_hash()


def test_datetimes_come_back_aware_in_utc(store) -> None:
    paris = timezone(timedelta(hours=2))
    run_id = store.start_run("observe", datetime(2025, 6, 1, 8, 0, tzinfo=paris))
    naive = ProbeResult(
        url="https://x.example/f.csv",
        outcome="up",
        reason="ok",
        checked_at=datetime(2025, 6, 1, 6, 30),
    )
    store.save_probes(run_id, [naive])
    snap = store.load_snapshot(run_id)
    assert snap.run.started_at == datetime(2025, 6, 1, 6, 0, tzinfo=UTC)
    assert snap.run.started_at.utcoffset() == timedelta(0)
    assert snap.probes[0].checked_at == datetime(2025, 6, 1, 6, 30, tzinfo=UTC)
    # naive datetimes inside the dataset record keep their exact form (JSON, ISO strings)
    catalogue, status = catalogue_with_status([sirene_dataset()])
    store.save_catalogue(run_id, catalogue, status)
    loaded = store.load_snapshot(run_id).datasets[0]
    assert loaded.metadata_modified == datetime(2025, 4, 6, 23, 31)


def test_unfinished_run_stays_running(store) -> None:
    run_id, *_ = _save_full_run(store)
    runs = store.list_runs()
    assert runs == [RunInfo(id=run_id, started_at=T0, status="running", kind="observe")]
    assert store.load_snapshot(run_id).run.finished_at is None


def test_hostile_text_is_stored(store) -> None:
    dataset = sirene_dataset()
    dataset.title = "Titre avec NUL\x00 et emoji 🚲 et <script>"
    dataset.extras = {"nul": "a\x00b", "quote": 'l\'État "et" \\ fin'}
    catalogue, status = catalogue_with_status([dataset])
    run_id = store.start_run()
    store.save_catalogue(run_id, catalogue, status)
    loaded = store.load_snapshot(run_id).datasets[0]
    assert loaded.extras == dataset.extras
    assert loaded.title == dataset.title


def test_long_urls_are_probed_and_found(store) -> None:
    url = "https://files.example.fr/export?" + "q=" + "x" * 9000
    run_id = store.start_run()
    store.save_probes(
        run_id, [ProbeResult(url=url, outcome="down", reason="HTTP 500", checked_at=T0, status=500)]
    )
    assert [p.status for p in store.probe_history(url)] == [500]


def test_empty_run_round_trip(store) -> None:
    run_id = store.start_run("check")
    store.save_probes(run_id, [])
    store.save_validations(run_id, [])
    store.save_scores(run_id, [])
    snap = store.load_snapshot(run_id)
    assert (snap.datasets, snap.probes, snap.scores, snap.catalogues) == ([], [], {}, [])
    assert snap.run.kind == "check"


def test_http_validators_come_back_for_the_urls_asked(store) -> None:
    """Asked for a few URLs (looked up by key) or for most of them (one scan of the
    table), the store gives each URL asked its own validators, and nothing for others."""
    from observatory.storage.cache import HttpValidators

    saved = [
        HttpValidators(f"https://h{i % 3}.test/f{i}.csv?x={'é' * i}", f'"e{i}"', None, i)
        for i in range(12)
    ]
    saved = [replace(v, changed_at=T0 - timedelta(days=i)) for i, v in enumerate(saved)]
    store.save_http_cache(saved, None)
    by_url = {v.url: v for v in saved}
    for asked in ([saved[3].url], [v.url for v in saved[1:11]], [saved[0].url, "https://none/"]):
        assert store.http_caches(asked * 2) == {u: by_url[u] for u in asked if u in by_url}


def test_scores_read_without_evidence_share_their_results(store) -> None:
    """Publishing reads a run's scores without their evidence: every result is the stored
    one but its evidence, and results with the same values are one object."""
    run_id, _, _, scores = _save_full_run(store)
    other = score_for("autre:jeu")
    other.results[1] = replace(other.results[1], fix_hint="Mettre à jour : autre texte.")
    store.save_scores(run_id, [other])
    light = store.load_snapshot(run_id, details=False).scores
    full = store.load_snapshot(run_id).scores
    assert light.keys() == full.keys()
    for key, score in full.items():
        assert [replace(r, evidence={}) for r in score.results] == light[key].results
        assert (light[key].pillars, light[key].overall) == (score.pillars, score.overall)
    first, second = light[scores[0].dataset_key].results, light["autre:jeu"].results
    assert first[0] is second[0]  # the same values: one object
    assert first[1] is not second[1] and first[1].fix_hint != second[1].fix_hint


def test_a_probe_holds_its_distribution_url_string(store) -> None:
    """A loaded run's probe of a distribution's file holds that distribution's URL string
    itself (250,000 probes: one copy of each URL, not two)."""
    run_id, _, _, _ = _save_full_run(store)
    snap = store.load_snapshot(run_id)
    urls = {u: u for d in snap.datasets for x in d.distributions for u in (x.url, x.download_url)}
    shared = [p for p in snap.probes if p.url in urls]
    assert shared and all(p.url is urls[p.url] for p in shared)
    assert all(p.final_url is p.url for p in shared if p.final_url == p.url)
