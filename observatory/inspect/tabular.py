"""Table Schema validation of a CSV resource with frictionless, entirely in memory.

``validate_resource`` downloads under a byte cap (over the cap it validates what was read
and says ``partial``), unpacks a ZIP or gzip, normalises the text to UTF-8, then lets
frictionless (v5) validate the bytes against the schema. Nothing remote is ever handed to
frictionless: it receives bytes and a schema dict. A bad file or schema never raises:
the report's ``fatal`` explains it.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import frictionless
from frictionless import Dialect, Resource, Schema, formats

from observatory.inspect.completeness import empty_cell_stats
from observatory.inspect.decode import (
    Unpacked,
    UnreadableError,
    cut_to_last_line,
    detect_delimiter,
    gunzip,
    to_utf8,
    unzip_single_table,
)
from observatory.inspect.fast_source import (
    FAST_THRESHOLD,
    Declined,
    head_of,
    scratch_dir,
    spool_download,
    validate_large,
)
from observatory.inspect.sniff import sniff_format
from observatory.model import ValidationError, ValidationReport
from observatory.net.fetch import FetchError, HttpSettings, fetch, open_stream, read_capped

NO_LIMIT = 2**62  # "no limit" for frictionless's limit_errors
SCHEMA_TTL = 600.0  # seconds a fetched schema (or its failure) is reused within a process
TABLE_FORMATS = ("csv", "text")
FATAL_TYPES = {
    "source-error",
    "scheme-error",
    "format-error",
    "encoding-error",
    "resource-error",
    "schema-error",
    "dialect-error",
}
_cache: dict[tuple[str, HttpSettings], tuple[float, dict[str, Any] | SchemaError]] = {}
_cache_lock = threading.Lock()


class SchemaError(Exception):
    """The Table Schema cannot be used; the message says why."""


def check_schema(descriptor: Any) -> dict[str, Any]:
    """Return the descriptor if it is a valid Table Schema, else raise SchemaError."""
    if not isinstance(descriptor, dict):
        raise SchemaError(f"not a Table Schema: a {type(descriptor).__name__}, not an object")
    if not isinstance(descriptor.get("fields"), list):
        raise SchemaError("not a Table Schema: no 'fields' list")
    report = Schema.validate_descriptor(copy.deepcopy(descriptor))
    if not report.valid:
        notes = "; ".join(m for [m] in report.flatten(["message"])[:3])
        raise SchemaError(f"invalid Table Schema: {notes}")
    try:
        Schema.from_descriptor(copy.deepcopy(descriptor))
    except frictionless.FrictionlessException as exc:
        raise SchemaError(f"invalid Table Schema: {exc.error.message}") from None
    return descriptor


def _fetch_schema(url: str, http: HttpSettings) -> dict[str, Any]:
    try:
        response = fetch(url, http, headers={"Accept": "application/json"})
    except FetchError as exc:
        raise SchemaError(f"schema {url} could not be read: {exc.message}") from None
    try:
        descriptor = json.loads(response.content)
    except ValueError as exc:
        raise SchemaError(f"schema {url} is not valid JSON ({exc})") from None
    return check_schema(descriptor)


def load_schema(schema_ref_or_url: str | dict[str, Any], http: HttpSettings) -> dict[str, Any]:
    """A checked Table Schema from a dict or an http(s) URL (fetched through the guard)."""
    if isinstance(schema_ref_or_url, dict):
        return check_schema(schema_ref_or_url)
    url = schema_ref_or_url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise SchemaError(f"schema reference {url!r} is not an http(s) URL")
    key = (url, http)
    with _cache_lock:
        hit = _cache.get(key)
    if hit and time.monotonic() - hit[0] < SCHEMA_TTL:
        if isinstance(hit[1], SchemaError):
            raise hit[1]
        return copy.deepcopy(hit[1])
    try:
        value: dict[str, Any] | SchemaError = _fetch_schema(url, http)
    except SchemaError as exc:
        value = exc
    with _cache_lock:
        _cache[key] = (time.monotonic(), value)
    if isinstance(value, SchemaError):
        raise value
    return copy.deepcopy(value)


def _report(url: str, **kw: Any) -> ValidationReport:
    kw.setdefault("checked_at", datetime.now(UTC))
    kw.setdefault("valid", False)
    return ValidationReport(url=url, **kw)


def unpack(data: bytes, fmt: str | None, max_bytes: int) -> tuple[Unpacked, str | None]:
    """Take the table out of a ZIP or gzip; return it with the sniffed outer format."""
    outer = fmt or sniff_format(data[:65536])
    if outer == "zip":
        return unzip_single_table(data, max_bytes), outer
    if outer == "gzip":
        return gunzip(data, max_bytes), outer
    return Unpacked(data), outer


def run_frictionless(
    data: bytes, schema: dict[str, Any], delimiter: str, limit_errors: int | None
) -> frictionless.Report:
    """Validate UTF-8 CSV bytes against a schema dict, in memory."""
    resource = Resource(
        data=data,
        format="csv",
        encoding="utf-8",
        dialect=Dialect(controls=[formats.CsvControl(delimiter=delimiter)]),
        schema=Schema.from_descriptor(copy.deepcopy(schema)),
    )
    # frictionless stops at 1,000 errors by default: every error is wanted unless capped
    return resource.validate(limit_errors=NO_LIMIT if limit_errors is None else limit_errors)


def convert_errors(report: frictionless.Report) -> list[ValidationError]:
    """frictionless errors as model ValidationErrors (type, row, field, message)."""
    task_errors = report.tasks[0].errors if report.tasks else report.errors
    return [
        ValidationError(
            type=error.type,
            row=getattr(error, "row_number", None) or None,
            field=getattr(error, "field_name", None) or None,
            message=error.message,
        )
        for error in task_errors
    ]


def validate_table(
    source: bytes | str | Path,
    schema: dict[str, Any],
    *,
    limit_errors: int | None = None,
    fmt: str | None = None,
    encoding: str | None = None,
    url: str = "",
    distribution_key: str | None = None,
    schema_url: str | None = None,
    partial: bool = False,
    max_bytes: int = 2_000_000_000,
    now: datetime | None = None,
    declined: str | None = None,
) -> ValidationReport:
    """Validate a CSV (bytes or a local path; ZIP/gzip accepted) against a Table Schema.

    ``declined`` is the fast path's reason when it was already tried on this file."""
    base: dict[str, Any] = {
        "distribution_key": distribution_key,
        "schema_url": schema_url,
        "checked_at": now or datetime.now(UTC),
        "partial": partial,
    }
    url = url or (str(source) if isinstance(source, str | Path) else "")
    if declined is None:
        large = _validate_large(source, schema, url, base, fmt, encoding, limit_errors, max_bytes)
        if isinstance(large, ValidationReport):
            return large
        declined = large.reason if large else None
    if declined:
        base["stats"] = {"fast_declined": declined}
    raw = Path(source).read_bytes() if isinstance(source, str | Path) else source
    try:
        unpacked, outer = unpack(raw, fmt, max_bytes)
    except UnreadableError as exc:
        return _report(url, fatal=str(exc), detected_format=sniff_format(raw[:65536]), **base)
    data = unpacked.data
    if unpacked.truncated or partial:
        base["partial"] = True
        data = cut_to_last_line(data)
    inner = sniff_format(data[:65536]) if data.strip() else None
    detected = outer if unpacked.container else inner
    if data.strip() and fmt != "csv" and inner not in TABLE_FORMATS:
        fatal = f"not a CSV file: the content looks like {inner or 'binary data'}"
        return _report(url, fatal=fatal, detected_format=detected, **base)
    return _validate_csv(data, schema, unpacked, url, detected, encoding, limit_errors, base)


