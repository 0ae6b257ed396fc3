"""`observatory harvest` with pages read by worker processes gives what one process gives."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
import yaml

from bench.harvest.server import page_jsonld, page_ttl
from observatory.harvest import workers
from observatory.net.fetch import HttpSettings
from tests.harvest.conftest import Reply, Site

ROOT = Path(__file__).resolve().parents[2]
TOTAL = 450  # five pages of 100


def forkservers() -> set[int]:
    found = set()
    for proc in psutil.process_iter(["cmdline"]):
        if any("forkserver" in part for part in proc.info["cmdline"] or []):
            found.add(proc.pid)
    return found


class InFlight:
    """Requests being answered at once, and the most seen."""

    def __init__(self) -> None:
        self.lock, self.now, self.most = threading.Lock(), 0, 0

    def __enter__(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.now -= 1


# Ctrl-C reaches the command as in a terminal even when the tests run in the background,
# where a shell starts jobs with SIGINT ignored (and Python then installs no handler).
AS_IN_A_TERMINAL = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])",
]


def write_config(tmp_path: Path, processes: int, allowed: str = "127.0.0.0/8") -> Path:
    """datasets.yml as shipped, ``allowed`` reachable, ``processes`` page-reading workers."""
    config = yaml.safe_load((ROOT / "datasets.yml").read_text(encoding="utf-8"))
    config["settings"] |= {"harvest_processes": processes, "allowed_networks": [allowed]}
    path = tmp_path / f"datasets-{processes}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def harvest(
    url: str, processes: int, tmp_path: Path, allowed: str = "127.0.0.0/8"
) -> subprocess.CompletedProcess[str]:
    path = write_config(tmp_path, processes, allowed)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("OBSERVATORY_DATABASE_URL", None)
    command = [sys.executable, "-m", "observatory.cli", "harvest", url, "--json"]
    return subprocess.run(
        [*command, "--config", str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )


@pytest.mark.parametrize(
    ("suffix", "kind"), [("ttl", "text/turtle"), ("jsonld", "application/ld+json")]
)
def test_worker_processes_print_the_same_datasets_and_leave_nothing_behind(
    site: Site, tmp_path: Path, suffix: str, kind: str
) -> None:
    base = site.url(f"/bench/catalog.{suffix}")
    make = page_ttl if suffix == "ttl" else page_jsonld

    in_flight = InFlight()

    def reply(full: str) -> Reply:
        number = int(full.rsplit("=", 1)[1])
        with in_flight:
            time.sleep(0.2)  # long enough for a worker's request to overlap
        return Reply(make(number, TOTAL, base).encode(), kind)

    site.add(f"/bench/catalog.{suffix}*", reply)
    before = forkservers()
    alone = harvest(base + "?page=1", 1, tmp_path)
    assert in_flight.most == 1  # one process asks one page at a time
    in_flight.most = 0
    shared = harvest(base + "?page=1", 3, tmp_path)
    assert in_flight.most >= 2  # workers ask the next pages while this one is read
    assert alone.returncode == shared.returncode == 0, shared.stderr[-2000:]
    assert "Traceback" not in shared.stderr and "ERROR" not in shared.stderr
    lines = shared.stdout.splitlines()
    assert len(lines) == len({json.loads(line)["key"] for line in lines}) == TOTAL
    assert sorted(lines) == sorted(alone.stdout.splitlines())
    assert forkservers() <= before  # the workers' server went with the command


def test_a_broken_page_read_by_a_worker_is_reported_as_in_one_process(
    site: Site, tmp_path: Path
) -> None:
    base = site.url("/bench/catalog.ttl")

    def reply(full: str) -> Reply:
        number = int(full.rsplit("=", 1)[1])
        body = page_ttl(number, TOTAL, base)
        if number == 3:  # cut in the middle of a statement
            body = body[: len(body) // 2]
        return Reply(body.encode(), "text/turtle")

    site.add("/bench/catalog.ttl*", reply)
    alone, shared = harvest(base + "?page=1", 1, tmp_path), harvest(base + "?page=1", 2, tmp_path)
    assert shared.returncode == alone.returncode
    assert sorted(shared.stdout.splitlines()) == sorted(alone.stdout.splitlines())
    assert len(shared.stdout.splitlines()) == 200  # pages 1 and 2; page 3 stops the chain
    assert "page=3" in shared.stderr and shared.stderr == alone.stderr


def test_settings_another_process_cannot_receive_keep_the_pages_here() -> None:
    here = HttpSettings(resolver=lambda host, port: [])
    assert workers.page_reader("dcat", "c", here, 0) is None
    assert workers.page_reader("dcat", "c", HttpSettings(), 0) is not None
    assert workers.worker_count(0) == min(workers.MAX_AUTO, workers.usable_cores())
    assert workers.worker_count(3) == 3


def test_ctrl_c_stops_the_command_and_its_workers_quietly(site: Site, tmp_path: Path) -> None:
    base = site.url("/bench/catalog.ttl")

    def reply(full: str) -> Reply:
        number = int(full.rsplit("=", 1)[1])
        return Reply(page_ttl(number, 100 * 200, base).encode(), "text/turtle")

    site.add("/bench/catalog.ttl*", reply)
    config = write_config(tmp_path, 2)
    command = [sys.executable, "-m", "observatory.cli", "harvest", base + "?page=1", "--json"]
    proc = subprocess.Popen(
        [*AS_IN_A_TERMINAL, *command, "--config", str(config)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,  # not read until the end: the command blocks printing, so
        stderr=subprocess.PIPE,  # its workers wait for work when Ctrl-C comes
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    deadline = time.monotonic() + 60
    while len(psutil.Process(proc.pid).children(recursive=True)) < 3:  # forkserver, workers
        assert time.monotonic() < deadline and proc.poll() is None, "no workers started"
        time.sleep(0.1)
    time.sleep(1)  # the workers' pages read, the pipe full
    family = psutil.Process(proc.pid).children(recursive=True)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    _, alive = psutil.wait_procs(family, timeout=30)
    assert proc.returncode == 130 and "Traceback" not in err, err[-3000:]
    assert alive == []


def test_a_worker_refuses_a_page_redirected_to_a_network_not_allowed(
    site: Site, tmp_path: Path
) -> None:
    """The guard holds in the workers: page 2, read by a worker, redirects to a loopback
    address outside the one allowed; it is refused and the victim sees no connection."""
    victim = socket.socket()
    victim.bind(("127.0.0.2", 0))
    victim.listen()
    victim.settimeout(0.2)
    target = f"http://127.0.0.2:{victim.getsockname()[1]}/catalog.ttl?page=2"
    base = site.url("/bench/catalog.ttl")

    def reply(full: str) -> Reply:
        number = int(full.rsplit("=", 1)[1])
        if number == 2:
            return Reply(b"", None, 302, {"Location": target})
        return Reply(page_ttl(number, TOTAL, base).encode(), "text/turtle")

    site.add("/bench/catalog.ttl*", reply)
    try:
        done = harvest(base + "?page=1", 2, tmp_path, allowed="127.0.0.1/32")
        with pytest.raises(TimeoutError):
            victim.accept()
    finally:
        victim.close()
    assert "Traceback" not in done.stderr
    assert len(done.stdout.splitlines()) == 100  # page 1 only: the chain stops at page 2
    assert "page=2" in done.stderr and "127.0.0.2" in done.stderr, done.stderr[-2000:]
