"""Large CSV files on disk for the fast path: spool a download, unpack, detect the encoding.

Everything is streamed in blocks into temporary files, so a file of several gigabytes never
sits in memory. ``validate_large`` returns a report, or None when the file is not a plain
table the fast path can read (the caller then validates it with frictionless).
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import tempfile
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from observatory.inspect.decode import TEXT_SUFFIXES, detect_delimiter
from observatory.inspect.fastpath import FastPathUnsupported, unsupported_reason, validate_file_fast
from observatory.inspect.sniff import sniff_format
from observatory.model import ValidationReport
from observatory.net.fetch import CHUNK, FetchError, HttpSettings, open_stream

FAST_THRESHOLD = 5_000_000  # bytes: above this, validate with the fast path
BLOCK = 4 << 20
C1 = re.compile(rb"[\x80-\x9f]")


@contextmanager
def scratch_dir() -> Iterator[Path]:
    """A temporary folder removed afterwards, whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix="observatory-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def spool_download(
    url: str, http: HttpSettings, max_bytes: int, target: Path
) -> tuple[bool, str | None]:
    """Stream ``url`` into ``target`` up to ``max_bytes``: (truncated, content type)."""
    deadline = time.monotonic() + http.total_timeout
    response, _ = open_stream(url, http)
    size, truncated = 0, False
    try:
        if response.status_code != 200:
            reason = f"answered HTTP {response.status_code} {response.reason or ''}".strip()
            raise FetchError(url, f"http-{response.status_code}", reason, response.status_code)
        with open(target, "wb") as out:
            try:
                for chunk in response.raw.stream(CHUNK, decode_content=True):
                    if size + len(chunk) > max_bytes:
                        out.write(chunk[: max_bytes - size])
                        truncated = True
                        break
                    out.write(chunk)
                    size += len(chunk)
                    if time.monotonic() > deadline:
                        raise FetchError(url, "timeout", "total time limit reached while reading")
            except FetchError:
                raise
            except Exception as exc:  # urllib3 protocol, decode and read-timeout errors
                raise FetchError(url, "read", f"reading the body failed: {exc}") from None
    finally:
        response.close()
    return truncated, response.headers.get("content-type")


def head_of(path: Path, size: int = 65536) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


def _copy_capped(source: Any, target: Path, max_bytes: int) -> bool:
    """Copy a binary stream into ``target`` up to ``max_bytes``; True when cut."""
    written = 0
    with open(target, "wb") as out:
        while block := source.read(BLOCK):
            if written + len(block) > max_bytes:
                out.write(block[: max_bytes - written])
                return True
            out.write(block)
            written += len(block)
    return False


def unpack_file(
    path: Path, outer: str | None, max_bytes: int, folder: Path
) -> tuple[Path, bool, str | None]:
    """The table inside a ZIP or gzip file, extracted to disk: (path, truncated, member)."""
    if outer == "zip":
        with zipfile.ZipFile(path) as archive:
            tables = [
                i
                for i in archive.infolist()
                if not i.is_dir()
                and not i.filename.startswith("__MACOSX/")
                and i.filename.lower().endswith(TEXT_SUFFIXES)
            ]
            if len(tables) != 1:
                raise FastPathUnsupported("not exactly one table in the ZIP")
            with archive.open(tables[0]) as member:
                target = folder / "member.csv"
                return target, _copy_capped(member, target, max_bytes), tables[0].filename
    if outer == "gzip":
        target = folder / "gunzipped.csv"
        inflater = zlib.decompressobj(wbits=47)
        written, truncated = 0, False
        with open(path, "rb") as source, open(target, "wb") as out:
            while (block := source.read(BLOCK)) and not truncated:
                data = inflater.decompress(block, max_bytes + 1 - written)
                truncated = written + len(data) > max_bytes or bool(inflater.unconsumed_tail)
                out.write(data[: max_bytes - written])
                written += len(data)
        return target, truncated, None
    return path, False, None


def cut_to_last_line(path: Path) -> None:
    """Truncate the file after its last newline (a byte cap may have cut a row in two)."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        position = size
        while position > 0:
            start = max(0, position - BLOCK)
            handle.seek(start)
            block = handle.read(position - start)
            end = block.rfind(b"\n")
            if end >= 0:
                handle.truncate(start + end + 1)
                return
            position = start


def detect_file_encoding(path: Path) -> str:
    """Like ``decode.detect_encoding``, over the whole file, block by block."""
    head = head_of(path, 4)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, c1 = True, False
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            if utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
            c1 = c1 or bool(C1.search(block))
    if utf8:
        try:
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
    if c1:
        try:
            with open(path, encoding="cp1252") as handle:
                while handle.read(BLOCK):
                    pass
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return "latin-1"


def validate_large(
    path: Path,
    schema: dict[str, Any],
    *,
    url: str,
    base: dict[str, Any],
    fmt: str | None = None,
    encoding: str | None = None,
    limit_errors: int | None = None,
    max_bytes: int = 2_000_000_000,
) -> ValidationReport | None:
    """Fast-path report of a CSV (or ZIP/gzip) file on disk; None to use frictionless."""
    if unsupported_reason(schema):
        return None
    with scratch_dir() as folder:
        try:
            return _validate_large(
                path, schema, folder, url, base, fmt, encoding, limit_errors, max_bytes
            )
        except (
            FastPathUnsupported,
            ValueError,
            pa.ArrowException,
            zipfile.BadZipFile,
            zlib.error,
            OSError,
        ):
            return None  # ArrowInvalid and UnicodeError are ValueErrors too


def _validate_large(
    path: Path,
    schema: dict[str, Any],
    folder: Path,
    url: str,
    base: dict[str, Any],
    fmt: str | None,
    encoding: str | None,
    limit_errors: int | None,
    max_bytes: int,
) -> ValidationReport | None:
    outer = fmt if fmt in ("zip", "gzip") else sniff_format(head_of(path))
    table, truncated, member = unpack_file(path, outer, max_bytes, folder)
    base = dict(base)
    if truncated or base.get("partial"):
        if table == path:
            table = folder / "capped.csv"
            shutil.copyfile(path, table)
        base["partial"] = True
        cut_to_last_line(table)
    head = head_of(table)
    if fmt != "csv" and sniff_format(head) not in ("csv", "text"):
        return None
    used = encoding or detect_file_encoding(table)
    if used not in ("utf-8", "utf-8-sig", "latin-1", "cp1252"):
        return None
    delimiter = detect_delimiter(head.decode(used, "ignore").lstrip("\ufeff").encode("utf-8"))
    result = validate_file_fast(table, schema, delimiter, used)
    errors = result.errors[:limit_errors] if limit_errors is not None else result.errors
    stats: dict[str, Any] = {"encoding": used, "delimiter": delimiter, "engine": "fast"}
    stats["bytes"] = os.path.getsize(table)
    if outer in ("zip", "gzip"):
        stats["container"], stats["member"] = outer, member
    if limit_errors is not None and len(result.errors) >= limit_errors:
        stats["errors_capped"] = True
    stats.update(result.stats)
    base.setdefault("checked_at", datetime.now(UTC))
    return ValidationReport(
        url=url,
        valid=not errors,
        errors=errors,
        error_counts=dict(Counter(e.type for e in errors)),
        row_count=result.row_count,
        detected_format=outer if outer in ("zip", "gzip") else "csv",
        stats=stats,
        **base,
    )