def required_fields(schema: dict[str, Any]) -> list[str]:
    """Names of the fields the schema declares required (the data-completeness criterion's)."""
    return [
        str(f.get("name"))
        for f in schema.get("fields", [])
        if isinstance(f, dict) and (f.get("constraints") or {}).get("required")
    ]


def _validate_large(
    source: bytes | str | Path,
    schema: dict[str, Any],
    url: str,
    base: dict[str, Any],
    fmt: str | None,
    encoding: str | None,
    limit_errors: int | None,
    max_bytes: int,
) -> ValidationReport | Declined | None:
    """The fast path's report for a file above FAST_THRESHOLD, why it declined, or None
    for a small file (frictionless reads it)."""
    size = len(source) if isinstance(source, bytes) else Path(source).stat().st_size
    if size <= FAST_THRESHOLD:
        return None
    options: dict[str, Any] = {
        "url": url,
        "base": base,
        "fmt": fmt,
        "encoding": encoding,
        "limit_errors": limit_errors,
        "max_bytes": max_bytes,
    }
    if not isinstance(source, bytes):
        return validate_large(Path(source), schema, **options)
    with scratch_dir() as folder:
        (folder / "data").write_bytes(source)
        return validate_large(folder / "data", schema, **options)


def _validate_csv(
    data: bytes,
    schema: dict[str, Any],
    unpacked: Unpacked,
    url: str,
    detected: str | None,
    encoding: str | None,
    limit_errors: int | None,
    base: dict[str, Any],
) -> ValidationReport:
    try:
        utf8, used = to_utf8(data, encoding)
    except UnreadableError as exc:
        return _report(url, fatal=str(exc), detected_format=detected, **base)
    delimiter = detect_delimiter(utf8)
    stats: dict[str, Any] = base.pop("stats", None) or {}
    stats |= {"encoding": used, "delimiter": delimiter, "bytes": len(data)}
    if unpacked.container:
        stats["container"] = unpacked.container
        stats["member"] = unpacked.member
    try:
        report = run_frictionless(utf8, schema, delimiter, limit_errors)
    except frictionless.FrictionlessException as exc:
        fatal = f"invalid Table Schema: {exc.error.message}"
        return _report(url, fatal=fatal, detected_format=detected, stats=stats, **base)
    except Exception as exc:  # noqa: BLE001 - a file frictionless chokes on is a finding
        fatal = f"the file could not be read ({type(exc).__name__}: {exc})"[:500]
        return _report(url, fatal=fatal, detected_format=detected, stats=stats, **base)
    errors = convert_errors(report)
    fatal_errors = [e for e in errors if e.type in FATAL_TYPES]
    task_stats: dict[str, Any] = dict(report.tasks[0].stats) if report.tasks else {}
    stats.update(empty_cell_stats(utf8, delimiter))
    if report.tasks:  # the header as read: structural changes are tracked on it
        stats["header"] = [str(label) for label in report.tasks[0].labels]
    stats["required"] = required_fields(schema)
    if limit_errors is not None and len(errors) >= limit_errors:
        stats["errors_capped"] = True
    return _report(
        url,
        valid=report.valid,
        errors=errors,
        error_counts=dict(Counter(e.type for e in errors)),
        row_count=None if fatal_errors else int(task_stats.get("rows", 0)),
        detected_format=detected,
        fatal=fatal_errors[0].message if fatal_errors else None,
        stats=stats,
        **base,
    )


