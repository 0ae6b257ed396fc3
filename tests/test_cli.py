"""The command line as a newcomer uses it: demo, report, sandbox, probe, criteria."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

from tests.corpus import CORPUS as SHARED

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 240):
    full_env = {**os.environ, **(env or {})}
    full_env.pop("OBSERVATORY_DATABASE_URL", None)
    full_env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "observatory.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    """`observatory demo` run twice in an empty folder, as `make demo` does."""
    work = tmp_path_factory.mktemp("demo")
    (work / "reports").mkdir()
    for _ in range(2):
        proc = _run(["demo"], work)
        assert proc.returncode == 0, proc.stderr[-3000:]
        output = proc.stdout + proc.stderr
        assert not re.search(r"Traceback|ERROR", output), output[-3000:]
    (work / "last-output.txt").write_text(proc.stdout, encoding="utf-8")
    return work


def test_demo_prints_a_summary_and_writes_the_site(demo_dir: Path) -> None:
    out = (demo_dir / "last-output.txt").read_text(encoding="utf-8")
    assert "Run 2 terminé" in out
    assert "9 de référence SPDR" in out
    assert "sondes en échec" in out and "reports" in out
    assert re.search(r"score moyen : \d+,\d / 100 ; SPDR : \d+,\d / 100", out), out  # 65,4
    # probe outcomes in French words, never their codes
    probes = re.search(r"sondes : \d+ \((.*)\)", out)
    assert probes, out
    assert re.fullmatch(r"disponible \d+(, (dégradé|indisponible|inconnu|refusé) \d+)*", probes[1])
    assert not re.search(r"\b(up|down|degraded|unknown|refused)\b", out), out
    index = (demo_dir / "reports" / "index.html").read_text(encoding="utf-8")
    assert "Base Sirene" in index and "Code Officiel Géographique" in index
    assert (demo_dir / "observatory.db").exists()
    assert list((demo_dir / "reports" / "data").glob("*.csv"))


def test_report_rerenders_from_the_store(demo_dir: Path) -> None:
    index = demo_dir / "reports" / "index.html"
    index.unlink()
    proc = _run(["report", "--json"], demo_dir)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["run_id"] == 2
    assert index.exists()


def test_report_without_history_exits_2(tmp_path: Path) -> None:
    proc = _run(["report"], tmp_path)
    assert proc.returncode == 2
    assert "Aucun run" in proc.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_sandbox_command_serves_the_portal(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "observatory.cli", "sandbox", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/1/datasets/?badge=spd"
        for _ in range(100):
            try:
                response = requests.get(url, timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert response.status_code == 200
        assert response.json()["total"] == 9
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_probe_command_json_and_exit_codes(sandbox, tmp_path: Path) -> None:
    allow = {"OBSERVATORY_ALLOWED_NETWORKS": "127.0.0.0/8"}
    proc = _run(["probe", sandbox.fault_url("lying-head"), "--json"], tmp_path, allow)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["outcome"] == "down" and data["status"] == 404
    assert {"url", "outcome", "status", "latency_ms", "final_url", "reason"} <= set(data)
    refused = _run(
        ["probe", sandbox.fault_url("lying-head"), "--json"],
        tmp_path,
        {"OBSERVATORY_ALLOWED_NETWORKS": ""},
    )
    assert refused.returncode == 1 and json.loads(refused.stdout)["outcome"] == "refused"
    assert _run(["probe"], tmp_path).returncode == 2


def test_criteria_command_lists_the_registry(tmp_path: Path) -> None:
    proc = _run(["criteria", "--json"], tmp_path)
    assert proc.returncode == 0
    ids = {c["id"] for c in json.loads(proc.stdout)}
    assert {
        "completeness.legal_metadata",
        "freshness.frequency",
        "conformity.schema",
        "availability.files",
    } <= ids


def test_criteria_command_lists_what_each_criterion_applies_to_in_french(tmp_path: Path) -> None:
    proc = _run(["criteria"], tmp_path)
    assert proc.returncode == 0
    lines = {line.split()[0]: line for line in proc.stdout.splitlines()}
    assert "ressource tabulaire" in lines["completeness.data_cells"]
    assert "poids 0,5" in lines["freshness.dates"]
    assert "tabular resource" not in proc.stdout


def test_help_everywhere(tmp_path: Path) -> None:
    for command in (
        [],
        ["run"],
        ["demo"],
        ["sandbox"],
        ["report"],
        ["probe"],
        ["criteria"],
        ["check"],
        ["serve"],
        ["validate"],
        ["harvest"],
    ):
        proc = _run([*command, "--help"], tmp_path)
        assert proc.returncode == 0 and "usage" in proc.stdout


def test_validate_command_json_and_exit_codes(tmp_path: Path) -> None:
    corpus = SHARED / "schemas" / "stationnement"
    schema = str(corpus / "schema.json")
    bad = _run(
        ["validate", str(corpus / "exemple-invalide.csv"), "--schema", schema, "--json"], tmp_path
    )
    assert bad.returncode == 1
    report = json.loads(bad.stdout)
    assert report["valid"] is False and report["errors"]
    assert set(report["errors"][0]) >= {"type", "row", "field", "message"}
    good = _run(["validate", str(corpus / "exemple-valide.csv"), "--schema", schema], tmp_path)
    assert good.returncode == 0
    missing = _run(["validate", str(tmp_path / "nope.csv"), "--schema", schema], tmp_path)
    assert missing.returncode == 2 and "nope.csv" in missing.stderr


def test_validate_report_longer_than_a_pipe_arrives_whole(tmp_path: Path) -> None:
    """`observatory validate` leaves without the interpreter's teardown (0.15 s): every byte
    of a report much longer than a pipe's buffer still reaches the reader, with exit 1."""
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"fields": [{"name": "n", "type": "integer"}]}))
    table = tmp_path / "bad.csv"
    table.write_text("n\n" + "".join(f"x{i}\n" for i in range(3000)))
    buffered = {"PYTHONUNBUFFERED": ""}  # as in production: stdout is block-buffered in a pipe
    proc = _run(["validate", str(table), "--schema", str(schema), "--json"], tmp_path, buffered)
    assert proc.returncode == 1 and proc.stderr == ""
    assert len(proc.stdout) > 4 * 65536
    errors = json.loads(proc.stdout)["errors"]
    assert [e["row"] for e in errors] == list(range(2, 3002))
    text = _run(["validate", str(table), "--schema", str(schema)], tmp_path, buffered)
    assert text.returncode == 1 and text.stdout.count("type-error") == 3000
    assert "ligne 3001" in text.stdout.splitlines()[-1]


