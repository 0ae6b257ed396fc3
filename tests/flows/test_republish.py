"""Re-publishing from the store, as the scheduled job and people deploying with rsync see it.

Two observe runs of the sandbox portal (the second after the portal edited two datasets and
withdrew one), on SQLite and PostgreSQL. Publishing the same run again finds the site up to
date without rendering and touches no file; ``--force`` renders again but rewrites only the
files whose bytes change; publishing the later run rewrites only the pages that changed,
removes the pages no longer produced and keeps the README; a publication that fails while
files are being replaced puts every file back as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from observatory.observe import InProcessRunner, run_observe
from observatory.publish import paths, sync
from observatory.publish.fingerprint import MANIFEST
from observatory.registry import load_config
from observatory.report import publish_run
from observatory.sandbox.server import Sandbox
from observatory.storage.store import Store
from tests.flows.test_incremental import SANDBOX_KEY, write_config
from tests.storage import conftest as storage_fixtures

pg_server = storage_fixtures.pg_server
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Observed:
    url: str
    config_path: str
    first: int
    second: int


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def observed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Observed]:
    """Two observe runs of the sandbox, the portal changed between them."""
    tmp = tmp_path_factory.mktemp(f"republish-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'store.db'}"
        yield _observe_twice(url, tmp)
        return
    with storage_fixtures.fresh_schema(request.getfixturevalue("pg_server")) as url:
        yield _observe_twice(url, tmp)


def _observe_twice(url: str, tmp: Path) -> Observed:
    with Sandbox(port=0).start() as portal:
        config_path = write_config(portal, tmp, url)
        config = load_config(config_path)
        with Store(url) as store:
            first = run_observe(config, store, runner=InProcessRunner()).run_id
            portal.state.generation = 2  # RPG and COG edited, the annual report withdrawn
            second = run_observe(config, store, runner=InProcessRunner()).run_id
    return Observed(url, config_path, first, second)


def _files(root: Path) -> dict[str, tuple[str, int]]:
    """Relative path -> (sha256, mtime in ns) of every file but the manifest."""
    return {
        rel: (
            hashlib.sha256((root / rel).read_bytes()).hexdigest(),
            (root / rel).stat().st_mtime_ns,
        )
        for rel in sync.site_files(root)
    }


def _publish(observed: Observed, run_id: int, out: Path, force: bool = False):  # type: ignore[no-untyped-def]
    with Store(observed.url) as store:
        return publish_run(store, run_id, load_config(observed.config_path), out, force=force)


def _report(observed: Observed, out: Path, *extra: str) -> dict:
    command = [sys.executable, "-m", "observatory.cli", "report", "--config", observed.config_path]
    command += ["--out", str(out), "--json", *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_nothing_changed_is_up_to_date_and_writes_nothing(
    observed: Observed, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    done = _publish(observed, observed.second, out)
    assert not done.up_to_date and done.counts.written > 50 and done.counts.unchanged == 0
    assert (out / MANIFEST).is_file()
    before = _files(out)
    time.sleep(0.05)  # a rewritten file would get another mtime

    started = time.monotonic()
    again = _publish(observed, observed.second, out)
    assert again.up_to_date and time.monotonic() - started < 5
    assert (again.counts.written, again.counts.removed) == (0, 0)
    assert again.counts.unchanged == len(before)
    assert _files(out) == before  # same bytes, same modification times

    # The command says so, in its JSON object and in words.
    record = _report(observed, out)
    assert record["up_to_date"] is True and record["written"] == 0 and record["run_id"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    words = subprocess.run(
        [sys.executable, "-m", "observatory.cli", "report", "--config", observed.config_path]
        + ["--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert "à jour" in words.stdout and "rien à réécrire" in words.stdout, words.stdout
    assert _files(out) == before

    # --force renders again; only files whose bytes differ are replaced (Pagefind writes
    # a few of its index files differently on each indexing, under names made from their
    # content: those are written anew and the old ones removed; nothing else changes).
    forced = _report(observed, out, "--force")
    assert forced["up_to_date"] is False
    after = _files(out)
    rewritten = sorted(k for k in after if after[k] != before.get(k))
    gone = sorted(before.keys() - after.keys())
    assert forced["written"] == len(rewritten) and forced["removed"] == len(gone)
    assert forced["unchanged"] == len(after) - len(rewritten)
    assert all(k.startswith("pagefind/") for k in rewritten + gone), rewritten + gone
    assert after["index.html"] == before["index.html"]
    assert _report(observed, out)["up_to_date"] is True


def test_a_touched_site_or_other_settings_are_not_up_to_date(
    observed: Observed, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    _publish(observed, observed.second, out)
    before = _files(out)
    (out / "index.html").unlink()  # someone removed a page: published again
    done = _publish(observed, observed.second, out)
    assert not done.up_to_date and (out / "index.html").is_file()
    after = _files(out)
    rewritten = sorted(k for k in after if after[k] != before.get(k))
    assert rewritten[0] == "index.html" and done.counts.written == len(rewritten)
    assert all(k.startswith("pagefind/") for k in rewritten[1:]), rewritten
    assert _publish(observed, observed.second, out).up_to_date

    config = load_config(observed.config_path)
    settings = config.settings.model_copy(update={"listing_page_size": 3})  # other listings
    config = config.model_copy(update={"settings": settings})
    with Store(observed.url) as store:
        changed = publish_run(store, observed.second, config, out)
    assert not changed.up_to_date and changed.counts.written > 0
    with Store(observed.url) as store:  # the earlier run is another publication
        assert not publish_run(
            store, observed.first, load_config(observed.config_path), out
        ).up_to_date


def test_a_new_run_rewrites_only_changed_files_and_removes_the_withdrawn(
    observed: Observed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    _publish(observed, observed.first, out)
    (out / "README.md").write_text("# Rapports\n", encoding="utf-8")
    (out / "ancienne-page.html").write_text("<p>plus produite</p>", encoding="utf-8")
    withdrawn = paths.dataset_page(SANDBOX_KEY["rapport"])
    assert (out / withdrawn).is_file()
    before = _files(out)
    time.sleep(0.05)

    # A publication failing while it replaces files puts every file back as it was.
    calls = {"n": 0}
    real_replace = os.replace

    def failing_replace(src: object, dst: object) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disque plein (simulé)")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(sync.os, "replace", failing_replace)
    with pytest.raises(OSError, match="simulé"):
        _publish(observed, observed.second, out)
    monkeypatch.undo()
    assert calls["n"] >= 5
    assert _files(out) == before  # every file old, none half-written, none added
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary folder left
    assert not (out / MANIFEST).exists()  # nor a manifest claiming the site up to date

    done = _publish(observed, observed.second, out)
    after = _files(out)
    assert not done.up_to_date
    assert not (out / withdrawn).exists() and not (out / "ancienne-page.html").exists()
    assert after["README.md"] == before["README.md"]  # carried over as it was
    kept = [k for k in after if k in before and after[k][0] == before[k][0]]
    rewritten = [k for k in after if k not in before or after[k][0] != before[k][0]]
    gone = [k for k in before if k not in after]
    assert kept and all(after[k][1] == before[k][1] for k in kept)  # untouched: old mtime
    assert all(after[k][1] != before.get(k, ("", 0))[1] for k in rewritten)
    assert "runs.html" in rewritten and withdrawn in gone and "ancienne-page.html" in gone
    assert (done.counts.written, done.counts.unchanged) == (len(rewritten), len(kept))
    assert done.counts.removed == len(gone)
    assert _publish(observed, observed.second, out).up_to_date