def validate_resource(
    url: str,
    schema_url: str,
    http: HttpSettings,
    *,
    distribution_key: str | None = None,
    max_bytes: int,
    now: datetime | None = None,
) -> ValidationReport:
    """Download ``url`` (capped) and validate it against the schema at ``schema_url``."""
    base: dict[str, Any] = {
        "distribution_key": distribution_key,
        "schema_url": schema_url,
        "checked_at": now or datetime.now(UTC),
    }
    try:
        schema = load_schema(schema_url, http)
    except SchemaError as exc:
        return _report(url, fatal=f"schema: {exc}", **base)
    with scratch_dir() as folder:
        spooled = folder / "download"
        try:
            truncated, content_type = spool_download(url, http, max_bytes, spooled)
        except FetchError as exc:
            return _report(url, fatal=f"download failed: {exc.message}", **base)
        detected = sniff_format(head_of(spooled), content_type)
        declined = ""
        if spooled.stat().st_size > FAST_THRESHOLD and not (truncated and detected == "zip"):
            fast = validate_large(
                spooled, schema, url=url, base=base | {"partial": truncated}, max_bytes=max_bytes
            )
            if isinstance(fast, ValidationReport):
                return fast
            declined = fast.reason
        data = spooled.read_bytes()
    if truncated and detected == "zip":
        fatal = f"ZIP larger than the {max_bytes:,}-byte cap: cannot be read in part"
        return _report(url, fatal=fatal, detected_format=detected, partial=True, **base)
    return validate_table(
        data,
        schema,
        url=url,
        partial=truncated,
        max_bytes=max_bytes,
        distribution_key=distribution_key,
        schema_url=schema_url,
        now=base["checked_at"],
        declined=declined,
    )


def download(url: str, http: HttpSettings, max_bytes: int) -> tuple[bytes, bool, str | None]:
    """GET up to ``max_bytes``: (body, truncated, content type). Raises FetchError."""
    deadline = time.monotonic() + http.total_timeout
    response, _ = open_stream(url, http)
    try:
        if response.status_code != 200:
            reason = f"answered HTTP {response.status_code} {response.reason or ''}".strip()
            raise FetchError(url, f"http-{response.status_code}", reason, response.status_code)
        data, truncated = read_capped(response, max_bytes, deadline, allow_truncated=True)
    finally:
        response.close()
    return data, truncated, response.headers.get("content-type")
