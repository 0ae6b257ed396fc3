"""The ``publish`` flow: render the site again from the store, after each observe run.

Publishing reads only the store (no network), so it can run on its own schedule or be
triggered when an ``observe`` flow run completes (see ``prefect.yaml``). It takes the
"observe" lock's sibling "publish" lock so two publications never swap the site together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from flows.runtime import MAX_TABLE_ROWS, database_url, publish_artifacts, score_rows
from observatory import pipeline
from observatory.registry import load_config
from observatory.storage import locks
from observatory.storage.store import FINISHED, Store


@flow(name="publish", log_prints=False)
def publish(config_path: str | None = None, run_id: int | None = None) -> dict[str, Any]:
    """Publish ``run_id`` (default: the latest finished observe run) into the reports folder."""
    from observatory.report import publish_run

    config = load_config(config_path)
    logger = get_run_logger()
    store = Store(database_url(config))
    try:
        with locks.hold(store, "publish"):
            for note in pipeline.recover_site(Path(config.reports_dir)):
                logger.warning("site : %s", note)
            runs = store.list_runs(kind="observe")
            if run_id is None:
                finished = [r for r in runs if r.status in FINISHED]
                if not finished:
                    raise RuntimeError("aucune exécution « observe » terminée à publier")
                run_id = finished[0].id
            publication = publish_run(store, run_id, config).as_dict()
            # the artifact's weakest scores, read as such (not the whole run again)
            weakest, titles = store.weakest_scores(run_id, MAX_TABLE_ROWS)
    finally:
        store.close()
    site = publication["site"]
    run_summary = next((r.summary for r in runs if r.id == run_id), {})
    summary = {"run_id": run_id, "site": site, **run_summary}
    summary["publication"] = publication
    rows = score_rows(weakest, titles)
    publish_artifacts("publish", run_id, summary, rows, "Publication")
    return {"run_id": run_id, "site": site, "publication": publication}
