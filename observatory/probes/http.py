"""Availability probe of one download URL: HEAD first, GET when HEAD cannot be trusted.

Real crawlers learned that HEAD lies (200 on HEAD, 404 on GET), that firewalls answer
200 with an HTML block page, and that 429 means "slow down", not "down". The rules here
follow design.md ("Availability semantics"). A GET reads a small prefix of the body only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests

from observatory.model import Outcome, ProbeResult
from observatory.net.fetch import FetchError, HttpSettings, open_stream, read_capped

PREFIX_BYTES = 64 * 1024  # what a GET probe reads at most
SMALL_HTML = 256 * 1024  # an HTML answer this small where a file is expected is suspicious
BLOCK_WORDS = (
    "blocked",
    "denied",
    "captcha",
    "firewall",
    "forbidden",
    "bloqué",
    "refusé",
    "request rejected",
    "access denied",
    "cloudflare",
)


@dataclass
class Answer:
    """What one HTTP request of a probe gave (or why it gave nothing)."""

    method: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str | None = None
    redirects: list[str] = field(default_factory=list)
    body: bytes = b""
    truncated: bool = False
    ttfb_ms: float | None = None
    latency_ms: float | None = None
    error: FetchError | None = None

    @property
    def content_type(self) -> str | None:
        raw = self.headers.get("content-type")
        return raw.split(";")[0].strip().lower() if raw else None

    @property
    def content_length(self) -> int | None:
        try:
            return int(self.headers["content-length"])
        except (KeyError, ValueError):
            return None


def request(
    url: str,
    http: HttpSettings,
    session: requests.Session | None,
    method: str,
    *,
    read_bytes: int = 0,
    headers: dict[str, str] | None = None,
) -> Answer:
    """Send one guarded request; read at most ``read_bytes`` of the body. Never raises."""
    answer = Answer(method=method)
    start = time.monotonic()
    try:
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


def retry_after_reason(answer: Answer) -> str | None:
    """The "unknown" reason for a 429, or a 503 carrying Retry-After; None otherwise."""
    retry = answer.headers.get("retry-after")
    if answer.status == 429:
        suffix = f" (Retry-After: {retry})" if retry else ""
        return f"HTTP 429 Too Many Requests: the server asks to slow down{suffix}"
    if answer.status == 503 and retry:
        return f"HTTP 503 Service Unavailable with Retry-After: {retry} (temporary)"
    return None


def looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]


def html_instead_of_file(answer: Answer) -> str | None:
    """Why a GET answer is an HTML page where a file was expected, or None."""
    is_html = answer.content_type in ("text/html", "application/xhtml+xml")
    if not is_html and not looks_like_html(answer.body):
        return None
    text = answer.body.decode("utf-8", "replace").lower()
    words = [w for w in BLOCK_WORDS if w in text]
    if words:
        return f"firewall/HTML page instead of a file: a block page mentioning {', '.join(words)}"
    return "firewall/HTML page instead of a file: the server answers an HTML page"


def head_needs_get(answer: Answer, expect_file: bool) -> str | None:
    """Why a HEAD answer cannot decide alone (so a GET must), or None when it can."""
    if answer.error is not None:
        return f"HEAD failed ({answer.error.message})"
    assert answer.status is not None
    if answer.status == 405:
        return "HEAD not allowed (405)"
    if answer.status >= 400:
        return f"HEAD answered {answer.status}"
    if "content-length" not in answer.headers and "last-modified" not in answer.headers:
        return "HEAD gave neither Content-Length nor Last-Modified"
    small = answer.content_length is None or answer.content_length <= SMALL_HTML
    if expect_file and answer.content_type in ("text/html", "application/xhtml+xml") and small:
        return "HEAD announces a small HTML page"
    return None


def _result(
    url: str, outcome: Outcome, reason: str, answer: Answer, checked_at: datetime
) -> ProbeResult:
    extra: dict[str, Any] = {}
    if answer.ttfb_ms is not None:
        extra["ttfb_ms"] = round(answer.ttfb_ms, 1)
    if answer.redirects:
        extra["redirects"] = answer.redirects
    if "retry-after" in answer.headers:
        extra["retry_after"] = answer.headers["retry-after"]
    length = answer.content_length
    if length is None and answer.body and answer.error is None and not answer.truncated:
        length = len(answer.body)
    return ProbeResult(
        url=url,
        outcome=outcome,
        reason=reason,
        checked_at=checked_at,
        target="file",
        method=answer.method,
        status=answer.status,
        final_url=answer.final_url,
        content_type=answer.content_type,
        content_length=length,
        last_modified=answer.headers.get("last-modified"),
        etag=answer.headers.get("etag"),
        latency_ms=round(answer.latency_ms, 1) if answer.latency_ms is not None else None,
        extra=extra,
    )


def judge_error(error: FetchError) -> tuple[Outcome, str]:
    """Outcome and reason of a request that got no HTTP answer."""
    if error.kind == "refused":
        return "refused", f"refused by the address guard: {error.message}"
    if error.kind == "redirect-loop":
        return "down", f"redirect loop: {error.message}"
    if error.kind == "timeout":
        return "down", f"timeout: {error.message}"
    return "down", f"{error.kind}: {error.message}"


def judge(
    answer: Answer, head: Answer | None, expect_file: bool, slow_ms: float
) -> tuple[Outcome, str]:
    """Outcome and reason of the request that decides (``head`` is the earlier HEAD, if any)."""
    if answer.error is not None and answer.status is None:
        return judge_error(answer.error)
    assert answer.status is not None
    unknown = retry_after_reason(answer)
    if unknown:
        return "unknown", unknown
    if answer.status >= 400:
        if head is not None and head.status is not None and head.status < 400:
            return "down", f"HEAD says {head.status} but GET answers {answer.status}"
        return "down", f"HTTP {answer.status}"
    if answer.error is not None:  # headers came, the body did not
        return "down", f"answered {answer.status} but {judge_error(answer.error)[1]}"
    if answer.method == "GET" and expect_file:
        html = html_instead_of_file(answer)
        if html:
            return "down", html
    latency = answer.latency_ms or 0.0
    if latency > slow_ms:
        return "degraded", f"HTTP {answer.status} but slow: {latency:.0f} ms > {slow_ms:.0f} ms"
    return "up", f"HTTP {answer.status} ({answer.method})"


def probe_url(
    url: str,
    http: HttpSettings,
    session: requests.Session | None = None,
    *,
    slow_ms: float = 5000,
    expect_file: bool = True,
    now: datetime | None = None,
) -> ProbeResult:
    """Check whether ``url`` serves its file now: up, down, degraded, unknown or refused."""
    checked_at = now or datetime.now(UTC)
    head = request(url, http, session, "HEAD")
    if head.error is not None and head.error.kind == "refused":
        outcome, reason = judge_error(head.error)
        return _result(url, outcome, reason, head, checked_at)
    if retry_after_reason(head):  # asked to slow down: do not insist with a GET
        outcome, reason = judge(head, None, expect_file, slow_ms)
        return _result(url, outcome, reason, head, checked_at)
    why_get = head_needs_get(head, expect_file)
    if why_get is None:
        outcome, reason = judge(head, None, expect_file, slow_ms)
        return _result(url, outcome, reason, head, checked_at)
    get = request(url, http, session, "GET", read_bytes=PREFIX_BYTES)
    outcome, reason = judge(get, head, expect_file, slow_ms)
    result = _result(url, outcome, reason, get, checked_at)
    result.extra["fallback"] = why_get
    if head.status is not None:
        result.extra["head_status"] = head.status
    if result.last_modified is None:
        result.last_modified = head.headers.get("last-modified")
    return result
