"""Hostile catalogue metadata renders inert on every page, and never becomes a path."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from observatory.publish import paths

from .conftest import Published
from .factories import PORTAL, XSS_DESCRIPTION, XSS_TITLE
from .htmlcheck import load, pages

HOSTILE_KEY = f"{PORTAL}:../../etc/passwd"


def test_no_page_carries_live_markup_from_metadata(published: Published) -> None:
    for path in pages(published.root):
        html = path.read_text(encoding="utf-8")
        page = load(path)
        tags = {t for t, _ in page.tags}
        scripts = [a for t, a in page.tags if t == "script"]
        if path == published.root / "recherche.html":  # our own static script, nothing inline
            assert scripts == [{"type": "module", "src": "assets/recherche.js"}]
            assert html.count("<script") == 1 and '"></script>' in html
        else:
            assert scripts == [], path.name
        assert "img" not in tags, path.name
        assert "<script>alert" not in html and "<img src=x" not in html
        for tag, attrs in page.tags:
            for name, value in attrs.items():
                assert not name.startswith("on"), f"{path.name}: <{tag} {name}>"
                if name in ("href", "src", "action", "xlink:href"):
                    lowered = (value or "").strip().lower()
                    assert not lowered.startswith(("javascript:", "data:", "vbscript:")), (
                        f"{path.name}: {name}={value!r}"
                    )


def test_hostile_text_is_shown_as_text(published: Published) -> None:
    page = load(published.root / paths.dataset_page(HOSTILE_KEY))
    text = page.text
    assert XSS_TITLE in text  # the title, visible as typed
    assert XSS_DESCRIPTION in text  # the description, escaped inside <details>
    assert "javascript:alert(1)" in text  # the resource URL, as text
    hrefs = page.links()
    assert not any("alert" in h for h in hrefs)
    index = load(published.root / "index.html")
    assert XSS_TITLE in index.text


def test_hostile_key_never_escapes_the_site(published: Published) -> None:
    name = paths.dataset_page(HOSTILE_KEY)
    assert name.startswith("datasets/") and ".." not in name and name.count("/") == 1
    target = (published.root / name).resolve()
    assert target.is_file() and published.root.resolve() in target.parents
    org = paths.organisation_page(f"{PORTAL}:<b>evil</b>")
    assert (published.root / org).is_file() and "<" not in org


def test_safe_names_are_distinct_and_plain() -> None:
    keys = ["a:b", "a/b", "a b", "A:B", "", "..", "é:à", "x" * 500]
    names = [paths.safe_name(k) for k in keys]
    assert len(set(names)) == len(keys)
    for name in names:
        assert name and len(name) <= 60
        assert all(c.isascii() and (c.isalnum() or c == "-") for c in name)


def test_web_url_accepts_only_http_and_https() -> None:
    assert paths.web_url("https://www.data.gouv.fr/x?a=1") == "https://www.data.gouv.fr/x?a=1"
    assert paths.web_url("HTTP://example.fr/") == "HTTP://example.fr/"
    for bad in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>",
        "//evil.example/x",
        "/etc/passwd",
        "file:///etc/passwd",
        "https://",
        "https://exa mple.fr/",
        None,
        42,
    ):
        assert paths.web_url(bad) is None, bad


def _web_url_reference(url: object) -> str | None:
    """The rule written plainly: an http(s) URL with a host and no space or control."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    if any(ord(ch) < 0x21 for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    return candidate if parts.scheme.lower() in ("http", "https") and parts.netloc else None


_url_parts = st.sampled_from(
    [
        "http",
        "HTTPS",
        "hTtP",
        "https",
        "ftp",
        "javascript",
        ":",
        "//",
        "/",
        " ",
        "\t",
        "\n",
        "\x0b",
        "\x85",
        "\u00a0",
        "[",
        "]",
        "::1",
        "@",
        "exa.fr",
        "é",
        "?",
        "#",
        "%20",
    ]
)


@settings(max_examples=500, deadline=None)
@given(
    st.tuples(
        st.sampled_from(["", "http://", "HTTPS://", "hTtP:/", "ftp://", " https://"]),
        st.lists(st.one_of(_url_parts, st.text(max_size=3)), max_size=8).map("".join),
    ).map("".join)
)
def test_web_url_is_the_plain_rule(text: str) -> None:
    assert paths.web_url(text) == _web_url_reference(text)
