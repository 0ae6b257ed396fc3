"""The whole-file decoding check of large files (fast_source) against Python's own decoding.

The check skips ASCII blocks in UTF-8 and looks for undefined bytes in single-byte codecs
instead of decoding; both shortcuts must answer exactly as decoding the whole file does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from observatory.inspect import fast_source
from observatory.inspect.decode import detect_encoding

ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "cp1253", "cp1250", "latin-1", "iso8859-7", "ascii"]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


def reference(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


@st.composite
def contents(draw: st.DrawFn) -> bytes:
    """ASCII runs, encoded text and raw bytes mixed, so blocks split characters anywhere."""
    parts = draw(
        st.lists(
            st.one_of(
                st.text(st.characters(max_codepoint=127), max_size=30).map(str.encode),
                TEXT.map(lambda t: t.encode("utf-8")),
                TEXT.map(lambda t: t.encode("cp1252", "ignore")),
                st.binary(max_size=6),
            ),
            max_size=12,
        )
    )
    return b"".join(parts)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=contents(), encoding=st.sampled_from(ENCODINGS), block=st.integers(1, 9))
@example(data="é".encode()[:1] + b"a" + "é".encode()[1:], encoding="utf-8", block=1)
def test_the_whole_file_decodes_exactly_when_python_decodes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, encoding: str, block: int
) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes(data)
    monkeypatch.setattr(fast_source, "BLOCK", block)
    assert fast_source._decodes(path, encoding) == reference(data, encoding)


@pytest.mark.parametrize("encoding", ["cp1252", "cp1253", "cp1255", "koi8-r", "iso8859-7"])
def test_every_single_byte_is_judged_as_python_judges_it(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "byte.csv"
    for byte in range(256):
        path.write_bytes(b"id\n" + bytes([byte]) + b"\n")
        assert fast_source._decodes(path, encoding) == reference(bytes([byte]), encoding), byte


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=contents(), block=st.integers(1, 9))
@example(data="Évreux;café\n".encode("cp1252") * 3, block=4)
@example(data=b"\xef\xbb\xbfid\n" + "é".encode(), block=2)
def test_file_encoding_is_the_in_memory_detection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, block: int
) -> None:
    """The encoding of a file on disk is the one ``detect_encoding``
    picks for the same bytes in memory: frictionless's, else utf-8, cp1252 or latin-1."""
    path = tmp_path / "file.csv"
    path.write_bytes(data)
    monkeypatch.setattr(fast_source, "BLOCK", block)
    assert fast_source.detect_file_encoding(path) == detect_encoding(data)
