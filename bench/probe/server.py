"""A fast loopback file server on many 127.0.0.0/8 addresses that counts what clients do.

Each address is one host with its own listening socket (never a wildcard address) and its
own counters: requests, requests in flight at once (the per-host concurrency a client
really used) and requests started within any one second (its real rate). Answers are held
``delay`` seconds so that concurrent requests overlap and can be counted. Files answer with
Content-Length, Last-Modified and ETag, and 304 to a matching If-None-Match.

Runs in child processes (``Farm``), driven over a pipe; a child stops when told, when its
parent goes away, or after ``lifetime`` seconds, whichever comes first.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import multiprocessing as mp
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

BODY = b"id,name\n" + b"".join(b"%d,ville-%d\n" % (i, i) for i in range(40))
LAST_MODIFIED = "Tue, 04 Mar 2025 10:00:00 GMT"
ETAG = '"v1"'


def _head(status: str, extra: str, length: int) -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: text/csv\r\nContent-Length: {length}\r\n"
        f"Last-Modified: {LAST_MODIFIED}\r\nETag: {ETAG}\r\n{extra}\r\n"
    ).encode()


OK_HEAD = _head("200 OK", "", len(BODY))
OK_GET = OK_HEAD + BODY
NOT_MODIFIED = (
    f"HTTP/1.1 304 Not Modified\r\nETag: {ETAG}\r\nLast-Modified: {LAST_MODIFIED}\r\n\r\n"
).encode()
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\ngone"
LYING_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 0\r\n\r\n"
TOO_MANY = (
    b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 120\r\nContent-Type: text/plain\r\n"
    b"Content-Length: 9\r\n\r\nslow down"
)


@dataclass
class HostStats:
    """What one host saw."""

    requests: int = 0
    connections: int = 0
    current: int = 0
    max_current: int = 0
    max_per_second: int = 0
    user_agent: str = ""
    recent: deque[float] = field(default_factory=deque)

    def start(self, now: float) -> None:
        self.requests += 1
        self.current += 1
        self.max_current = max(self.max_current, self.current)
        recent = self.recent
        recent.append(now)
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        self.max_per_second = max(self.max_per_second, len(recent))

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "connections": self.connections,
            "max_current": self.max_current,
            "max_per_second": self.max_per_second,
            "user_agent": self.user_agent,
        }


def user_agent(head: bytes) -> str:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"user-agent":
            return value.strip().decode("latin-1")
    return ""


def answer(method: bytes, path: bytes, head: bytes) -> bytes:
    """The bytes of the answer to one request."""
    if path.startswith(b"/lying/"):  # HEAD says 200 without length or date; GET says 404
        return LYING_HEAD if method == b"HEAD" else NOT_FOUND
    if path.startswith(b"/429"):
        return TOO_MANY
    if not path.startswith(b"/f/"):
        return NOT_FOUND
    if b"if-none-match: " + ETAG.encode() in head.lower():
        return NOT_MODIFIED
    return OK_HEAD if method == b"HEAD" else OK_GET


class FileProtocol(asyncio.Protocol):
    """HTTP/1.1 keep-alive, no request bodies: enough for HEAD and GET probes."""

    def __init__(self, stats: dict[str, HostStats], host: str, delay: float) -> None:
        self.stats = stats  # looked up per request: a reset swaps the counters
        self.host = host
        self.delay = delay
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.stats[self.host].connections += 1

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        loop = asyncio.get_running_loop()
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            method, path, _ = head.split(b" ", 2)
            stats = self.stats[self.host]
            stats.start(time.monotonic())
            if not stats.user_agent:
                stats.user_agent = user_agent(head)
            payload = answer(method, path, head)
            if self.delay:
                loop.call_later(self.delay, self.respond, payload)
            else:
                self.respond(payload)

    def respond(self, payload: bytes) -> None:
        self.stats[self.host].current -= 1
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(payload)


def addresses(count: int, first: str = "127.0.0.2") -> list[str]:
    """``count`` distinct loopback addresses from ``first``, skipping .0 and .255."""
    out: list[str] = []
    ip = ipaddress.IPv4Address(first)
    while len(out) < count:
        if str(ip).split(".")[-1] not in ("0", "255"):
            out.append(str(ip))
        ip += 1
    assert ip in ipaddress.IPv4Network("127.0.0.0/8")
    return out


async def _serve(hosts: list[str], conn: Connection, delay: float, lifetime: float) -> None:
    loop = asyncio.get_running_loop()
    stats = {host: HostStats() for host in hosts}
    servers = [
        await loop.create_server(functools.partial(FileProtocol, stats, host, delay), host, 0)
        for host in hosts
    ]
    conn.send(
        [(host, srv.sockets[0].getsockname()[1]) for host, srv in zip(hosts, servers, strict=False)]
    )
    done = loop.create_future()

    def command() -> None:
        try:
            what = conn.recv()
        except (EOFError, OSError):  # the parent went away
            what = "stop"
        if what == "reset":
            stats.update({host: HostStats() for host in hosts})
            conn.send("ok")
        elif what == "stats":
            conn.send({host: s.summary() for host, s in stats.items()})
        elif not done.done():
            done.set_result(None)

    loop.add_reader(conn.fileno(), command)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done, lifetime)
    for srv in servers:
        srv.close()


def serve(hosts: list[str], conn: Connection, delay: float, lifetime: float) -> None:
    """Child process entry point."""
    asyncio.run(_serve(hosts, conn, delay, lifetime))


class Farm:
    """``count`` loopback hosts served by ``processes`` child processes."""

    def __init__(
        self, count: int, processes: int = 2, delay: float = 0.002, lifetime: float = 1800
    ) -> None:
        self.count = count
        self.processes = max(1, min(processes, count))
        self.delay = delay
        self.lifetime = lifetime
        self.hosts: list[tuple[str, int]] = []
        self._children: list[tuple[Any, Connection]] = []

    def __enter__(self) -> Farm:
        ctx = mp.get_context("spawn")
        names = addresses(self.count)
        for part in range(self.processes):
            mine, theirs = ctx.Pipe()
            chunk = names[part :: self.processes]
            args = (chunk, theirs, self.delay, self.lifetime)
            child = ctx.Process(target=serve, args=args, daemon=True)
            child.start()
            self._children.append((child, mine))
        for _, conn in self._children:
            self.hosts.extend(conn.recv())
        return self

    def bases(self) -> list[str]:
        return [f"http://{host}:{port}" for host, port in self.hosts]

    def _ask(self, what: str) -> list[Any]:
        for _, conn in self._children:
            conn.send(what)
        return [conn.recv() for _, conn in self._children]

    def reset(self) -> None:
        self._ask("reset")

    def stats(self) -> dict[str, dict[str, Any]]:
        merged: dict[str, dict[str, Any]] = {}
        for part in self._ask("stats"):
            merged.update(part)
        return merged

    def __exit__(self, *exc: object) -> None:
        for child, conn in self._children:
            with contextlib.suppress(OSError):
                conn.send("stop")
            child.join(timeout=5)
            if child.is_alive():
                child.terminate()
