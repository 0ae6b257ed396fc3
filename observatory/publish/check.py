"""``observatory check URL``: diagnose one dataset, resource, catalogue or API right now.

The URL may be a udata dataset page (``/fr/datasets/<slug>/``) or API record
(``/api/1/datasets/<id>/``), a DCAT (or other) catalogue, a single file or an API
endpoint. It is harvested, probed, validated and scored with the same library as a run,
and the result holds the same diagnosis as the site: criterion results and a fix list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from observatory.model import (
    CriterionResult,
    Dataset,
    DatasetScore,
    Distribution,
    ProbeResult,
    ValidationReport,
    to_jsonable,
)
from observatory.net.fetch import HttpSettings
from observatory.publish import labels
from observatory.publish.why import why
from observatory.registry import Config, SpdrEntry

if TYPE_CHECKING:
    from observatory.storage.store import Store

EXIT_OK, EXIT_FAIL, EXIT_UNREADABLE = 0, 1, 2
_PAGE = re.compile(r"^(?:/[a-z]{2})?/datasets/([^/?#]+)/?$")
#: Criteria that still mean something for a lone file or API (no catalogue metadata).
RESOURCE_CRITERIA = (
    "availability.files",
    "conformity.format_match",
    "conformity.open_format",
    "conformity.machine_readable",
    "conformity.schema",
)


@dataclass
class CheckResult:
    url: str
    kind: str  # dataset | catalogue | resource | api | unreadable
    checked_at: datetime
    readable: bool = True
    error: str | None = None
    datasets: list[Dataset] = field(default_factory=list)
    scores: list[DatasetScore] = field(default_factory=list)
    probes: list[ProbeResult] = field(default_factory=list)
    validations: list[ValidationReport] = field(default_factory=list)

    def failures(self) -> list[tuple[Dataset, CriterionResult]]:
        """Failed and partial criteria, heaviest first (the fix list)."""
        by_key = {d.key: d for d in self.datasets}
        found = [
            (by_key[s.dataset_key], r)
            for s in self.scores
            if s.dataset_key in by_key
            for r in s.results
            if r.status in ("fail", "partial")
        ]
        return sorted(found, key=lambda f: (-f[1].weight, f[1].status != "fail"))


def api_url_of(url: str) -> str | None:
    """``https://host/fr/datasets/<slug>/`` -> ``https://host/api/1/datasets/<slug>/``."""
    parts = urlsplit(url)
    match = _PAGE.match(parts.path)
    if not match or "/api/" in parts.path:
        return None
    return urlunsplit((parts.scheme, parts.netloc, f"/api/1/datasets/{match.group(1)}/", "", ""))


def _spdr(dataset: Dataset, config: Config) -> SpdrEntry | None:
    by_key = {e.key: e for e in config.spdr}
    return by_key.get(dataset.spdr or "") or config.spdr_by_id().get(dataset.source_id)


def _urls(result: CheckResult) -> list[str]:
    """Every file and API URL of the check, for their availability history."""
    return [p.url for p in result.probes]


def _score(
    result: CheckResult, config: Config, http: HttpSettings, store: Store | None = None
) -> None:
    """Probe, validate and score every dataset of ``result`` (fills it in place), with the
    observe engine's context builder; ``store`` adds the availability history it holds."""
    from observatory.inspect.tabular import validate_resource
    from observatory.pipeline import probe_targets, validation_targets
    from observatory.probes.batch import check_apis, probe_many
    from observatory.scoring.context import ScoringInputs, build_contexts
    from observatory.scoring.engine import score_all
    from observatory.scoring.history import load_availability

    s = config.settings
    if not result.probes:
        result.probes = probe_many(probe_targets(result.datasets), http, slow_ms=s.slow_ms)
    result.validations = [
        validate_resource(
            t.url,
            t.schema_url,
            http,
            distribution_key=t.distribution_key,
            max_bytes=s.validate_max_bytes,
        )
        for t in validation_targets(result.datasets)
    ]
    api_probes = {}
    for entry in {e.key: e for d in result.datasets if (e := _spdr(d, config))}.values():
        if entry.apis:
            api_probes[entry.key] = check_apis(list(entry.apis), http, slow_ms=s.slow_ms)
            result.probes += api_probes[entry.key]
    inputs = ScoringInputs(
        now=result.checked_at,
        probes={p.url: p for p in result.probes if p.target == "file"},
        api_probes=api_probes,
        validations={v.distribution_key: v for v in result.validations if v.distribution_key},
        availability=load_availability(store, _urls(result), result.checked_at) if store else {},
    )
    contexts = list(build_contexts(result.datasets, inputs, config, spdr_of=_spdr))
    result.scores = score_all(contexts, config.weights)


