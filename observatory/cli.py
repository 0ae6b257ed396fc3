"""The ``observatory`` command: thin subcommands over the library.

Exit codes: 0 ok, 1 quality failures found, 2 usage, configuration or fetch error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from observatory import progress
from observatory.harvest import readers
from observatory.registry import ConfigError

EXIT_OK, EXIT_FAILURES, EXIT_ERROR = 0, 1, 2
DEMO_PORT = 8750


def quiet_prefect() -> None:
    """Keep Prefect's own noise (telemetry, temporary server chatter) away from users."""
    defaults = {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_LOGGING_LOG_PRINTS": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)


def _print_json(data: Any) -> None:
    """Indented for a terminal; one compact line in a pipe (the C encoder: 10× faster)."""
    indent = 2 if sys.stdout.isatty() else None
    print(json.dumps(data, ensure_ascii=False, indent=indent, default=str))


def cmd_run(args: argparse.Namespace) -> int:
    """The production job: observe the configured portals and publish."""
    from observatory.registry import load_config

    load_config(args.config)  # fail fast, exit 2, before Prefect starts
    if args.now is not None:
        try:
            moment = datetime.fromisoformat(args.now)
        except ValueError:
            print(f"observatory run: --now '{args.now}' is not an ISO 8601 date", file=sys.stderr)
            return EXIT_ERROR
        if moment.tzinfo is None:
            print("observatory run: --now needs a time zone (e.g. +00:00)", file=sys.stderr)
            return EXIT_ERROR
    quiet_prefect()
    from flows.observe import observe

    with progress.Bars():
        result = observe(args.config, publish_site=not args.no_publish, now=args.now)
    _report_result(result, args.json)
    return EXIT_OK


def outcome_counts(counts: dict[str, int]) -> str:
    """``disponible 47, dégradé 1, …``: probe outcomes in French, in a fixed order."""
    from observatory import i18n

    words = i18n.catalogue()
    order = {code: i for i, code in enumerate(i18n.OUTCOMES)}
    ranked = sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    return ", ".join(f"{words.outcome(code)} {n}" for code, n in ranked)


def _report_result(result: dict, as_json: bool) -> None:
    if as_json:
        _print_json(result)
        return
    from observatory.publish.labels import fmt_number

    s = result["summary"]
    print(f"Run {result['run_id']} terminé.")
    print(
        f"  jeux de données : {s['datasets']} (dont {s['spdr_datasets']} de référence SPDR), "
        f"ressources : {s['distributions']}"
    )
    mean, spdr = fmt_number(s["mean_score"]), fmt_number(s["mean_spdr_score"])
    print(f"  score moyen : {mean} / 100 ; SPDR : {spdr} / 100")
    outcomes = outcome_counts(s["outcomes"])
    print(f"  sondes : {s['probes']} ({outcomes}) ; sondes en échec : {s['failed_probes']}")
    print(f"  fichiers non conformes à leur schéma : {s['invalid_files']}")
    if s["failed_sources"]:
        print(f"  sources en échec : {', '.join(s['failed_sources'])}")
    if result.get("site"):
        from observatory.publish.site import publication_words

        print(f"  rapport : {Path(result['site']) / 'index.html'}")
        if result.get("publication"):
            print(f"  publication : {publication_words(result['publication'])}")
    print(f"  historique : {result['database_url']}")


def demo_store_runs(db_url: str) -> int:
    from observatory.storage.store import Store

    store = Store(db_url)
    try:
        return len(store.list_runs(kind="observe"))
    finally:
        store.close()


def cmd_demo(args: argparse.Namespace) -> int:
    """Start the sandbox portal, observe it, publish the report, print a summary."""
    from observatory.registry import parse_config
    from observatory.sandbox.server import Sandbox

    db_url = os.environ.get("OBSERVATORY_DATABASE_URL") or "sqlite:///observatory.db"
    generation = demo_store_runs(db_url)
    quiet_prefect()
    from flows.observe import observe

    with _start_sandbox(Sandbox, generation) as sandbox:
        text = sandbox.config_text()
        with tempfile.TemporaryDirectory(prefix="observatory-demo-") as tmp:
            path = Path(tmp) / "datasets.sandbox.yml"
            path.write_text(text, encoding="utf-8")
            parse_config(text, str(path))
            print(f"Portail bac à sable : {sandbox.portal_url} (génération {generation})")
            with progress.Bars():
                result = observe(str(path))
    _report_result(result, args.json)
    return EXIT_OK


def _start_sandbox(factory: Callable[..., Any], generation: int) -> Any:
    try:
        return factory(port=DEMO_PORT, generation=generation).start()
    except OSError:
        return factory(port=0, generation=generation).start()


def cmd_sandbox(args: argparse.Namespace) -> int:
    from observatory.sandbox.server import serve_forever

    with contextlib.suppress(KeyboardInterrupt):
        serve_forever(args.port, generation=args.generation)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Re-render the site from the store, without observing anything."""
    from observatory.registry import load_config

    config = load_config(args.config)
    from observatory.report import latest_run_id, publish_run
    from observatory.storage.store import Store

    store = Store(config.database_url or "sqlite:///observatory.db")
    try:
        run_id = args.run or latest_run_id(store)
        if run_id is None:
            print(
                "Aucun run dans l'historique : lancez d'abord "
                "`observatory run` ou `observatory demo`.",
                file=sys.stderr,
            )
            return EXIT_ERROR
        out = Path(args.out) if args.out else None
        done = publish_run(store, run_id, config, out, force=args.force)
    finally:
        store.close()
    if args.json:
        _print_json({"run_id": run_id, **done.as_dict()})
    else:
        from observatory.publish.site import publication_words

        state = "à jour" if done.up_to_date else "publié"
        print(f"Rapport du run {run_id} {state} : {done.site / 'index.html'}")
        print(f"  {publication_words(done.as_dict())}")
    return EXIT_OK


def cmd_criteria(args: argparse.Namespace) -> int:
    """List the scoring criteria of the registry (or print the methodology page)."""
    from observatory.i18n import catalogue
    from observatory.scoring import all_criteria
    from observatory.scoring.docs import fmt_num, methodology_markdown

    if args.markdown:
        print(methodology_markdown(), end="")
        return EXIT_OK
    criteria = all_criteria()
    words = catalogue()
    if args.json:
        _print_json(
            [
                {
                    "id": c.id,
                    "pillar": c.pillar,
                    "weight": c.weight,
                    "applies_to": c.applies_to,
                    "label": c.label,
                    "doc": c.doc,
                    "description": words.criterion_doc(c.doc),
                }
                for c in criteria
            ]
        )
        return EXIT_OK
    scopes = {c.id: words.scope(c.applies_to) for c in criteria}
    width = max(map(len, scopes.values()))
    for c in criteria:
        weight = fmt_num(c.weight)
        print(f"{c.id:32} {c.pillar:13} poids {weight:<4} {scopes[c.id]:{width}} {c.label}")
    return EXIT_OK


def cmd_probe(args: argparse.Namespace) -> int:
    """Probe one URL now, with the same rules as the scheduled probes."""
    from observatory.model import to_jsonable
    from observatory.net.fetch import HttpSettings
    from observatory.probes.http import probe_url
    from observatory.registry import load_config

    config = load_config(args.config)
    if "://" not in args.url:
        print(
            f"observatory probe: '{args.url}' is not a URL (http:// or https:// expected)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    http = HttpSettings.from_settings(config.settings)
    result = probe_url(args.url, http, slow_ms=config.settings.slow_ms, expect_file=not args.page)
    if args.json:
        _print_json(to_jsonable(result))
    else:
        status = result.status if result.status is not None else "—"
        latency = f"{result.latency_ms:.0f} ms" if result.latency_ms is not None else "—"
        print(f"{result.outcome.upper():9} HTTP {status}  {latency}  {result.url}")
        if result.final_url and result.final_url != result.url:
            print(f"          → {result.final_url}")
        print(f"          {result.reason}")
    return EXIT_OK if result.outcome == "up" else EXIT_FAILURES


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate a CSV (file or URL) against a Table Schema (file or URL)."""
    from observatory.inspect.validate_cmd import report_json, validate_source
    from observatory.net.fetch import HttpSettings
    from observatory.registry import load_config

    config = load_config(args.config)
    http = HttpSettings.from_settings(config.settings)
    report = validate_source(
        args.source,
        args.schema,
        http,
        limit_errors=args.limit_errors,
        max_bytes=config.settings.validate_max_bytes,
    )
    if args.json:
        _print_json(report_json(report))
    elif report.fatal:
        print(f"observatory validate: {args.source}: {report.fatal}", file=sys.stderr)
    else:
        verdict = "valide" if report.valid else "non valide"
        print(
            f"{args.source} : {verdict} ({report.row_count} lignes, {len(report.errors)} erreurs)"
        )
        for error in report.errors:
            where = f"ligne {error.row}" if error.row is not None else "en-tête"
            field = f", champ « {error.field} »" if error.field else ""
            print(f"  {error.type:18} {where}{field} : {error.message}")
        if report.partial:
            print("  (validation partielle : le fichier dépasse la taille maximale)")
    if report.fatal:
        return EXIT_ERROR
    return EXIT_OK if report.valid else EXIT_FAILURES


def cmd_harvest(args: argparse.Namespace) -> int:
    """Harvest one source (URL or local file) into the normalised model."""
    from observatory.harvest.source import UnknownKind, dataset_json_line, harvest_source
    from observatory.harvest.workers import worker_count
    from observatory.model import HarvestPage
    from observatory.net.fetch import HttpSettings
    from observatory.registry import load_config

    config = load_config(args.config)
    http = HttpSettings.from_settings(config.settings)
    printed = 0

    def print_page(page: HarvestPage) -> None:  # --json: each page printed as it is read
        nonlocal printed
        for dataset in page.datasets:
            print(dataset_json_line(dataset))
        printed += len(page.datasets)

    sink = print_page if args.json else None
    try:
        with progress.Bars():
            catalogue = harvest_source(
                args.source,
                args.kind,
                http,
                config.settings.max_pages,
                shacl=config.settings.shacl_limit,
                sink=sink,
                processes=worker_count(config.settings.harvest_processes),
            )
    except (UnknownKind, ValueError) as exc:
        print(f"observatory harvest: {args.source}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    for error in catalogue.errors:
        where = f" ({error.url})" if error.url and error.url != error.source else ""
        print(
            f"observatory harvest: {error.source}{where}: {error.kind}: {error.message}",
            file=sys.stderr,
        )
    if not args.json:
        distributions = sum(len(d.distributions) for d in catalogue.datasets)
        print(
            f"{catalogue.name or args.source} ({catalogue.kind}) : {len(catalogue.datasets)} jeux "
            f"de données, {distributions} ressources, {len(catalogue.services)} API, "
            f"{catalogue.pages} page(s), {len(catalogue.errors)} problème(s)"
        )
        for dataset in catalogue.datasets[:20]:
            print(f"  - {dataset.title} ({len(dataset.distributions)} ressources)")
        if len(catalogue.datasets) > 20:
            print(f"  … et {len(catalogue.datasets) - 20} autres (--json pour tout avoir)")
    return EXIT_ERROR if catalogue.failed and not printed else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Diagnose one dataset page, API record, catalogue, file or API now."""
    from observatory.pipeline import http_settings
    from observatory.publish.check import check_url, exit_code, render_text, to_json
    from observatory.registry import load_config

    config = load_config(args.config)
    if "://" not in args.url:
        print(
            f"observatory check: '{args.url}' is not a URL (http:// or https:// expected)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    with progress.Bars():
        result = check_url(args.url, config, http_settings(config))
    if args.json:
        _print_json(to_json(result))
    elif not result.readable:
        error = result.error or "unreadable"
        where = "" if error.startswith(args.url) else f"{args.url}: "
        print(f"observatory check: {where}{error}", file=sys.stderr)
    else:
        print(render_text(result))
    return exit_code(result)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the scheduled deployments of prefect.yaml in this process (Prefect's serve)."""
    from observatory.deploy import load_specs, serve
    from observatory.registry import load_config

    load_config(args.config)  # fail fast, exit 2, before Prefect starts
    if args.list:
        rows = [
            {"name": d.name, "entrypoint": d.entrypoint, "schedule": d.when}
            for d in load_specs(args.prefect_yaml)
        ]
        if args.json:
            _print_json(rows)
        else:
            for row in rows:
                print(f"{row['name']:24} {row['entrypoint']:26} {row['schedule']}")
        return EXIT_OK
    quiet_prefect()
    serve(args.config, args.prefect_yaml)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="observatory",
        description="Observatoire de la qualité des données publiques : moissonne, évalue, publie.",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="datasets.yml to use (default: OBSERVATORY_CONFIG or ./datasets.yml)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, func: Callable[[argparse.Namespace], int], help_: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument(
            "--config", metavar="PATH", default=argparse.SUPPRESS, help="datasets.yml to use"
        )
        p.add_argument("--json", action="store_true", help="machine-readable output on stdout")
        p.set_defaults(func=func)
        return p

    p = add(
        "run", cmd_run, "observe the configured portals (production job) and publish the report"
    )
    p.add_argument("--no-publish", action="store_true", help="store the run, publish nothing")
    p.add_argument(
        "--now",
        metavar="ISO",
        help="simulated clock, ISO 8601 with time zone (benchmarks: the next day)",
    )
    add("demo", cmd_demo, "run the whole observatory against the bundled sandbox portal")
    p = add("sandbox", cmd_sandbox, "serve the sandbox portal on loopback until interrupted")
    p.add_argument("--port", type=int, default=DEMO_PORT, help=f"port (default {DEMO_PORT})")
    p.add_argument("--generation", type=int, default=0, help="state of the sandbox (default 0)")
    p = add("probe", cmd_probe, "probe one URL now (exit 0 up, 1 any other outcome)")
    p.add_argument("url", help="the URL of a file or API")
    p.add_argument("--page", action="store_true", help="the URL is a web page, not a file")
    p = add(
        "validate",
        cmd_validate,
        "validate a CSV against a Table Schema (exit 0 valid, 1 invalid, 2 unreadable)",
    )
    p.add_argument(
        "source", metavar="FILE_OR_URL", help="the CSV file (a ZIP holding one CSV works too)"
    )
    p.add_argument("--schema", required=True, metavar="SCHEMA", help="Table Schema file or URL")
    p.add_argument(
        "--limit-errors", type=int, metavar="N", help="report at most N errors (default: all)"
    )
    p = add(
        "harvest", cmd_harvest, "harvest one catalogue (URL or local file) and print its datasets"
    )
    p.add_argument("source", metavar="SOURCE", help="URL or local file of a catalogue")
    p.add_argument(
        "--kind",
        choices=list(readers.kinds()),
        help="source kind (detected when not given)",
    )
    p = add(
        "check",
        cmd_check,
        "diagnose one dataset page, API record, catalogue, file or API now "
        "(exit 1 when a criterion fails, 2 when the URL cannot be read)",
    )
    p.add_argument("url", metavar="URL", help="a dataset page or API URL, a catalogue, a file")
    p = add("serve", cmd_serve, "run the scheduled deployments of prefect.yaml (Prefect's serve)")
    p.add_argument("--prefect-yaml", metavar="PATH", help="deployments file (default prefect.yaml)")
    p.add_argument("--list", action="store_true", help="list the deployments and exit")
    p = add("criteria", cmd_criteria, "list the scoring criteria (id, pillar, weight, label)")
    p.add_argument("--markdown", action="store_true", help="print the methodology page")
    p = add("report", cmd_report, "re-render the report site from the store")
    p.add_argument("--run", type=int, help="run id (default: the latest finished run)")
    p.add_argument("--out", metavar="DIR", help="output folder (default: reports/)")
    p.add_argument(
        "--force", action="store_true", help="render again even when the site is up to date"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return _dispatch(build_parser().parse_args(argv))


# Commands that leave no process, thread, temporary file or unflushed log once they return.
_QUICK_EXIT = frozenset({"validate", "probe", "criteria"})


def script() -> NoReturn:
    """The ``observatory`` console script: ``main``; then, for the commands of
    ``_QUICK_EXIT``, an exit that skips the interpreter's teardown of its ~900 imported
    modules (frictionless, pyarrow, pydantic), about 0.15 s: a tenth of a 1,000,000-row
    ``observatory validate``. ``main`` itself never exits, so tests can call it in-process."""
    args = build_parser().parse_args()
    code = _dispatch(args)
    if args.command in _QUICK_EXIT:
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):  # None when the stream was closed at start
            if stream is not None:
                with contextlib.suppress(OSError, ValueError):  # a reader gone, a closed file
                    stream.flush()
        os._exit(code)
    sys.exit(code)


def _dispatch(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"observatory: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("observatory: interrompu", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    script()
