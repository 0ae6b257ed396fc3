"""Check an API with a sample request and assertions on its answer.

An API that answers but answers wrong (bad status, wrong content type, missing value) is
"degraded", not up: reusers cannot rely on it. No HTTP answer or a 5xx is "down"; a 429 or a
503 with Retry-After is "unknown" (the server asked us to slow down).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import requests

from observatory.model import Outcome, ProbeResult
from observatory.net.fetch import HttpSettings
from observatory.probes.http import Answer, judge_error, request, retry_after_reason
from observatory.probes.rules import note_certificate, timing_extra
from observatory.registry import ApiCheck, Expectation

_MISSING = object()
_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_TYPES: dict[str, Any] = {
    "string": str,
    "array": list,
    "object": dict,
    "boolean": bool,
    "null": type(None),
}


class PathError(ValueError):
    """A json_path that cannot be parsed."""


def parse_path(path: str) -> list[str | int]:
    """Split ``features[0].properties.label`` into ``["features", 0, "properties", "label"]``."""
    parts: list[str | int] = []
    pos = 0
    for match in _TOKEN.finditer(path):
        gap = path[pos : match.start()]
        if gap not in ("", "."):
            raise PathError(f"invalid json_path {path!r} near {gap!r}")
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    if path[pos:] not in ("",) or not parts:
        raise PathError(f"invalid json_path {path!r}")
    return parts


def _step(node: Any, part: str | int) -> Any:
    if isinstance(part, int):
        return node[part] if isinstance(node, list) and part < len(node) else _MISSING
    return node.get(part, _MISSING) if isinstance(node, dict) else _MISSING


def resolve_path(document: Any, path: str) -> Any:
    """The value at ``path`` in a decoded JSON document, or ``_MISSING``."""
    node = document
    for part in parse_path(path):
        node = _step(node, part)
        if node is _MISSING:
            return node
    return node


def json_type(value: Any) -> str:
    """The JSON type name of a decoded value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    for name, kind in _TYPES.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


def type_matches(value: Any, expected: str) -> bool:
    actual = json_type(value)
    return actual == expected or (expected == "number" and actual == "integer")


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if value is not _MISSING else "(absent)"
    return text if len(text) <= 80 else text[:77] + "…"


def _assertion(name: str, ok: bool, expected: Any, got: Any) -> dict[str, Any]:
    return {"name": name, "ok": ok, "expected": expected, "got": got}


def evaluate(expect: Expectation, answer: Answer) -> list[dict[str, Any]]:
    """Every assertion of ``expect`` against the answer, each with expected and got."""
    checks = [_assertion("status", answer.status == expect.status, expect.status, answer.status)]
    if expect.content_type:
        got = answer.content_type or ""
        ok = got.startswith(expect.content_type.lower())
        checks.append(_assertion("content_type", ok, expect.content_type, got or None))
    if expect.json_path:
        checks.extend(_json_assertions(expect, answer.body))
    if expect.contains is not None:
        text = answer.body.decode("utf-8", "replace")
        checks.append(_assertion("contains", expect.contains in text, expect.contains, None))
    if expect.max_latency_ms is not None:
        got_ms = round(answer.latency_ms or 0.0, 1)
        ok = got_ms <= expect.max_latency_ms
        checks.append(_assertion("max_latency_ms", ok, expect.max_latency_ms, got_ms))
    return checks


def _json_assertions(expect: Expectation, body: bytes) -> list[dict[str, Any]]:
    path = expect.json_path or ""
    try:
        document = json.loads(body)
    except ValueError as exc:
        return [_assertion(f"json_path {path}", False, "a JSON body", f"not JSON ({exc})")]
    try:
        value = resolve_path(document, path)
    except PathError as exc:
        return [_assertion(f"json_path {path}", False, "a valid path", str(exc))]
    checks = [_assertion(f"json_path {path}", value is not _MISSING, "present", _short(value))]
    if value is _MISSING:
        return checks
    if expect.equals is not None:
        ok = value == expect.equals and isinstance(value, bool) == isinstance(expect.equals, bool)
        checks.append(_assertion(f"{path} equals", ok, expect.equals, value))
    if expect.type is not None:
        ok = type_matches(value, expect.type)
        checks.append(_assertion(f"{path} type", ok, expect.type, json_type(value)))
    return checks


def _describe(failed: list[dict[str, Any]]) -> str:
    parts = [
        f"{a['name']}: expected {_short(a['expected'])}, got {_short(a['got'])}"
        if a["got"] is not None
        else f"{a['name']}: expected {_short(a['expected'])}"
        for a in failed
    ]
    return "answering but wrong: " + "; ".join(parts)


def judge_api(answer: Answer, expect: Expectation, slow_ms: float) -> tuple[Outcome, str, list]:
    """Outcome, reason and assertion list of an API answer."""
    if answer.status is None:
        assert answer.error is not None
        outcome, reason = judge_error(answer.error)
        return outcome, reason, []
    unknown = retry_after_reason(answer)
    if unknown:
        return "unknown", unknown, []
    if answer.status >= 500 and answer.status != expect.status:
        return "down", f"HTTP {answer.status}", []
    if answer.error is not None:
        return "down", f"answered {answer.status} but {judge_error(answer.error)[1]}", []
    assertions = evaluate(expect, answer)
    failed = [a for a in assertions if not a["ok"]]
    if failed:
        return "degraded", _describe(failed), assertions
    latency = answer.latency_ms or 0.0
    if latency > slow_ms:
        reason = f"answers as expected but slow: {latency:.0f} ms > {slow_ms:.0f} ms"
        return "degraded", reason, assertions
    return "up", f"HTTP {answer.status}, {len(assertions)} assertion(s) hold", assertions


def check_api(
    check: ApiCheck,
    http: HttpSettings,
    session: requests.Session | None = None,
    *,
    slow_ms: float = 5000,
    now: datetime | None = None,
) -> ProbeResult:
    """Send the sample request of ``check`` and judge its answer against ``check.expect``."""
    checked_at = now or datetime.now(UTC)
    answer = request(
        check.url, http, session, check.method, read_bytes=http.max_bytes, headers=check.headers
    )
    outcome, reason, assertions = judge_api(answer, check.expect, slow_ms)
    extra: dict[str, Any] = {"assertions": assertions, **timing_extra(answer, checked_at)}
    reason = note_certificate(outcome, reason, extra)
    if answer.redirects:
        extra["redirects"] = answer.redirects
    if "retry-after" in answer.headers:
        extra["retry_after"] = answer.headers["retry-after"]
    return ProbeResult(
        url=check.url,
        outcome=outcome,
        reason=reason,
        checked_at=checked_at,
        target="api",
        check_name=check.name,
        method=check.method,
        status=answer.status,
        final_url=answer.final_url,
        content_type=answer.content_type,
        content_length=answer.content_length,
        last_modified=answer.headers.get("last-modified"),
        etag=answer.headers.get("etag"),
        latency_ms=round(answer.latency_ms, 1) if answer.latency_ms is not None else None,
        extra=extra,
    )
