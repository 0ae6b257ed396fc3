"""Render the whole static site for one run, then put the files that changed in place.

Everything is written into a temporary folder beside ``out_dir`` (same filesystem); only
when every page and export is written do the files whose bytes changed replace the
published ones, one whole file at a time (``sync``). A failure while rendering leaves the
previous site as it was; so does an exception while files are being replaced.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from observatory import i18n
from observatory.model import Dataset, DatasetScore, ReferenceView, RunInfo, ScorePoint, Snapshot
from observatory.publish import (
    amdac,
    apijson,
    dqv,
    ecosphere,
    etalab,
    exports,
    labels,
    legal_view,
    listings,
    pager,
    pages,
    paths,
    recognition,
    reference,
    reusers,
    search,
    sync,
)
from observatory.publish.details import Details, SnapshotDetails, batches, with_evidence
from observatory.publish.fingerprint import forget_manifest, tree_digest, write_manifest
from observatory.publish.helper import Helper
from observatory.publish.inputs import PublishInputs
from observatory.publish.mdrender import render_markdown
from observatory.publish.sync import SyncCounts
from observatory.publish.views import WORST_N, SiteData, worst
from observatory.registry import SpdrEntry

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_METHODOLOGY = (
    "La méthodologie détaillée n'a pas été fournie pour cette publication. "
    "Chaque note est la moyenne pondérée des critères applicables de quatre piliers : "
    "complétude, fraîcheur, conformité et disponibilité."
)
History = dict[str, list[ScorePoint]]


def make_env() -> Environment:
    """The Jinja2 environment: autoescape on, strict undefined, French filters.

    The i18n extension and the ``outcome``, ``reason`` and ``evidence_key`` filters draw on
    the one message catalogue (observatory.i18n)."""
    words = i18n.catalogue()
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        extensions=["jinja2.ext.i18n"],
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates are the package's: no stat per page to check them
    )
    env.filters.update(
        score=labels.fmt_score,
        num=labels.fmt_number,
        when=labels.fmt_datetime,
        day=labels.fmt_date,
        outcome=words.outcome,
        reason=words.reason,
        evidence_key=words.evidence_key,
        frequency=words.frequency,
    )
    env.install_gettext_translations(words.translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        web_url=paths.web_url,
        dataset_page=paths.dataset_page,
        catalogue_page=paths.catalogue_page,
        theme_page=paths.theme_page,
        pct=reusers.pct,
        legal_label=labels.legal_label,
        verdict_words=labels.verdict_words,
        PILLAR_LABELS=labels.PILLAR_LABELS,
        PILLARS=list(labels.PILLAR_LABELS),
    )
    return env


class _Renderer:
    """Writes pages under one root with the context every page shares."""

    def __init__(self, root: Path, common: dict[str, Any]) -> None:
        self.root = root
        self.env = make_env()
        self.common = common

    def page(self, rel_path: str, template: str, **context: Any) -> None:
        target = self.root / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        up = "../" * rel_path.count("/")
        html = self.env.get_template(template).render(
            **self.common, **context, root=up, here=rel_path
        )
        target.write_text(html, encoding="utf-8")


def _datasets(
    out: _Renderer,
    data: SiteData,
    spdr: list[SpdrEntry],
    legal: legal_view.LegalPublication,
) -> None:
    """Each dataset's page and JSON mirror, a batch of datasets at a time with their
    evidence, views and score history (``publish.details``)."""
    entries = {}
    for entry in spdr:
        found = pages.find_spdr(entry, data.current.datasets)
        if found is not None:
            entries[found.key] = entry
    for dataset, score, views, history in _with_details(data):
        spdr_entry = entries.get(dataset.key)
        ctx = pages.dataset_context(data, dataset, spdr_entry, history, score, views)
        out.page(
            paths.dataset_page(dataset.key),
            "dataset.html.j2",
            badges=reusers.badge_paths(spdr_entry.key) if spdr_entry else None,
            quality_badge=reusers.badge_paths(dataset.key)[1],
            spdr_legal=legal.dataset_view(spdr_entry.key, dataset) if spdr_entry else None,
            **ctx,
        )
        apijson.write(out.root, ctx["json"], apijson.dataset_record(ctx))


def _with_details(
    data: SiteData,
) -> Iterator[tuple[Dataset, DatasetScore | None, ReferenceView, list[ScorePoint] | None]]:
    """Each dataset with its score holding its evidence, its reference views and its score
    history, read a batch at a time."""
    for part in batches(data.current.datasets):
        keys = [d.key for d in part]
        stored = data.details.views(keys)
        histories = data.details.histories(keys)
        scored = with_evidence(data.current.scores, keys, data.details.evidence, len(keys))
        for dataset, (_key, score) in zip(part, scored, strict=True):
            views = reference.views_for(data, dataset, stored)
            yield dataset, score, views, histories.get(dataset.key)


def _catalogues(out: _Renderer, data: SiteData, deleted: list[Dataset], size: int) -> None:
    for status in data.current.catalogues:
        ctx = pages.catalogue_context(data, status)
        ctx["deleted"] = [d for d in deleted if d.catalogue_id == status.id]
        ctx["diag"] = ecosphere.diagnosis(ctx["rows"], data)
        page = paths.catalogue_page(status.id)
        listing = paths.catalogue_listing(status.id)
        heading = (f"{status.name} : jeux de données", "de cette source", (page, status.name))
        listings.write_rows_with_todos(out, listing, ctx["rows"], size, heading)
        out.page(
            page,
            "catalogue.html.j2",
            listing=listing,
            worst_rows=worst(ctx["rows"]),
            todo_head=ctx["diag"]["todos"][:WORST_N],
            **ctx,
        )
        apijson.write(out.root, paths.api_path(page), apijson.catalogue_record(ctx, listing))


Notice = tuple[str, Any, str, Future[Markup]]  # page, organisation, Markdown file, its HTML


def _organisations(
    out: _Renderer, data: SiteData, inputs: PublishInputs, size: int, helper: Helper
) -> tuple[list[Any], list[Notice]]:
    """Every organisation's page, listings, exports and notice text; the notices' pages
    are written by ``_notice_pages`` once the helper has rendered their Markdown."""
    orgs = pages.organisations(data)
    notices: list[Notice] = []
    rows = {row["key"]: row for row in exports.dataset_rows(data.current)}  # once, not per org
    for org in orgs:
        ctx = pages.organisation_context(data, org, inputs.since)
        csv_datasets, csv_fixes = paths.organisation_exports(org.key)
        _organisation_listings(out, ctx, csv_fixes, size)
        out.page(
            org.page,
            "organisation.html.j2",
            csv=(csv_datasets, csv_fixes),
            worst_rows=worst(ctx["rows"]),
            fix_head=ctx["fixes"][:WORST_N],
            **ctx,
        )
        exports.organisation_exports(
            (out.root / csv_datasets, out.root / csv_fixes),
            [rows[d.key] for d in org.datasets],
            [amdac.fix_record(f) for f in ctx["fixes"]],
        )
        md_path, html_path = ctx["notice"]
        up = "../" * md_path.count("/")  # the notice's links are relative to its folder
        full = (up + ctx["fixes_listing"], up + csv_fixes)
        now = _now(data, inputs)
        text = amdac.notice_markdown(org.name, ctx["fixes"], data.current.run, now, full)
        (out.root / md_path).parent.mkdir(parents=True, exist_ok=True)
        (out.root / md_path).write_text(text, encoding="utf-8")
        notices.append((html_path, org, md_path, helper.markdown(text)))
        apijson.write(out.root, ctx["json"], apijson.organisation_record(ctx))
    return orgs, notices


def _notice_pages(out: _Renderer, notices: list[Notice]) -> None:
    for html_path, org, md_path, body in notices:
        out.page(html_path, "notice.html.j2", org=org, body=body.result(), md=md_path)


def _organisation_listings(out: _Renderer, ctx: dict[str, Any], csv: str, size: int) -> None:
    """An organisation's datasets with what hampers each, and its fixes, page by page."""
    org = ctx["org"]
    back = (org.page, org.name)
    heading = (f"{org.name} : jeux de données", "de cette organisation", back)
    listings.write_rows_with_todos(out, ctx["listing"], ctx["rows"], size, heading)
    label = f"{org.name} : corrections"
    listings.write_fixes(out, ctx["fixes_listing"], ctx["fixes"], size, (label, back, csv))


