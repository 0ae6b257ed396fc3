"""Turn a stored run into the published site, and summarise a run for people."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from observatory.availability.legal import dataset_grid
from observatory.model import Dataset, ReferenceView, RunInfo, ScorePoint, Snapshot
from observatory.registry import Config
from observatory.storage.store import Store

if TYPE_CHECKING:
    from observatory.publish.site import Publication


def run_summary(snapshot: Snapshot) -> dict[str, Any]:
    """Counts a person wants after a run: datasets, probes, failed probes and sources, scores."""
    outcomes = Counter(p.outcome for p in snapshot.probes)
    scores = [s.overall for s in snapshot.scores.values() if s.overall is not None]
    spdr = {d.key for d in snapshot.datasets if d.spdr}
    spdr_scores = [
        s.overall for k, s in snapshot.scores.items() if k in spdr and s.overall is not None
    ]
    return {
        "datasets": len(snapshot.datasets),
        "spdr_datasets": len(spdr),
        "distributions": sum(len(d.distributions) for d in snapshot.datasets),
        "probes": len(snapshot.probes),
        "outcomes": dict(outcomes),
        "failed_probes": sum(n for outcome, n in outcomes.items() if outcome != "up"),
        "invalid_files": sum(1 for v in snapshot.validations if not v.valid),
        "failed_sources": [c.id for c in snapshot.catalogues if not c.ok],
        "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
        "mean_spdr_score": round(sum(spdr_scores) / len(spdr_scores), 1) if spdr_scores else None,
    }


def _earlier_failing(
    store: Store, run_id: int, limit: int
) -> Iterator[tuple[RunInfo, set[tuple[str, str]]]]:
    """Finished observe runs before ``run_id``, newest first, each with its failing
    (dataset key, criterion id) pairs, read one run at a time."""
    from observatory.publish.since import FAILING

    runs = {run.id: run for run in store.list_runs(kind="observe")}
    previous = store.previous_run_id(run_id)
    while previous is not None and limit > 0:
        yield runs[previous], store.failing_criteria(previous, FAILING)
        previous = store.previous_run_id(previous)
        limit -= 1


def spdr_targets(
    config: Config, datasets: list[Dataset]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The files and APIs of each SPDR dataset whose availability a site shows:
    (URL -> name shown, SPDR key -> its data files' URLs)."""
    from observatory.publish.pages import find_spdr
    from observatory.scoring.context import NON_DATA_TYPES

    names: dict[str, str] = {}
    files: dict[str, list[str]] = {}
    for entry in config.spdr:
        found = find_spdr(entry, datasets)
        files[entry.key] = []
        for dist in found.distributions if found else []:
            url = dist.download_url or dist.url
            if url and (dist.type or "main") not in NON_DATA_TYPES:
                names.setdefault(url, f"{entry.name} — {dist.title or url}")
                files[entry.key].append(url)
        for check in entry.apis:
            names.setdefault(check.url, f"{entry.name} — {check.name}")
    return names, files


def publish_inputs(store: Store, current: Snapshot, config: Config, history_runs: int = 30) -> Any:
    """Availability figures of each SPDR file and API, and since when each failing
    criterion fails (at most ``history_runs`` runs back)."""
    from observatory.publish.inputs import PublishInputs
    from observatory.publish.since import failing_since_runs

    now = current.run.finished_at or current.run.started_at
    names, files = spdr_targets(config, current.datasets)
    availability = {url: store.availability(url, now) for url in names}
    grids = {
        e.key: dataset_grid(files[e.key], [c.url for c in e.apis], availability, now)
        for e in config.spdr
    }
    apply_legal_grid(current, config, grids)
    return PublishInputs(
        availability=availability,
        since=failing_since_runs(current, _earlier_failing(store, current.run.id, history_runs)),
        names=names,
        now=now,
        legal_grid=grids,
        structure_changes=store.structure_changes(
            [e.key for e in config.spdr], until=current.run.started_at
        ),
    )


def apply_legal_grid(
    current: Snapshot, config: Config, grids: dict[str, dict[str, dict[str, Any]]]
) -> None:
    """Put each SPDR dataset's monthly availability verdicts into its score's legal view
    (scoring cannot read the history; publishing does, so every page states the same)."""
    from observatory.publish.pages import find_spdr

    for entry in config.spdr:
        found = find_spdr(entry, current.datasets)
        score = current.scores.get(found.key) if found else None
        if score is None or not score.legal:
            continue
        for obligation, grid in grids.get(entry.key, {}).items():
            score.legal[obligation] = grid["headline"]


