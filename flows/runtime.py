"""What every flow shares: the task runner (default or Dask), the store URL, artifacts.

Distributed execution: when ``settings.task_runner`` is ``dask`` (or OBSERVATORY_TASK_RUNNER),
the batch subflows run on the Dask scheduler at ``settings.dask_address`` (or
OBSERVATORY_DASK_ADDRESS; none: a temporary local cluster) through prefect-dask.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from prefect import Flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from observatory.model import DatasetScore
from observatory.registry import Config

MAX_TABLE_ROWS = 5000  # a Prefect table artifact is for eyes, the full list is in the store


def database_url(config: Config) -> str:
    return config.database_url or "sqlite:///observatory.db"


def task_runner(config: Config) -> Any | None:
    """A DaskTaskRunner when the configuration asks for Dask, else None (Prefect's default)."""
    if config.settings.task_runner != "dask":
        return None
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:  # pragma: no cover - the extra is missing
        raise RuntimeError(
            "task_runner: dask demande prefect-dask (pip install 'observatory[dask]')"
        ) from exc
    address = config.settings.dask_address
    return DaskTaskRunner(address=address) if address else DaskTaskRunner()


def with_runner(subflow: Flow[..., Any], config: Config) -> Any:
    """``subflow`` set to run its tasks on the configured task runner."""
    runner = task_runner(config)
    return subflow.with_options(task_runner=runner) if runner is not None else subflow


def _cell(value: Any) -> Any:
    return round(value, 1) if isinstance(value, float) else value


def score_rows(
    scores: Iterable[DatasetScore], titles: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """One row per dataset, weakest first (what needs attention comes first)."""
    titles = titles or {}
    rows = [
        {
            "jeu de données": titles.get(s.dataset_key, s.dataset_key),
            "clé": s.dataset_key,
            "score global": _cell(s.overall),
            **{pillar: _cell(value) for pillar, value in sorted(s.pillars.items())},
        }
        for s in scores
    ]
    rows.sort(key=lambda r: (r["score global"] is None, r["score global"] or 0.0, r["clé"]))
    return rows[:MAX_TABLE_ROWS]


def summary_markdown(title: str, run_id: int | None, summary: dict[str, Any]) -> str:
    """A short French markdown summary of a run for the Prefect UI."""
    lines = [f"# {title}", "", f"Exécution n° {run_id}" if run_id else "", ""]
    lines += ["| indicateur | valeur |", "|---|---|"]
    for key, value in summary.items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value[:20]) or "—"
        elif isinstance(value, dict):
            value = ", ".join(f"{k} : {v}" for k, v in value.items()) or "—"
        lines.append(f"| {key} | {value} |")
    return "\n".join(lines) + "\n"


def publish_artifacts(
    kind: str,
    run_id: int | None,
    summary: dict[str, Any],
    rows: list[dict[str, Any]],
    title: str,
) -> None:
    """A markdown summary and a table artifact for the current flow run."""
    create_markdown_artifact(
        key=f"{kind}-summary",
        markdown=summary_markdown(title, run_id, summary),
        description=f"Résumé de l'exécution {kind}",
    )
    create_table_artifact(
        key=f"{kind}-table",
        table=rows or [{"information": "aucune ligne"}],
        description=f"{kind} : détail par jeu de données ({len(rows)} lignes au plus)",
    )