def _lone_url(result: CheckResult, config: Config, http: HttpSettings) -> None:
    """Not a catalogue: probe it as a file, call it an API when it answers JSON."""
    from observatory.probes.http import probe_url
    from observatory.scoring.engine import overall_score, pillar_scores

    probe = probe_url(result.url, http, slow_ms=config.settings.slow_ms, now=result.checked_at)
    result.probes = [probe]
    if probe.outcome in ("down", "refused") or (probe.status or 0) >= 400:
        result.readable, result.kind = False, "unreadable"
        result.error = f"{result.url} : {probe.reason}"
        return
    ctype = (probe.content_type or "").split(";")[0].strip().lower()
    result.kind = "api" if ctype.endswith("json") and "geo" not in ctype else "resource"
    path = urlsplit(result.url).path
    fmt = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else None
    dist = Distribution(key=f"check:{result.url}", url=result.url, format=fmt, media_type=ctype)
    title = path.rsplit("/", 1)[-1] or result.url
    result.datasets = [
        Dataset(f"check:{result.url}", "check", result.url, title, distributions=[dist])
    ]
    _score(result, config, http)
    for score in result.scores:
        score.results = [r for r in score.results if r.criterion_id in RESOURCE_CRITERIA]
        score.pillars = pillar_scores(score.results)
        score.overall = overall_score(score.pillars, config.weights)


def check_url(
    url: str, config: Config, http: HttpSettings, store: Store | None = None
) -> CheckResult:
    """Harvest, probe, validate and score what ``url`` points to, now. Never raises on
    network errors: an unreadable URL gives ``readable=False`` (exit code 2)."""
    from observatory.harvest.source import harvest_source
    from observatory.net.fetch import FetchError

    result = CheckResult(url=url, kind="dataset", checked_at=datetime.now(UTC))
    api = api_url_of(url)
    source = api or url
    catalogue = harvest_source(
        source,
        None,  # told by the readers (a udata API record's address says udata)
        http,
        config.settings.max_pages,
        "check",
        shacl=config.settings.shacl_limit,
    )
    if catalogue.datasets and not _plain_csv(catalogue.kind, source, http):
        result.datasets = [d for d in catalogue.datasets if not d.deleted]
        one = api is not None or "/api/1/datasets/" in url or "/api/2/datasets/" in url
        result.kind = "dataset" if one and len(result.datasets) == 1 else "catalogue"
        _score(result, config, http, store)
        return result
    codes = {e.kind for e in catalogue.errors}
    if api is not None or codes - {"unknown-kind", "parse", "empty"} and not _answers(url, http):
        result.readable, result.kind = False, "unreadable"
        result.error = "; ".join(e.message for e in catalogue.errors) or "aucun jeu de données lu"
        return result
    try:
        _lone_url(result, config, http)
    except FetchError as exc:
        result.readable, result.kind, result.error = False, "unreadable", exc.message
    return result


