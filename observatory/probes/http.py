"""Availability probe of one download URL with requests: HEAD first, GET when HEAD lies.

The decisions (HEAD/GET fallback, block pages, 429, slow, conditional requests) live in
``probes.rules`` and are shared with the asynchronous engine ``probes.aio``; this module
only sends the requests a rule plan asks for. A GET reads a small prefix of the body only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import requests

from observatory.model import ProbeResult
from observatory.net.fetch import FetchError, HttpSettings, open_stream, read_capped
from observatory.probes.phases import probe_session, recording
from observatory.probes.polite import HeadMemory, host_of
from observatory.probes.rules import (
    BLOCK_WORDS,
    PREFIX_BYTES,
    SMALL_HTML,
    Answer,
    Validators,
    head_needs_get,
    html_instead_of_file,
    judge,
    judge_error,
    looks_like_html,
    plan,
    retry_after_reason,
)

__all__ = [
    "BLOCK_WORDS",
    "PREFIX_BYTES",
    "SMALL_HTML",
    "Answer",
    "Validators",
    "head_needs_get",
    "html_instead_of_file",
    "judge",
    "judge_error",
    "looks_like_html",
    "probe_url",
    "request",
    "retry_after_reason",
]


def request(
    url: str,
    http: HttpSettings,
    session: requests.Session | None,
    method: str,
    *,
    read_bytes: int = 0,
    headers: dict[str, str] | None = None,
) -> Answer:
    """Send one guarded request; read at most ``read_bytes`` of the body. Never raises.

    With a ``probe_session`` (the default when ``session`` is None) the answer carries the
    connection phases and, for https, the certificate expiry.
    """
    if session is None:
        with probe_session(http, pool_size=1) as own:
            return request(url, http, own, method, read_bytes=read_bytes, headers=headers)
    answer = Answer(method=method)
    start = time.monotonic()
    try:
        with recording() as answer.phases:
            response, redirects = open_stream(url, http, session, method, headers)
    except FetchError as exc:
        answer.error = exc
        answer.latency_ms = (time.monotonic() - start) * 1000
        return answer
    answer.ttfb_ms = (time.monotonic() - start) * 1000
    answer.status = response.status_code
    answer.headers = {k.lower(): v for k, v in response.headers.items()}
    answer.redirects = redirects
    answer.final_url = redirects[-1] if redirects else url
    try:
        if read_bytes and method != "HEAD":
            deadline = start + http.total_timeout
            answer.body, answer.truncated = read_capped(
                response, read_bytes, deadline, allow_truncated=True
            )
    except FetchError as exc:
        answer.error = exc
    finally:
        response.close()
    answer.latency_ms = (time.monotonic() - start) * 1000
    return answer


def probe_url(
    url: str,
    http: HttpSettings,
    session: requests.Session | None = None,
    *,
    slow_ms: float = 5000,
    expect_file: bool = True,
    now: datetime | None = None,
    previous: Validators | None = None,
    before_request: Callable[[], None] | None = None,
    memory: HeadMemory | None = None,
) -> ProbeResult:
    """Check whether ``url`` serves its file now: up, down, degraded, unknown or refused.

    With ``previous`` validators the requests are conditional and ``extra["changed"]``
    tells whether the file changed; ``before_request`` runs before each request (pacing);
    ``memory`` keeps the hosts whose HEAD is not believed. Without ``session``, one
    keep-alive ``probe_session`` serves the probe's requests.
    """
    if session is None:
        with probe_session(http, pool_size=1) as own:
            return probe_url(
                url,
                http,
                own,
                slow_ms=slow_ms,
                expect_file=expect_file,
                now=now,
                previous=previous,
                before_request=before_request,
                memory=memory,
            )
    checked_at = now or datetime.now(UTC)
    host = host_of(url)
    steps = plan(
        url,
        expect_file=expect_file,
        slow_ms=slow_ms,
        checked_at=checked_at,
        previous=previous,
        head_distrust=memory.distrust(host) if memory is not None else None,
    )
    step = next(steps)
    while True:
        if before_request is not None:
            before_request()
        answer = request(
            url, http, session, step.method, read_bytes=step.read_bytes, headers=step.headers
        )
        try:
            step = steps.send(answer)
        except StopIteration as stop:
            if memory is not None:
                memory.note(host, stop.value)
            return stop.value