def runs_until(runs: list[RunInfo], run: RunInfo) -> list[RunInfo]:
    """The runs started by ``run`` (by start, then id): what a page of ``run`` may list."""
    return [r for r in runs if (r.started_at, r.id) <= (run.started_at, run.id)]


#: Registry fields a site does not depend on (the store is read; the folder is the target).
NOT_PUBLISHED = {"database_url", "reports_dir", "source_path"}


def site_fingerprint(store: Store, run_id: int, config: Config, methodology: str) -> str:
    """The fingerprint of publishing ``run_id`` (``publish.fingerprint``), from a few cheap
    queries: no snapshot is loaded."""
    from observatory.publish.fingerprint import fingerprint

    spdr = store.spdr_datasets(run_id, [e.id for e in config.spdr])
    names, _files = spdr_targets(config, spdr)
    state = store.publication_state(
        run_id, store.previous_run_id(run_id), sorted(names), [e.key for e in config.spdr]
    )
    settings = config.model_dump(mode="json", exclude=NOT_PUBLISHED)
    return fingerprint(state, settings, methodology)


def publish_run(
    store: Store, run_id: int, config: Config, out_dir: Path | None = None, force: bool = False
) -> Publication:
    """Render the site for ``run_id`` (compared with its previous run) into the reports folder.

    Everything is read from the store as of that run (its views, its clock, no later run,
    score or probe), so a past run's pages render again byte for byte. When the folder
    already holds this very publication (same fingerprint, no file touched since), nothing
    is rendered and the result says ``up_to_date``, unless ``force``."""
    from observatory.publish.fingerprint import up_to_date
    from observatory.publish.site import Publication, render_site
    from observatory.publish.sync import SyncCounts
    from observatory.scoring.docs import methodology_markdown

    target = Path(out_dir or config.reports_dir).absolute()
    methodology = methodology_markdown()
    print_ = site_fingerprint(store, run_id, config, methodology)
    manifest = None if force else up_to_date(target, print_)
    if manifest is not None:
        return Publication(target, SyncCounts(unchanged=manifest.get("files", 0)), True, print_)
    current = store.load_snapshot(run_id, details=False)  # read a batch at a time below
    previous_id = store.previous_run_id(run_id)
    previous = comparison_snapshot(store, previous_id) if previous_id else None
    return render_site(
        target,
        current,
        previous,
        runs_until(store.list_runs(kind="observe"), current.run),
        spdr=list(config.spdr),
        methodology_md=methodology,
        inputs=publish_inputs(store, current, config),
        listing_page_size=config.settings.listing_page_size,
        fingerprint=print_,
        details=StoreDetails(store, run_id, current.run),
    )


@dataclass(frozen=True)
class StoreDetails:
    """The criteria evidence, reference views and score histories of ``run_id``, read from
    the store a batch of datasets at a time (``publish.details.Details``)."""

    store: Store
    run_id: int
    run: RunInfo | None = None  # its histories stop at this run (None: at the latest)

    def evidence(self, keys: list[str]) -> dict[str, list[dict[str, Any]]]:
        return self.store.result_evidence(self.run_id, keys)

    def views(self, keys: list[str]) -> dict[str, ReferenceView]:
        return self.store.reference_views(self.run_id, keys)

    def mqa_totals(self) -> dict[str, float]:
        return self.store.mqa_totals(self.run_id)

    def histories(self, keys: list[str]) -> dict[str, list[ScorePoint]]:
        return self.store.score_histories(keys, until=self.run)


def comparison_snapshot(store: Store, run_id: int) -> Snapshot:
    """The previous run as a publication compares with it: its run, its scores and which
    datasets it saw. Nothing else of it is read (records, probes, validations, views):
    each of its datasets stands as its key alone, with an empty catalogue and title, and
    its criterion results are outlines (id, pillar and status: ``Store.score_outlines``)."""
    runs = {run.id: run for run in store.list_runs(kind="observe")}
    return Snapshot(
        run=runs[run_id],
        datasets=[Dataset(key, "", "", "") for key in store.dataset_keys(run_id)],
        scores=store.score_outlines(run_id),
    )


def latest_run_id(store: Store) -> int | None:
    runs = [r for r in store.list_runs(kind="observe") if r.status != "running"]
    return runs[0].id if runs else None