def _plain_csv(kind: str, url: str, http: HttpSettings) -> bool:
    """A CSV file that is not a catalogue export (the harvester assumes one by suffix)."""
    if kind != "catalog-csv":
        return False
    from observatory.harvest.catalog_csv import sniff_header
    from observatory.net.fetch import FetchError, open_stream

    try:
        response, _ = open_stream(url, http, headers={"Accept": "*/*"})
    except FetchError:
        return False
    try:
        head = next(response.raw.stream(65536, decode_content=True), b"")
    finally:
        response.close()
    return sniff_header(head) is None


def _answers(url: str, http: HttpSettings) -> bool:
    """Whether the URL answers at all (a file that is not a catalogue still answers)."""
    from observatory.probes.http import probe_url

    probe = probe_url(url, http)
    return probe.outcome not in ("down", "refused") and (probe.status or 0) < 400


def exit_code(result: CheckResult) -> int:
    """2 when the URL could not be read, 1 when a criterion fails, 0 otherwise."""
    if not result.readable:
        return EXIT_UNREADABLE
    failing = any(r.status == "fail" for s in result.scores for r in s.results)
    return EXIT_FAIL if failing else EXIT_OK


KIND_LABELS = {
    "dataset": "jeu de données",
    "catalogue": "catalogue",
    "resource": "ressource",
    "api": "API",
    "unreadable": "adresse illisible",
}


def render_text(result: CheckResult) -> str:
    """The diagnosis in French, for a terminal."""
    lines = [
        f"Vérification de {result.url}",
        f"  nature : {KIND_LABELS.get(result.kind, result.kind)}, "
        f"le {labels.fmt_datetime(result.checked_at)}",
    ]
    if not result.readable:
        lines.append(f"  ILLISIBLE : {result.error}")
        return "\n".join(lines) + "\n"
    scores = {s.dataset_key: s for s in result.scores}
    for dataset in result.datasets:
        score = scores.get(dataset.key)
        lines += [
            "",
            f"{dataset.title}",
            f"  note globale : {labels.fmt_score(score.overall if score else None)} / 100",
        ]
        if score:
            pillars = ", ".join(
                f"{labels.PILLAR_LABELS[p].lower()} {labels.fmt_score(v)}"
                for p, v in score.pillars.items()
            )
            lines.append(f"  piliers : {pillars}")
            for r in score.results:
                mark = {"pass": "✔", "fail": "✘", "partial": "~", "na": "-"}[r.status]
                lines.append(
                    f"  {mark} {r.label or r.criterion_id} ({labels.STATUS_LABELS[r.status]})"
                )
    fixes = result.failures()
    lines += ["", "Corrections à apporter :" if fixes else "Aucune correction à apporter."]
    for i, (dataset, r) in enumerate(fixes, start=1):
        lines.append(f"  {i}. {dataset.title} — {r.label or r.criterion_id}")
        lines.append(f"     pourquoi : {why(r.criterion_id, r.pillar)}")
        lines.append(f"     comment : {r.fix_hint or 'voir le détail du critère'}")
    return "\n".join(lines) + "\n"


def to_json(result: CheckResult) -> dict[str, Any]:
    """The diagnosis as plain JSON values."""
    return {
        "url": result.url,
        "kind": result.kind,
        "checked_at": result.checked_at.isoformat(),
        "readable": result.readable,
        "error": result.error,
        "exit_code": exit_code(result),
        "datasets": [
            {
                "key": d.key,
                "title": d.title,
                "source_id": d.source_id,
                "landing_page": d.landing_page,
            }
            for d in result.datasets
        ],
        "scores": to_jsonable(result.scores),
        "fixes": [
            {
                "dataset_key": d.key,
                "dataset_title": d.title,
                "criterion_id": r.criterion_id,
                "label": r.label,
                "status": r.status,
                "weight": r.weight,
                "why": why(r.criterion_id, r.pillar),
                "fix_hint": r.fix_hint,
            }
            for d, r in result.failures()
        ],
        "probes": to_jsonable(result.probes),
    }
