"""Turn downloaded bytes into clean UTF-8 CSV text: unpack, detect encoding and delimiter.

French open data comes in UTF-8, UTF-8 with a BOM, Latin-1 or Windows-1252 (and sometimes
Windows-1253 Greek and the like), separated by commas, semicolons or tabs, sometimes inside
a ZIP or gzip. The encoding is the one frictionless's own detector picks; everything is then
normalised to UTF-8 without BOM before validation, so both engines read the same text.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

from frictionless import Detector, settings

from observatory.inspect.sniff import DELIMITERS, csv_delimiter

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


class UnreadableError(Exception):
    """The bytes cannot be turned into a table; the message says why, in plain words."""


@dataclass
class Unpacked:
    data: bytes
    container: str | None = None  # "zip" or "gzip" when the table came out of one
    member: str | None = None  # the file taken out of a ZIP
    truncated: bool = False


def unzip_single_table(data: bytes, max_bytes: int) -> Unpacked:
    """The one CSV inside a ZIP, read up to ``max_bytes`` (decompressed)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnreadableError(f"unreadable ZIP archive ({exc})") from None
    names = [
        info
        for info in archive.infolist()
        if not info.is_dir() and not info.filename.startswith("__MACOSX/")
    ]
    tables = [i for i in names if i.filename.lower().endswith(TEXT_SUFFIXES)]
    if len(tables) != 1:
        listed = ", ".join(i.filename for i in names[:10]) or "nothing"
        raise UnreadableError(f"the ZIP should hold exactly one CSV file; it holds {listed}")
    info = tables[0]
    try:
        with archive.open(info) as member:
            content = member.read(max_bytes + 1)
    except (zipfile.BadZipFile, RuntimeError, OSError, zlib.error) as exc:
        raise UnreadableError(f"cannot extract {info.filename} from the ZIP ({exc})") from None
    truncated = len(content) > max_bytes
    return Unpacked(content[:max_bytes], "zip", info.filename, truncated)


def gunzip(data: bytes, max_bytes: int) -> Unpacked:
    """Decompress gzip up to ``max_bytes``; a cut stream gives what could be read."""
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header
    try:
        content = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise UnreadableError(f"unreadable gzip stream ({exc})") from None
    truncated = len(content) > max_bytes or bool(inflater.unconsumed_tail)
    return Unpacked(content[:max_bytes], "gzip", None, truncated)


def frictionless_encoding(head: bytes) -> str:
    """The encoding frictionless would pick for a file starting with ``head``.

    frictionless's own detector (chardet fed line by line, utf-8 under low confidence), on
    the same buffer it reads (its default buffer size), so both engines read the same text.
    """
    return Detector().detect_encoding(head[: settings.DEFAULT_BUFFER_SIZE])


def fallback_encoding(data: bytes) -> str:
    """utf-8, cp1252 or latin-1 for bytes the detected encoding cannot decode entirely."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if any(0x80 <= b <= 0x9F for b in data):  # C1 range: printable only in Windows-1252
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return "latin-1"


def detect_encoding(data: bytes) -> str:
    """frictionless's encoding for ``data``; when it cannot decode the whole of it (the
    detector sees the first 100 kB only), the first of utf-8, cp1252, latin-1 that can."""
    found = frictionless_encoding(data)
    try:
        data.decode(found)
        return found
    except (UnicodeDecodeError, LookupError):
        return fallback_encoding(data)


def cut_to_last_line(data: bytes) -> bytes:
    """Drop a last line cut by a byte cap, so it is not reported as a broken row."""
    end = max(data.rfind(b"\n"), data.rfind(b"\r"))
    return data[: end + 1] if end >= 0 else data


def to_utf8(data: bytes, encoding: str | None = None) -> tuple[bytes, str]:
    """UTF-8 bytes without BOM, and the encoding they were read with."""
    encoding = encoding or detect_encoding(data)
    if encoding == "utf-8":
        return data, encoding
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableError(f"cannot decode the file as {encoding} ({exc})") from None
    return text.lstrip("\ufeff").encode("utf-8"), encoding


def detect_delimiter(data: bytes) -> str:
    """The column separator of UTF-8 CSV bytes (',' when nothing better is found)."""
    head = data[:65536].decode("utf-8", "ignore")
    found = csv_delimiter(head)
    if found:
        return found
    first = head.splitlines()[0] if head.strip() else ""
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
