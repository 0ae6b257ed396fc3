"""What an observe run takes over from the previous one instead of doing it again.

- **Datasets**: each harvested catalogue is classified against the previous run
  (``harvest.incremental``, by content hash): unchanged datasets are copied in the store
  by SQL (``CarryDatasets``), new, changed and restored ones are saved; datasets a
  *complete* harvest no longer lists are kept, marked deleted with the date they were
  first missed; an incomplete harvest (failed page, page cap, crash) marks nothing deleted
  and keeps the datasets it did not read as last known.
- **Probes**: a file that is not due (``observe.schedule``: by its age and history, never
  within ``settings.reprobe_after`` seconds) is not requested again; the run links its
  latest probe (by the previous observe run or the frequent ``probe`` flow) as its own.
  Due ones are requested conditionally (ETag / Last-Modified); a 304 keeps the content
  type and size the last probe saw.
- **Scores**: an unchanged dataset keeps its previous score (a thin row sharing its values
  and criterion results) only when nothing it was computed from can have moved: same
  record, the very same probe for each of its files, no file under a Table Schema (the
  row-count criterion compares a report with the previous run's), not a reference dataset
  (their API checks run every time), the same scoring code and settings
  (``scoring.signature``), a score less than a week old (``MAX_SCORE_AGE``), and the
  clock still before the instant until which the score holds: the criteria that read the
  clock or the availability history state it with each verdict (a deadline, the next
  tenth of a day late, a future date reached; no instant once a file's 30-day uptime is
  judged). Anything else is scored again, so a carried score is the score a full run
  would give now.

Plain functions over explicit inputs; the observe engine (``observatory.observe``) composes them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from observatory.harvest.incremental import Changes, Known, classify_catalogue
from observatory.model import Catalogue, Dataset, ProbeResult
from observatory.pipeline import probe_targets, spdr_entry, validation_targets
from observatory.registry import Config
from observatory.scoring.context import aware
from observatory.storage.carry import CarryDatasets
from observatory.storage.state import ProbeRef, ScoreDates

Probed = ProbeRef  # a stored probe: row id, URL, date, outcome, content type and size


@dataclass
class CataloguePlan:
    """One harvested catalogue against the previous run."""

    changes: Changes
    fresh: Catalogue  # the catalogue with only the datasets to save anew
    gone: list[str] = field(default_factory=list)  # deleted now or before, still absent
    unseen: list[str] = field(default_factory=list)  # not read by an incomplete harvest

    def carry(self, previous_run_id: int, at: datetime) -> CarryDatasets:
        """What the store copies from the previous run for this catalogue."""
        return CarryDatasets(previous_run_id, self.changes.unchanged, self.gone, self.unseen, at)


def plan_catalogue(catalogue: Catalogue, known: Mapping[str, Known]) -> CataloguePlan:
    """Classify ``catalogue`` against what the previous run knew of it. Unchanged means
    the same content hash: a record date can stay put while what scoring reads moves (an
    edit the portal did not date, the platform's ``check:*`` extras), so dates are not
    trusted here. Datasets an incomplete harvest did not read are kept as last known
    (``unseen``): a failed page neither deletes them nor drops them from the run."""
    changes = classify_catalogue(catalogue, known, trust_dates=False)
    todo = set(changes.to_process)
    fresh = replace(catalogue, datasets=[d for d in catalogue.datasets if d.key in todo])
    seen = {d.key for d in catalogue.datasets}
    absent = [k for k in known if k not in seen]
    deleted = set(changes.deleted)
    still = [k for k in absent if known[k].deleted]
    unseen = [k for k in absent if not known[k].deleted and k not in deleted]
    return CataloguePlan(changes, fresh, sorted({*changes.deleted, *still}), sorted(unseen))


def change_counts(plans: Iterable[CataloguePlan]) -> dict[str, Any]:
    """new/changed/unchanged/restored/deleted summed over catalogues, and why deletions
    were not inferred where a harvest was incomplete."""
    total = {"new": 0, "changed": 0, "unchanged": 0, "restored": 0, "deleted": 0}
    skipped = []
    plans = list(plans)
    for p in plans:
        for name, count in p.changes.counts().items():
            total[name] += count
        if p.changes.deletions_skipped:
            skipped.append(f"{p.fresh.id}: {p.changes.deletions_skipped}")
    return total | {
        "still_deleted": sum(len(p.gone) for p in plans) - total["deleted"],
        "unseen": sum(len(p.unseen) for p in plans),
        "deletions_skipped": skipped,
    }


# -- probes ---------------------------------------------------------------------------


def latest_probes(*sources: Mapping[str, Probed]) -> dict[str, Probed]:
    """URL -> the most recent probe among ``sources`` (e.g. last observe run, probe flow)."""
    found: dict[str, Probed] = {}
    for source in sources:
        for url, probed in source.items():
            known = found.get(url)
            if known is None or aware(probed.checked_at) > aware(known.checked_at):
                found[url] = probed
    return found


def complete_not_modified(
    probes: list[ProbeResult], latest: Mapping[str, Probed]
) -> list[ProbeResult]:
    """A 304 answer has no body headers: keep the content type and size the last probe of
    the same URL saw, so an unchanged file is judged as it was."""
    out = []
    for p in probes:
        old = latest.get(p.url)
        if p.status == 304 and old is not None:
            p = replace(
                p,
                content_type=p.content_type or old.content_type,
                content_length=p.content_length
                if p.content_length is not None
                else old.content_length,
            )
        out.append(p)
    return out


# -- scores ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreInputs:
    """What decides whether an unchanged dataset's previous score still holds."""

    dates: Mapping[str, ScoreDates]  # previous run: key -> when scored, until when it holds
    previous_probes: Mapping[str, Probed]  # previous run: URL -> probe its scores used
    reused_probes: Mapping[str, Probed]  # this run: URL -> probe taken over
    cutoff: datetime  # scores computed before this are scored again
    now: datetime  # this run's clock
    same_scoring: bool  # the previous run scored with the same code and settings


def score_still_holds(dataset: Dataset, config: Config, inputs: ScoreInputs) -> bool:
    """True when a full run would give ``dataset`` (unchanged) the same score as before."""
    if not inputs.same_scoring or spdr_entry(dataset, config) is not None:
        return False
    dates = inputs.dates.get(dataset.key)
    if dates is None or dates.scored_at is None or aware(dates.scored_at) < inputs.cutoff:
        return False
    if dates.holds_until is None or aware(inputs.now) >= aware(dates.holds_until):
        return False  # a deadline passed, a day later, an uptime to judge: scored again
    if validation_targets([dataset]):  # the row-count criterion compares with last run
        return False
    for url in probe_targets([dataset]):
        now, before = inputs.reused_probes.get(url), inputs.previous_probes.get(url)
        if now is None or before is None or now.id != before.id:
            return False
    return True


def split_scoring(
    datasets: Iterable[Dataset], unchanged: set[str], config: Config, inputs: ScoreInputs
) -> tuple[set[str], list[str]]:
    """(keys to score, keys whose previous score is carried over). A key read twice (a
    paged harvest may repeat one) is carried only when every reading of it holds."""
    score: set[str] = set()
    carry: dict[str, None] = {}
    for dataset in datasets:
        if dataset.key in unchanged and score_still_holds(dataset, config, inputs):
            if dataset.key not in score:
                carry[dataset.key] = None
        else:
            score.add(dataset.key)
            carry.pop(dataset.key, None)
    return score, list(carry)


def probes_to_load(
    datasets: Iterable[Dataset], keys: Collection[str], reused: Mapping[str, Probed]
) -> list[int]:
    """Ids of the reused probes the datasets to score (``keys``) read."""
    urls = probe_targets(d for d in datasets if d.key in keys)
    return [reused[u].id for u in urls if u in reused]


#: A score that provably holds is still computed again once this old: a bound on how
#: long any fault in carrying one could last.
MAX_SCORE_AGE = timedelta(days=7)


def cutoff(now: datetime) -> datetime:
    """Scores computed before this are scored again (``MAX_SCORE_AGE``)."""
    return now - MAX_SCORE_AGE