def _now(data: SiteData, inputs: PublishInputs) -> datetime:
    return inputs.now or data.current.run.finished_at or data.current.run.started_at


def _reusers(
    out: _Renderer, data: SiteData, targets: list[reusers.Target], inputs: PublishInputs
) -> None:
    out.page("disponibilite.html", "availability.html.j2", **reusers.availability_context(targets))
    reusers.write_badges(out.root, targets, data, _now(data, inputs))
    apijson.write(
        out.root,
        "api/availability.json",
        {
            "open_incident_count": len(reusers.open_incidents(targets)),
            "targets": [reusers.target_record(t) for t in targets],
        },
    )


def _recognition(out: _Renderer, data: SiteData, orgs: list[Any]) -> None:
    found = recognition.laureates(data, orgs)
    out.page("reconnaissance.html", "recognition.html.j2", laureates=found)
    apijson.write(
        out.root,
        "api/reconnaissance.json",
        [
            {
                "organisation": la.org.name,
                "before": la.before,
                "after": la.after,
                "gain": la.gain,
                "fixed": [{"dataset": f.row.dataset.title, "criterion": f.label} for f in la.fixed],
            }
            for la in found
        ],
    )


def _editions(
    out: _Renderer,
    data: SiteData,
    spdr_rows: list[Any],
    inputs: PublishInputs,
    old_site: Path | None,
    methodology: Any,
    legal: legal_view.LegalPublication,
) -> None:
    """Carry older editions over, write (or replace) the run's own day, list them all."""
    day = etalab.edition_day(data.current)
    days = etalab.existing_days(old_site) if old_site else []
    write = etalab.should_write(day, days)
    if old_site:
        etalab.carry_editions(old_site, out.root, day if write else None)
    if write:
        keys = [i.row.dataset.key for i in spdr_rows if i.row is not None]
        history = data.details.histories(keys)
        ctx = etalab.edition_context(day, spdr_rows, data, inputs, history, days)
        ctx |= legal.edition_view()
        folder = f"{etalab.EDITIONS}/{day}"
        out.page(f"{folder}/index.html", "edition.html.j2", **ctx)
        out.page(f"{folder}/methodologie.html", "methodology.html.j2", body=methodology)
        etalab.write_edition_data(
            out.root / folder, etalab.edition_record(ctx, data.current.run.id)
        )
    listed = etalab.editions_index(out.root)
    out.page(f"{etalab.EDITIONS}/index.html", "editions.html.j2", editions=listed)
    apijson.write(out.root, "api/editions.json", listed)


