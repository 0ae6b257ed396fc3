"""Conformity: formats as declared and open, Table Schema validity, a recognised licence."""

from __future__ import annotations

from typing import Any

from observatory.model import Distribution
from observatory.scoring.context import ScoringContext
from observatory.scoring.formats import compatible, family, is_machine_readable, is_open
from observatory.scoring.licences import classify_licence
from observatory.scoring.registry import Verdict, criterion, fail, graded, na, partial, passed
from observatory.scoring.shacl_text import issue_lines


def _declared_family(dist: Distribution) -> str | None:
    return family(dist.format) or family(dist.media_type)


def _sniffed_family(ctx: ScoringContext, dist: Distribution) -> tuple[str | None, str | None]:
    """(family, source) of what the resource really is: the validator's sniff, else the
    Content-Type of its latest successful probe."""
    report = ctx.validation_for(dist)
    if report is not None and report.detected_format:
        return family(report.detected_format), "contenu analysé"
    probe = ctx.probe_for(dist)
    if probe is not None and probe.content_type and probe.outcome in ("up", "degraded"):
        return family(probe.content_type), "en-tête Content-Type"
    return None, None


@criterion("conformity.format_match", "conformity", "Format annoncé conforme", 1.0, "resource")
def format_match(ctx: ScoringContext) -> Verdict:
    """The declared format of each file matches what is served (sniffed bytes, else the
    Content-Type). A CSV declared but an HTML page served fails. Containers are tolerated
    (an XLSX is a ZIP, a CSV may be served as text/plain). Score = share of matching files;
    not applicable when no file could be compared.
    """
    checked: list[dict[str, Any]] = []
    mismatches: list[dict[str, Any]] = []
    for dist in ctx.downloads():
        declared = _declared_family(dist)
        sniffed, source = _sniffed_family(ctx, dist)
        if declared is None or sniffed is None:
            continue
        entry = {"url": dist.url, "declared": declared, "served": sniffed, "source": source}
        checked.append(entry)
        if not compatible(declared, sniffed):
            mismatches.append(entry)
    if not checked:
        return na("aucun fichier dont le format réel est connu")
    score = 1 - len(mismatches) / len(checked)
    hint = (
        "Le format annoncé ne correspond pas au contenu servi pour : "
        + ", ".join(
            f"{m['url']} ({m['declared']} annoncé, {m['served']} servi)" for m in mismatches[:5]
        )
        + ". Corrigez le format déclaré ou le lien du fichier."
    )
    return graded(score, hint, checked=len(checked), mismatches=mismatches[:20])


@criterion("conformity.open_format", "conformity", "Format ouvert disponible")
def open_format(ctx: ScoringContext) -> Verdict:
    """At least one resource is in an open format: not only PDF, DOC(X), XLS(X) or no format
    (udata's rule). Not applicable to a dataset without resources.
    """
    dists = ctx.dataset.distributions
    if not dists:
        return na("aucune ressource")
    families = {d.url: _declared_family(d) for d in dists}
    open_ones = [u for u, f in families.items() if is_open(f)]
    formats = sorted({str(f) for f in families.values()})
    if open_ones:
        return passed(open_resources=len(open_ones), formats=formats)
    return fail(
        "Publiez aussi les données dans un format ouvert (CSV, JSON, GeoJSON…) en plus des "
        "formats propriétaires (PDF, Word, Excel).",
        formats=formats,
    )


@criterion("conformity.machine_readable", "conformity", "Format lisible par une machine")
def machine_readable(ctx: ScoringContext) -> Verdict:
    """At least one data file is machine-readable (not PDF, word processing, HTML or image):
    the minimum for automated reuse. Not applicable without data files.
    """
    dists = ctx.downloads()
    if not dists:
        return na("aucun fichier de données")
    families = [_declared_family(d) for d in dists]
    readable = [f for f in families if is_machine_readable(f)]
    evidence = {"formats": sorted({str(f) for f in families}), "machine_readable": len(readable)}
    if readable:
        return passed(**evidence)
    return fail(
        "Publiez les données dans un format structuré lisible par une machine (CSV, JSON, XML, "
        "GeoJSON…) plutôt qu'en PDF ou en document texte.",
        **evidence,
    )


def _declares_schema(dist: Distribution) -> bool:
    return dist.schema is not None and bool(dist.schema.name or dist.schema.url)


