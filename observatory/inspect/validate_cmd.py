"""The library side of ``observatory validate FILE_OR_URL --schema SCHEMA [--json]``.

``validate_source`` accepts a local path or an http(s) URL for both the CSV and the schema,
never raises for bad input (the report's ``fatal`` says what could not be read), and uses
the fast path above the size threshold like every other validation. ``report_json`` gives
the one JSON object the command prints.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from observatory.inspect.fast_source import head_of, scratch_dir, spool_download
from observatory.inspect.sniff import sniff_format
from observatory.inspect.tabular import SchemaError, check_schema, load_schema, validate_table
from observatory.model import ValidationReport
from observatory.net.fetch import FetchError, HttpSettings


def _is_url(ref: str) -> bool:
    return ref.strip().lower().startswith(("http://", "https://"))


def read_schema(schema: str, http: HttpSettings) -> dict[str, Any]:
    """A checked Table Schema from a local JSON file or a URL; raises SchemaError."""
    if _is_url(schema):
        return load_schema(schema, http)
    try:
        text = Path(schema).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaError(f"schema file {schema} could not be read ({exc})") from None
    try:
        descriptor = json.loads(text)
    except ValueError as exc:
        raise SchemaError(f"schema file {schema} is not valid JSON ({exc})") from None
    return check_schema(descriptor)


def _fatal(source: str, schema: str | None, message: str, **kw: Any) -> ValidationReport:
    return ValidationReport(
        url=source,
        distribution_key=None,
        schema_url=schema,
        valid=False,
        checked_at=datetime.now(UTC),
        fatal=message,
        **kw,
    )


def _copy_local(path: Path, target: Path, max_bytes: int) -> bool:
    """Copy at most ``max_bytes`` of a local file; True when the file was larger."""
    with open(path, "rb") as source, open(target, "wb") as out:
        shutil.copyfileobj(_Capped(source, max_bytes), out, 4 << 20)
    return path.stat().st_size > max_bytes


class _Capped:
    def __init__(self, handle: Any, limit: int):
        self.handle, self.left = handle, limit

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.handle.read(size)
        self.left -= len(data)
        return data


def validate_source(
    source: str,
    schema: str,
    http: HttpSettings,
    *,
    limit_errors: int | None = None,
    max_bytes: int,
) -> ValidationReport:
    """Validate a CSV (path or URL; ZIP/gzip accepted) against a schema (path or URL)."""
    try:
        descriptor = read_schema(schema, http)
    except SchemaError as exc:
        return _fatal(source, schema, f"schema: {exc}")
    with scratch_dir() as folder:
        copy = folder / "source"
        if _is_url(source):
            try:
                truncated, content_type = spool_download(source, http, max_bytes, copy)
            except FetchError as exc:
                return _fatal(source, schema, f"download failed: {exc.message}")
        else:
            path = Path(source)
            if not path.is_file():
                return _fatal(source, schema, f"no such file: {source}")
            try:
                if path.stat().st_size <= max_bytes:  # read where it is: nothing to cut
                    copy, truncated = path, False
                else:
                    truncated = _copy_local(path, copy, max_bytes)
                content_type = None
            except OSError as exc:
                return _fatal(source, schema, f"the file could not be read ({exc})")
        detected = sniff_format(head_of(copy), content_type)
        if truncated and detected == "zip":
            fatal = f"ZIP larger than the {max_bytes:,}-byte cap: cannot be read in part"
            return _fatal(source, schema, fatal, detected_format=detected, partial=True)
        return validate_table(
            copy,
            descriptor,
            limit_errors=limit_errors,
            url=source,
            schema_url=schema,
            partial=truncated,
            max_bytes=max_bytes,
        )


def report_json(report: ValidationReport) -> dict[str, Any]:
    """The JSON object of ``observatory validate --json``."""
    return {
        "valid": bool(report.valid and not report.fatal),
        "errors": [
            {"type": e.type, "row": e.row, "field": e.field, "message": e.message}
            for e in report.errors
        ],
        "fatal": report.fatal,
        "partial": report.partial,
        "row_count": report.row_count,
        "error_counts": dict(report.error_counts),
        "source": report.url,
        "schema": report.schema_url,
        "detected_format": report.detected_format,
        "engine": report.stats.get("engine", "frictionless"),
    }