def _build(
    root: Path,
    current: Snapshot,
    previous: Snapshot | None,
    runs: list[RunInfo],
    spdr: list[SpdrEntry],
    history: History | None,
    methodology_md: str | None,
    title: str,
    inputs: PublishInputs,
    old_site: Path | None,
    listing_page_size: int,
    helper: Helper,
    details: Details | None,
) -> None:
    deleted = [d for d in current.datasets if d.deleted]
    if deleted:  # gone from their source, kept in the store: named on their catalogue page
        current = replace(current, datasets=[d for d in current.datasets if not d.deleted])
    data = SiteData(current, previous, details or SnapshotDetails(current, history or {}))
    out = _Renderer(root, {"site_title": title, "run": current.run, "previous_run": previous})
    (root / "assets").mkdir(parents=True, exist_ok=True)
    for asset in ("style.css", "recherche.js"):
        shutil.copyfile(TEMPLATES / asset, root / "assets" / asset)
    index = pages.index_context(data, spdr)
    targets = reusers.targets(index["spdr_rows"], data, inputs)
    index["summary"]["open_incident_count"] = len(reusers.open_incidents(targets))
    legal = legal_view.publication(
        index["spdr_rows"], inputs, _now(data, inputs), etalab.past_records(old_site, current)
    )
    (root / "data").mkdir()
    dqv_files = helper.submit(
        dqv.write_packed, root / "data", dqv.packed(current), legal.grid.records()
    )
    rows = data.rows(sorted(current.datasets, key=lambda d: d.title.lower()))
    themes = listings.write_themes(out, rows, listing_page_size)
    listings.write_datasets(out, rows, listing_page_size)
    listings.write_organisations(out, index["organisations"], listing_page_size)
    index |= {
        "worst_rows": worst(index["other_rows"]),
        "themes": themes,
        "top_organisations": listings.top_organisations(index["organisations"]),
        "datasets_listing": paths.DATASETS_LISTING,
        "organisations_listing": paths.ORGANISATIONS_LISTING,
    }
    out.page("index.html", "index.html.j2", **index)
    apijson.write(
        root,
        "api/index.json",
        {
            "run": current.run,
            "summary": index["summary"],
            "spdr": [apijson.spdr_record(i) for i in index["spdr_rows"]],
            "others_worst": [apijson.row_record(r) for r in index["worst_rows"]],
            "datasets": paths.api_path(paths.DATASETS_LISTING),
            "themes": "api/thematiques.json",
            "catalogues": [c["status"] for c in index["catalogues"]],
            "organisations": [
                {"name": o.name, "page": o.page, "json": paths.api_path(o.page)}
                for o in index["top_organisations"]
            ],
            "all_organisations": paths.api_path(paths.ORGANISATIONS_LISTING),
        },
    )
    # organisations first: their notices render in the helper process meanwhile
    orgs, notices = _organisations(out, data, inputs, listing_page_size, helper)
    records = helper.until_failed(search.site_records(data, orgs, themes))
    indexed = helper.background(search.write_index, root, records)  # Pagefind meanwhile
    _datasets(out, data, spdr, legal)
    _catalogues(out, data, deleted, listing_page_size)
    _notice_pages(out, notices)
    body = render_markdown(methodology_md or DEFAULT_METHODOLOGY)
    out.page("methodology.html", "methodology.html.j2", body=body)
    out.page("runs.html", "runs.html.j2", **pages.runs_context(runs))
    _reusers(out, data, targets, inputs)
    _recognition(out, data, orgs)
    out.page("recherche.html", "search.html.j2", kinds=search.KIND_LABELS)
    _editions(out, data, index["spdr_rows"], inputs, old_site, body, legal)
    legal.write_feed(root)
    exports.write_exports(root / "data", current, legal.exports(), data.details.evidence)
    dqv_files.result()
    indexed.result()


