"""A throwaway PostgreSQL cluster for the tests, when no server is configured or reachable.

``initdb`` into a temporary folder, then ``postgres`` in the foreground as a direct child of
the test session (so the session's end-of-run check sees it if it is ever left behind), on
a free loopback port, trust authentication, no fsync. PostgreSQL refuses to run as root: as
root, both run as the ``postgres`` OS user (Debian's packages create it).

pytest-postgresql was considered: its executor daemonises through ``pg_ctl`` (the server
then is no child of the session) and has no way to switch user, so it cannot run as root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

BINARIES = ("initdb", "postgres")
SEARCH = "PATH, /usr/lib/postgresql/*/bin, /usr/local/pgsql/bin"


class Unavailable(Exception):
    """The binaries or the OS user a cluster needs are missing; the message names them."""


def find_bindir(path: str | None = None) -> Path:
    """The newest folder holding both ``initdb`` and ``postgres``."""
    found = shutil.which("initdb", path=path)
    candidates = [Path(os.path.realpath(found)).parent] if found else []
    versioned = glob.glob("/usr/lib/postgresql/*/bin") if path is None else []
    candidates += sorted(map(Path, versioned), key=_version, reverse=True)
    candidates += [Path("/usr/local/pgsql/bin")] if path is None else []
    for folder in candidates:
        if all((folder / name).is_file() for name in BINARIES):
            return folder
    missing = [n for n in BINARIES if not any((f / n).is_file() for f in candidates)]
    raise Unavailable(f"PostgreSQL binary {' and '.join(missing or BINARIES)} not found ({SEARCH})")


def _version(folder: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in folder.parent.name.split(".") if p.isdigit())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """``with Cluster() as url:`` a fresh, empty cluster; stopped and deleted on exit."""

    def __init__(self, startup_timeout: float = 120) -> None:
        self.bindir = find_bindir()
        self.user = self._os_user()
        self.startup_timeout = startup_timeout
        self.folder: Path | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    @staticmethod
    def _os_user() -> str | None:
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam("postgres").pw_name
        except KeyError as exc:
            raise Unavailable(
                "PostgreSQL refuses to run as root and there is no 'postgres' OS user"
            ) from exc

    def __enter__(self) -> str:
        self.folder = Path(tempfile.mkdtemp(prefix="observatory-pg-"))
        if self.user:
            shutil.chown(self.folder, self.user)
        data = self.folder / "data"
        self._run([self.bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust",
                   "-E", "UTF8", "--locale=C", "--no-sync"])  # fmt: skip
        for _ in range(5):  # another process may take the port between the probe and bind
            if self._start(data, _free_port()):
                return self.url
        raise RuntimeError(f"throwaway PostgreSQL did not start: {self._log_tail()}")

    def _run(self, command: list[object]) -> None:
        done = subprocess.run(
            [str(c) for c in command], user=self.user, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {(done.stdout + done.stderr)[-1500:]}")

    def _start(self, data: Path, port: int) -> bool:
        assert self.folder is not None
        command = [self.bindir / "postgres", "-D", data, "-p", port, "-k", self.folder,
                   "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                   "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]  # fmt: skip
        with open(self.folder / "postgres.log", "ab") as log:
            self.proc = subprocess.Popen(
                [str(c) for c in command], user=self.user, stdout=log, stderr=log
            )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres").close()
            except psycopg.OperationalError:
                time.sleep(0.2)
                continue
            self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
            return True
        self._stop()
        return False

    def _log_tail(self) -> str:
        assert self.folder is not None
        log = self.folder / "postgres.log"
        return log.read_text(errors="replace")[-1500:] if log.exists() else "(no log)"

    def _stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # "fast" shutdown
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __exit__(self, *exc: object) -> None:
        self._stop()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
