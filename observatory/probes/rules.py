"""The decision rules of a file probe, shared by the threaded and the asynchronous engines.

A probe is written once, as a generator (``plan``) that yields the requests to send and
receives their answers; each engine only sends requests. So HEAD-with-GET-fallback, the
firewall-page test, 429/503+Retry-After as "unknown", slow as "degraded" and conditional
requests are the same rules whichever engine runs them. Rules follow design.md
("Availability semantics").
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from observatory.model import Outcome, ProbeResult, shared
from observatory.net.fetch import FetchError
from observatory.probes.phases import Phases, cert_warning, phase_extra

PREFIX_BYTES = 64 * 1024  # what a GET probe reads at most (and the range it asks for)
CONFIRM_RANGE = f"bytes=0-{PREFIX_BYTES - 1}"
SMALL_HTML = 256 * 1024  # an HTML answer this small where a file is expected is suspicious
HTML_TYPES = ("text/html", "application/xhtml+xml")
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
    phases: Phases | None = None  # connect/TLS times and certificate of the final hop

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

    @property
    def file_length(self) -> int | None:
        """The size of the whole file: from Content-Range for a 206, else Content-Length."""
        if self.status == 206:
            total = self.headers.get("content-range", "").rpartition("/")[2].strip()
            return int(total) if total.isdigit() else None
        return self.content_length


@dataclass(frozen=True)
class Validators:
    """What the last probe of a URL saw, to ask "changed since?" without downloading."""

    etag: str | None = None
    last_modified: str | None = None
    content_length: int | None = None

    @classmethod
    def of(cls, result: ProbeResult) -> Validators:
        return cls(result.etag, result.last_modified, result.content_length)

    def headers(self) -> dict[str, str]:
        """Conditional request headers (If-None-Match, If-Modified-Since)."""
        out: dict[str, str] = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True)
class Step:
    """One request a probe wants sent."""

    method: str
    read_bytes: int = 0
    headers: dict[str, str] | None = None


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
    if answer.content_type not in HTML_TYPES and not looks_like_html(answer.body):
        return None
    text = answer.body.decode("utf-8", "replace").lower()
    words = [w for w in BLOCK_WORDS if w in text]
    if words:
        return f"firewall/HTML page instead of a file: a block page mentioning {', '.join(words)}"
    return "firewall/HTML page instead of a file: the server answers an HTML page"


def head_needs_get(answer: Answer, expect_file: bool) -> str | None:
    """Why a HEAD answer cannot decide alone (so a ranged GET must confirm), or None."""
    if answer.error is not None:
        return f"HEAD failed ({answer.error.message})"
    assert answer.status is not None
    if answer.status == 304:  # "not modified" answers a conditional HEAD fully
        return None
    if answer.status == 405:
        return "HEAD not allowed (405)"
    if answer.status >= 400:
        return f"HEAD answered {answer.status}"
    if answer.content_length is None or not answer.content_type:
        return "HEAD gave no usable Content-Length or Content-Type"
    if expect_file and answer.content_length == 0:
        return "HEAD announces an empty file (Content-Length: 0)"
    small = answer.content_length <= SMALL_HTML
    if expect_file and answer.content_type in HTML_TYPES and small:
        return "HEAD announces a small HTML page"
    return None


def head_disagrees(head: Answer, get: Answer, outcome: Outcome) -> str | None:
    """How a HEAD that looked fine is contradicted by the GET of the same URL, or None.

    Such a host's HEAD is not believed alone any more (``polite.HeadMemory``).
    """
    if head.status is None or not 200 <= head.status < 300 or get.status is None:
        return None
    if outcome == "down":
        return f"HEAD answered {head.status} where GET is down ({get.status})"
    before, now = head.content_length, get.file_length
    if before and now is not None and before != now and get.status in (200, 206):
        return f"HEAD announced {before} bytes where GET serves {now}"
    return None


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
    if answer.status == 416 and answer.method == "GET":
        return "down", "HTTP 416 to a range from byte 0: the server has no byte of this file"
    if answer.status >= 400:
        if head is not None and head.status is not None and head.status < 400:
            return "down", f"HEAD says {head.status} but GET answers {answer.status}"
        return "down", f"HTTP {answer.status}"
    if answer.error is not None:  # headers came, the body did not
        return "down", f"answered {answer.status} but {judge_error(answer.error)[1]}"
    if answer.method == "GET" and expect_file:
        if not answer.body and answer.status in (200, 206):
            return "down", f"HTTP {answer.status} with an empty body: no file is served"
        html = html_instead_of_file(answer)
        if html:
            return "down", html
    latency = answer.latency_ms or 0.0
    if latency > slow_ms:
        return "degraded", f"HTTP {answer.status} but slow: {latency:.0f} ms > {slow_ms:.0f} ms"
    if answer.status == 304:
        return "up", f"HTTP 304 Not Modified ({answer.method}): unchanged since the last probe"
    return "up", f"HTTP {answer.status} ({answer.method})"


def changed(previous: Validators | None, result: ProbeResult) -> bool | None:
    """Whether the file changed since ``previous``: ETag, then Last-Modified, then length."""
    if previous is None or result.outcome not in ("up", "degraded"):
        return None
    if result.status == 304:
        return False
    pairs = (
        (previous.etag, result.etag),
        (previous.last_modified, result.last_modified),
        (previous.content_length, result.content_length),
    )
    for before, now in pairs:
        if before is not None and now is not None:
            return before != now
    return None


def timing_extra(answer: Answer, checked_at: datetime) -> dict[str, Any]:
    """connect_ms, tls_ms, ttfb_ms, cert_not_after and cert_days_left, when known."""
    extra = phase_extra(answer.phases, checked_at)
    if answer.ttfb_ms is not None:
        extra["ttfb_ms"] = round(answer.ttfb_ms, 1)
    return extra


def note_certificate(outcome: Outcome, reason: str, extra: dict[str, Any]) -> str:
    """The reason, with a warning when the certificate expires soon (the outcome holds:
    the resource answers now; an expired certificate already fails as a TLS error)."""
    warning = cert_warning(extra) if outcome in ("up", "degraded") else None
    return f"{reason}; {warning}" if warning else reason


def make_result(
    url: str, outcome: Outcome, reason: str, answer: Answer, checked_at: datetime
) -> ProbeResult:
    """The ProbeResult of the request that decided."""
    extra = timing_extra(answer, checked_at)
    reason = note_certificate(outcome, reason, extra)
    if answer.redirects:
        extra["redirects"] = answer.redirects
    if "retry-after" in answer.headers:
        extra["retry_after"] = answer.headers["retry-after"]
    length = answer.file_length
    if (
        length is None
        and answer.status != 206
        and answer.body
        and answer.error is None
        and not answer.truncated
    ):
        length = len(answer.body)
    return ProbeResult(
        url=url,
        outcome=outcome,
        reason=shared(reason),
        checked_at=checked_at,
        target="file",
        method=answer.method,
        status=answer.status,
        final_url=answer.final_url,
        content_type=shared(answer.content_type),
        content_length=length,
        last_modified=answer.headers.get("last-modified"),
        etag=answer.headers.get("etag"),
        latency_ms=round(answer.latency_ms, 1) if answer.latency_ms is not None else None,
        extra=extra,
    )


def _conditional(result: ProbeResult, previous: Validators | None) -> ProbeResult:
    """Carry the known validators over a 304 and record whether the file changed."""
    if previous is None:
        return result
    if result.status == 304:
        result.etag = result.etag or previous.etag
        result.last_modified = result.last_modified or previous.last_modified
        result.content_length = result.content_length or previous.content_length
    result.extra["changed"] = changed(previous, result)
    return result


def plan(
    url: str,
    *,
    expect_file: bool,
    slow_ms: float,
    checked_at: datetime,
    previous: Validators | None = None,
    head_distrust: str | None = None,
) -> Generator[Step, Answer, ProbeResult]:
    """The probe of one URL: yields the requests to send, receives answers, returns the result.

    HEAD decides alone only when it cannot be lying; otherwise a ranged GET of the first
    ``PREFIX_BYTES`` confirms. ``head_distrust`` (why this host's HEAD is not believed, from
    ``polite.HeadMemory``) skips HEAD. When a HEAD that looked fine is contradicted by the
    GET, ``extra["head_unreliable"]`` says how, for the engine to remember the host.
    """
    headers = previous.headers() if previous else None
    head: Answer | None = None
    why_get = head_distrust
    if why_get is None:
        head = yield Step("HEAD", 0, headers)
        refused = head.error is not None and head.error.kind == "refused"
        if not refused and not retry_after_reason(head):  # asked to slow down: no 2nd request
            why_get = head_needs_get(head, expect_file)
        if why_get is None:
            outcome, reason = judge(head, None, expect_file, slow_ms)
            return _conditional(make_result(url, outcome, reason, head, checked_at), previous)
    get = yield Step("GET", PREFIX_BYTES, {**(headers or {}), "Range": CONFIRM_RANGE})
    outcome, reason = judge(get, head, expect_file, slow_ms)
    result = make_result(url, outcome, reason, get, checked_at)
    result.extra["fallback"] = why_get
    if head is not None:
        if head.status is not None:
            result.extra["head_status"] = head.status
        if result.last_modified is None:
            result.last_modified = head.headers.get("last-modified")
        disagreement = head_disagrees(head, get, outcome)
        if disagreement:
            result.extra["head_unreliable"] = disagreement
    return _conditional(result, previous)