@dataclass
class Publication:
    """Where a site was published and what publishing it did to the folder's files."""

    site: Path
    counts: SyncCounts = field(default_factory=SyncCounts)
    up_to_date: bool = False  # nothing rendered: the folder already held this publication
    fingerprint: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"site": str(self.site), "up_to_date": self.up_to_date, **self.counts.as_dict()}


def publication_words(record: dict[str, Any]) -> str:
    """What a publication (``Publication.as_dict``) did, in French, for people."""
    if record.get("up_to_date"):
        return f"déjà à jour, rien à réécrire ({record['unchanged']} fichiers inchangés)"
    return (
        f"{record['written']} fichiers écrits, {record['unchanged']} inchangés, "
        f"{record['removed']} supprimés"
    )


def _put_in_place(new: Path, out_dir: Path) -> SyncCounts:
    """Move the rendered ``new`` in as ``out_dir``: whole when there is no site yet, else
    file by file, replacing only the files that changed (``sync.sync_tree``)."""
    if not out_dir.exists():
        os.rename(new, out_dir)
        return SyncCounts(written=len(sync.site_files(out_dir)))
    forget_manifest(out_dir)
    return sync.sync_tree(new, out_dir)


def publish_site(*args: Any, **kwargs: Any) -> Path:
    """``render_site`` returning the site folder only (its arguments, its result's ``site``)."""
    return render_site(*args, **kwargs).site


def render_site(
    out_dir: Path,
    current: Snapshot,
    previous: Snapshot | None,
    runs: list[RunInfo],
    *,
    spdr: list[SpdrEntry],
    history: History | None = None,
    methodology_md: str | None = None,
    title: str = "Observatoire de la qualité des données publiques",
    inputs: PublishInputs | None = None,
    listing_page_size: int = pager.DEFAULT_SIZE,
    fingerprint: str | None = None,
    details: Details | None = None,
) -> Publication:
    """Render the site of ``current`` (compared with ``previous``) and put it in ``out_dir``.

    The whole site is rendered in a temporary folder beside ``out_dir``; a failure there
    leaves the published site as it was. Then only the files whose bytes changed replace
    the published ones, each whole (``sync``). A ``README.md`` and the dated editions already
    in ``out_dir`` are carried over (see ``etalab``). Listings hold at most
    ``listing_page_size`` rows a page. With ``fingerprint`` (``report.publish_run``), the
    folder's manifest records it, so that the same publication is later known up to date.
    When ``current`` was loaded without its criteria's evidence and its reference views,
    ``details`` reads them, and the score histories, a batch of datasets at a time
    (``publish.details``); ``history`` is read only without ``details``.
    """
    out_dir = Path(out_dir).absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        tmp.chmod(0o755)
        old_site = out_dir if out_dir.is_dir() else None
        with Helper() as helper:
            _build(
                tmp,
                current,
                previous,
                runs,
                spdr,
                history,
                methodology_md,
                title,
                inputs or PublishInputs(),
                old_site,
                pager.check_size(listing_page_size),
                helper,
                details,
            )
        readme = out_dir / "README.md"
        if readme.is_file():
            shutil.copy2(readme, tmp / "README.md")
        counts = _put_in_place(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if fingerprint is not None:
        record = {"fingerprint": fingerprint, "run_id": current.run.id, **counts.as_dict()}
        record["files"] = counts.written + counts.unchanged
        write_manifest(out_dir, record | {"tree": tree_digest(out_dir)})
    return Publication(out_dir, counts, fingerprint=fingerprint)
