"""What a publication reads a few hundred datasets at a time: evidence, reference views
and score histories.

A run's criteria evidence and reference views are most of its memory at portal scale, and
the score histories grow with every run kept.
``report.publish_run`` therefore loads the run without them
(``Store.load_snapshot(details=False)``) and hands a ``Details`` reading them from the
store. Their only full readers, the dataset pages and the criteria export, take them here
batch by batch and let them go; the catalogue pages need one figure of the views, each
dataset's MQA total, read alone. A snapshot built in memory holds its details itself
(``SnapshotDetails``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any, Protocol, TypeVar

from observatory.machine import release_free_memory
from observatory.model import DatasetScore, ReferenceView, ScorePoint, Snapshot

#: Datasets read together for their pages (their evidence and views held meanwhile).
BATCH = 500
T = TypeVar("T")
#: Dataset keys -> the evidence of each of their scores' results, in the results' order.
EvidenceSource = Callable[[list[str]], dict[str, list[dict[str, Any]]]]


class Details(Protocol):
    """A run's details, asked for a batch of datasets at a time."""

    def evidence(self, keys: list[str]) -> dict[str, list[dict[str, Any]]]:
        """Dataset key -> the evidence of each of its score's results, in their order."""
        ...

    def views(self, keys: list[str]) -> dict[str, ReferenceView]:
        """Dataset key -> its stored reference views (none for a dataset without)."""
        ...

    def mqa_totals(self) -> dict[str, float]:
        """Dataset key -> its stored MQA total, for every dataset of the run."""
        ...

    def histories(self, keys: list[str]) -> dict[str, list[ScorePoint]]:
        """Dataset key -> its last scores up to the run, oldest first (a chart's points)."""
        ...


@dataclass(frozen=True)
class SnapshotDetails:
    """The details a snapshot loaded whole (or built in memory) holds itself, and the
    score histories given with it."""

    snapshot: Snapshot
    history: Mapping[str, list[ScorePoint]] = field(default_factory=dict)

    def evidence(self, keys: list[str]) -> dict[str, list[dict[str, Any]]]:
        scores = self.snapshot.scores
        return {k: [r.evidence for r in scores[k].results] for k in keys if k in scores}

    def views(self, keys: list[str]) -> dict[str, ReferenceView]:
        views = self.snapshot.views
        return {k: views[k] for k in keys if k in views}

    def mqa_totals(self) -> dict[str, float]:
        return {k: float(v.mqa["total"]) for k, v in self.snapshot.views.items()}

    def histories(self, keys: list[str]) -> dict[str, list[ScorePoint]]:
        return {k: self.history[k] for k in keys if k in self.history}


def batches(items: Iterable[T], size: int | None = None) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (``BATCH`` when not given)."""
    found = iter(items)
    while part := list(islice(found, size or BATCH)):
        yield part


def with_evidence(
    scores: Mapping[str, DatasetScore],
    keys: Iterable[str],
    source: EvidenceSource,
    batch: int | None = None,
) -> Iterator[tuple[str, DatasetScore | None]]:
    """Each of ``keys`` with its score (None when it has none), a copy whose results hold
    the evidence ``source`` gives, asked ``batch`` keys at a time."""
    for part in batches(keys, batch):
        release_free_memory()  # what the previous batch's pages or rows were made of
        found = source([k for k in part if k in scores])
        for key in part:
            score = scores.get(key)
            yield key, (_filled(score, found.get(key, [])) if score is not None else None)


def _filled(score: DatasetScore, evidence: list[dict[str, Any]]) -> DatasetScore:
    if len(evidence) != len(score.results):
        raise LookupError(
            f"the store holds evidence for {len(evidence)} criterion results of dataset "
            f"{score.dataset_key!r}, whose score has {len(score.results)}"
        )
    results = [replace(r, evidence=e) for r, e in zip(score.results, evidence, strict=True)]
    return replace(score, results=results)
