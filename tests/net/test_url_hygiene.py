"""URL hygiene: one parser, and each ambiguous shape refused with its reason (issue 12, 2)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observatory.net.url import RefusedURL, _fast, parse_strict, parse_target
from tests.net.shapes import adversarial_urls

LABEL = st.text(alphabet="abcxyz0189-_.X%@:", min_size=1, max_size=70)


@st.composite
def plain_urls(draw: st.DrawFn) -> str:
    """URLs close to the fast path's shape: near-miss hosts, ports and tails."""
    scheme = draw(st.sampled_from(["http", "https", "HTTP"]))
    host = draw(st.one_of(LABEL, st.from_regex(r"[0-9]{1,4}(\.[0-9x]{1,4}){0,4}", fullmatch=True)))
    port = draw(
        st.one_of(
            st.just(""),
            st.integers(0, 70000).map(lambda p: f":{p}"),
            st.sampled_from([":", ":08", ":+1"]),
        )
    )
    tail = draw(st.sampled_from(["", "/", "/a b", "?q", "#f", "\\x", "/\t", " "]))
    return f"{scheme}://{host}{port}{tail}"


REFUSED = [
    ("http://127.0.0.1:8000\\@93.184.216.34/", "backslash"),
    ("http://user:pw@example.org/", "user information"),
    ("http://example.org@127.0.0.1/", "user information"),
    ("http://exa mple.org/", "whitespace in the host"),
    (" http://example.org/", "whitespace around the URL"),
    ("http://example.org/\r\nX-Injected: 1", "control character"),
    ("http://exa%6dple.org/", "percent-encoded"),
    ("http://2130706433/", "non-canonical"),
    ("http://0177.0.0.1/", "non-canonical"),
    ("http://0x7f.0.0.1/", "non-canonical"),
    ("http://127.1/", "non-canonical"),
    ("http://1.2.3.256/", "non-canonical"),
    ("http://[::ffff:127.0.0.1]/", "embeds the IPv4 address 127.0.0.1"),
    ("http://[::127.0.0.1]/", "embeds the IPv4 address 127.0.0.1"),
    ("http://[64:ff9b::a00:1]/", "embeds the IPv4 address 10.0.0.1"),
    ("http://[2002:7f00:1::]/", "embeds the IPv4 address 127.0.0.1"),
    ("http://example.org./", "trailing dot"),
    ("http://１２７.０.０.１/", "not a valid IDNA name"),
    ("http://exa。mple.org/", "non-ASCII full stop"),
    ("http://例え。テスト/", "non-ASCII full stop"),
    ("http://xn--zz.org/", "invalid IDNA label"),
    ("http://a..b/", "empty label"),
    ("http://exa!mple.org/", "not a DNS label"),
    ("http://example.org:99999/", "out of range"),
    ("http://example.org:+80/", "invalid port"),
    ("http://example.org:/", "invalid port"),
    ("http:example.org", "no '//'"),
    ("ftp://example.org/", "scheme 'ftp'"),
    ("file:///etc/passwd", "scheme 'file'"),
    ("http://[::1/", "unclosed"),
    ("http:///x", "no host name"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_ambiguous_url_is_refused_with_its_reason(url, reason):
    with pytest.raises(RefusedURL) as caught:
        parse_target(url)
    assert reason in caught.value.reason


ACCEPTED = [
    ("https://www.data.gouv.fr/fr/datasets/x/?a=1#f", "www.data.gouv.fr", 443),
    ("HTTP://Example.ORG:8080/a b.csv", "example.org", 8080),
    ("http://bücher.de/x", "xn--bcher-kva.de", 80),
    ("http://xn--bcher-kva.de/x", "xn--bcher-kva.de", 80),
    ("http://93.184.216.34/", "93.184.216.34", 80),
    ("http://[2001:db8::1]:81/", "2001:db8::1", 81),
    ("http://0.0.0.0/", "0.0.0.0", 80),  # canonical: the address guard refuses it, not hygiene
]


@pytest.mark.parametrize(("url", "host", "port"), ACCEPTED)
def test_plain_url_has_one_reading(url, host, port):
    target = parse_target(url)
    assert (target.host, target.port) == (host, port)


@settings(max_examples=400, deadline=None)
@given(url=st.one_of(adversarial_urls(8080, "127.0.0.2:8080"), plain_urls()))
def test_fast_path_reads_as_the_full_rules(url):
    """The fast path of plain URLs accepts nothing the full rules refuse, and reads the same."""
    fast = _fast(url)
    if fast is None:
        return
    assert parse_strict(url) == fast