def test_quick_exit_with_a_closed_stream_keeps_the_exit_code(tmp_path: Path) -> None:
    """A command started with stdout or stderr closed (``>&-``) ends with its own exit code,
    as it did before the quick exit, not with an error from flushing a stream that is gone."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("OBSERVATORY_DATABASE_URL", None)
    cli = f"{sys.executable} -m observatory.cli"
    missing = tmp_path / "nope.csv"
    cases = [
        (f"{cli} criteria >&-", 0),
        (f"{cli} validate {missing} --schema {missing} 2>&-", 2),
        (f"{cli} validate {missing} --schema {missing} >&-", 2),
    ]
    for command, code in cases:
        done = subprocess.run(
            ["sh", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode == code, (command, done.stdout, done.stderr)
        assert "Traceback" not in done.stdout + done.stderr, command


def test_harvest_command_json_lines_and_exit_codes(tmp_path: Path) -> None:
    corpus = SHARED / "dcat" / "udata-catalog.xml"
    proc = _run(["harvest", str(corpus), "--json"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == 4
    assert sum(len(d["distributions"]) for d in lines) == 8
    dead = _run(
        ["harvest", "http://127.0.0.1:9/catalog.jsonld", "--kind", "dcat"],
        tmp_path,
        {"OBSERVATORY_ALLOWED_NETWORKS": "127.0.0.0/8"},
    )
    assert dead.returncode == 2
    assert "127.0.0.1:9" in dead.stderr and "Traceback" not in dead.stderr


def test_check_command_diagnoses_a_catalogue_and_a_dead_url(sandbox, tmp_path: Path) -> None:
    allow = {"OBSERVATORY_ALLOWED_NETWORKS": "127.0.0.0/8"}
    config = tmp_path / "datasets.yml"
    config.write_text(sandbox.config_text(), encoding="utf-8")
    catalogue = f"{sandbox.portal_url}/api/1/site/catalog.jsonld"
    text = _run(["--config", str(config), "check", catalogue], tmp_path, allow)
    assert text.returncode == 1, text.stderr[-2000:]
    assert "Corrections à apporter" in text.stdout and "Traceback" not in text.stderr
    as_json = _run(["--config", str(config), "check", catalogue, "--json"], tmp_path, allow)
    data = json.loads(as_json.stdout)
    assert data["exit_code"] == 1 and len(data["scores"]) >= 10
    dead = _run(["--config", str(config), "check", "http://127.0.0.1:9/x.csv"], tmp_path, allow)
    assert dead.returncode == 2 and "127.0.0.1:9" in dead.stderr
    assert "Traceback" not in dead.stderr
    assert _run(["check", "not-a-url"], tmp_path).returncode == 2


def _start_serve(tmp_path: Path, port: int) -> subprocess.Popen[str]:
    """`observatory serve` as a terminal runs it: leader of its own process group."""
    # A minimal environment: nothing an earlier test exported (Prefect settings, CA bundles,
    # proxies) may reach the served process or its Prefect server.
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    env |= {
        "PYTHONPATH": str(ROOT),
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "OBSERVATORY_PREFECT_PORT": str(port),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "observatory.cli", "--config", str(ROOT / "datasets.yml"), "serve"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )


def _ctrl_c(proc: subprocess.Popen[str], within: float = 10) -> tuple[str, str]:
    """Press Ctrl-C (SIGINT to the foreground process group); fail unless every process
    serve started is gone within ``within`` seconds (anything left is killed first)."""
    family = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    os.killpg(proc.pid, signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=within)
    except subprocess.TimeoutExpired:
        for member in family:
            with contextlib.suppress(psutil.Error):
                member.kill()
        out, err = proc.communicate()
        pytest.fail(
            f"serve did not stop on Ctrl-C within {within:g} s:\n{out[-2000:]}\n{err[-3000:]}"
        )
    _, alive = psutil.wait_procs(family[1:], timeout=within)
    for member in alive:
        member.kill()
    assert not alive, f"left running after serve stopped: {[p.pid for p in alive]}"
    return out, err


def test_serve_lists_and_refuses_a_bad_deployments_file(tmp_path: Path) -> None:
    listed = _run(["serve", "--list", "--json"], tmp_path)
    assert listed.returncode == 0
    names = {d["name"] for d in json.loads(listed.stdout)}
    assert {"observe-daily", "probe-every-10-minutes", "publish-after-observe"} <= names
    bad = tmp_path / "prefect.yaml"
    bad.write_text("deployments: [{name: x}]\n", encoding="utf-8")
    refused = _run(["serve", "--prefect-yaml", str(bad)], tmp_path)
    assert refused.returncode == 2 and "entrypoint" in refused.stderr


def test_serve_serves_the_deployments_and_stops_on_ctrl_c_under_load(
    tmp_path: Path, cpu_load: None
) -> None:
    names = {"observe-daily", "probe-every-10-minutes", "publish-after-observe"}
    port = _free_port()
    proc = _start_serve(tmp_path, port)
    api = f"http://127.0.0.1:{port}/api/deployments/filter"
    served: set[str] = set()
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and len(served) < 3 and proc.poll() is None:
            with contextlib.suppress(requests.RequestException, ValueError):
                served = {d["name"] for d in requests.post(api, json={}, timeout=5).json()}
            time.sleep(1)
    finally:
        out, err = _ctrl_c(proc)
    assert served == names, err[-3000:]
    assert proc.returncode == 0 and "Traceback" not in err, err[-3000:]
    assert "Serveur Prefect local" in out
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/api/health", timeout=2)


def test_serve_stops_on_ctrl_c_while_starting_under_load(tmp_path: Path, cpu_load: None) -> None:
    port = _free_port()
    for wait in (0.0, 3.0):  # Prefect's server just started, then still starting or ready
        work = tmp_path / f"after-{wait:g}s"
        work.mkdir()
        proc = _start_serve(work, port)
        deadline = time.monotonic() + 120  # serve has taken over once its server is spawned
        while not psutil.Process(proc.pid).children() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(wait)
        _, err = _ctrl_c(proc)
        assert proc.returncode == 0 and "Traceback" not in err, err[-3000:]
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/api/health", timeout=2)


def test_harvest_shows_progress_on_a_terminal_only(sandbox, tmp_path: Path) -> None:
    url = f"{sandbox.portal_url}/api/1/datasets/"
    env = {"OBSERVATORY_ALLOWED_NETWORKS": "127.0.0.0/8", "OBSERVATORY_PROGRESS": "1"}
    shown = _run(["harvest", url, "--json"], tmp_path, env)
    assert shown.returncode == 0
    count = len(shown.stdout.splitlines())
    assert count > 5 and all(json.loads(line) for line in shown.stdout.splitlines())
    assert "Moisson" in shown.stderr and f"{count}/{count}" in shown.stderr
    quiet = _run(["harvest", url, "--json"], tmp_path, env | {"OBSERVATORY_PROGRESS": ""})
    assert quiet.returncode == 0 and "Moisson" not in quiet.stderr  # stderr is not a terminal