@criterion("conformity.schema", "conformity", "Conformité au schéma", 2.0, "tabular resource")
def schema_valid(ctx: ScoringContext) -> Verdict:
    """Files that declare a Table Schema are valid against it (frictionless error types).

    Score = share of valid validated files; the evidence counts errors by type. Not
    applicable when no resource declares a schema or none was validated yet.
    """
    reports = []
    for dist in ctx.dataset.distributions:
        report = ctx.validation_for(dist)
        if report is not None and (_declares_schema(dist) or report.schema_url):
            reports.append((dist, report))
    if not reports:
        declared = any(_declares_schema(d) for d in ctx.dataset.distributions)
        return na("schéma déclaré mais pas encore validé" if declared else "aucun schéma déclaré")
    invalid: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for dist, report in reports:
        if report.valid and not report.fatal:
            continue
        for kind, n in report.error_counts.items():
            counts[kind] = counts.get(kind, 0) + n
        invalid.append(
            {
                "url": dist.url,
                "schema": report.schema_url,
                "errors": dict(report.error_counts),
                "fatal": report.fatal,
            }
        )
    score = 1 - len(invalid) / len(reports)
    hint = (
        "Corrigez les erreurs de validation par rapport au schéma déclaré ("
        + ", ".join(f"{k} : {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
        + ") ; le validateur de schema.data.gouv.fr détaille chaque ligne."
    )
    return graded(score, hint, validated=len(reports), invalid=invalid[:20], error_counts=counts)


@criterion("conformity.license", "conformity", "Licence ouverte reconnue")
def licence_known(ctx: ScoringContext) -> Verdict:
    """The licence is a known open licence: Licence Ouverte 1.0/2.0, ODbL, CC-BY, CC-BY-SA,
    CC0, ODC-BY, ODC-PDDL, by udata id, SPDX id, EU authority URI or official URL.

    Missing or "notspecified" fails, udata's "other-closed" fails, any other value is partial
    (0.5): it may be open but a reuser cannot tell.
    """
    kind, name = classify_licence(ctx.dataset.license)
    value = ctx.dataset.license
    if kind == "open":
        return passed(value=value, licence=name)
    if kind == "other":
        return partial(
            0.5,
            "Utilisez une licence ouverte reconnue (Licence Ouverte 2.0 ou ODbL) plutôt qu'une "
            "licence non standard.",
            value=value,
        )
    return fail(
        "Placez les données sous une licence ouverte reconnue (Licence Ouverte 2.0 ou ODbL), "
        "obligatoire pour les données publiques.",
        value=value,
    )


#: At most this many violations, none of them a missing mandatory property, grade partial.
FEW_SHACL_VIOLATIONS = 2


@criterion(
    "conformity.dcat_shacl", "conformity", "Conformité DCAT-AP (SHACL)", 1.0, "dataset (DCAT)"
)
def dcat_shacl(ctx: ScoringContext) -> Verdict:
    """The dataset's DCAT description passes the official DCAT-AP 3.0.1 SHACL shapes
    (mandatory properties and cardinalities, ranges, controlled vocabularies whose codes are
    checked against a bundled snapshot of the EU authority tables, deprecated URIs),
    validated with pyshacl when its catalogue page is harvested: the dataset node, its
    distributions, publisher, contact point and the other nodes it links to. The reference
    datasets read from the udata API are validated from the portal's DCAT rendering of each
    (``/api/1/datasets/<id>/rdf``).

    Pass: no violation (warnings are listed, not counted). Partial (0.5): one or two
    violations, none of them a missing mandatory property (a value of the wrong type or
    outside a vocabulary). Fail: a mandatory property missing, or three violations or more.
    The evidence lists each result (severity, node, property, message). Not applicable
    when the dataset has no DCAT description (an organisation's dataset read from the udata
    API, a CKAN or CSV catalogue), or lies beyond the number of datasets validated per page
    (``settings.shacl_max_datasets``).
    """
    found = ctx.dataset.extras.get("shacl")
    if not isinstance(found, dict) or "violations" not in found:
        return na("pas de description DCAT-AP validée (source non DCAT ou plafond atteint)")
    violations = int(found.get("violations") or 0)
    missing = list(found.get("missing") or [])
    evidence = {
        "version": found.get("version"),
        "violations": violations,
        "warnings": found.get("warnings"),
        "missing": missing,
        "issues": found.get("issues") or [],
    }
    if violations == 0:
        return passed(**evidence)
    hint = _shacl_hint(found, violations, missing)
    if violations <= FEW_SHACL_VIOLATIONS and not missing:
        return partial(0.5, hint, **evidence)
    return fail(hint, **evidence)


def _shacl_hint(found: dict[str, Any], violations: int, missing: list[str]) -> str:
    subject = str(found.get("subject") or "")
    issues = [i for i in found.get("issues") or [] if i.get("severity") == "Violation"]
    lines = issue_lines(issues, subject, 5)
    head = f"Corrigez la description DCAT-AP ({violations} non-conformité(s) aux formes SHACL"
    head += " officielles"
    if missing:
        head += " ; propriété(s) obligatoire(s) manquante(s) : " + ", ".join(missing)
    more = " ; …" if violations > len(lines) else ""
    return head + ") : " + " ; ".join(lines) + more + "."
