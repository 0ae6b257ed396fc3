"""URL shapes an adversary writes to reach 127.0.0.1 (or ::1) past an address guard.

Each shape is a template with ``{P}`` for the victim's port and ``{R}`` for the allowed
relay's authority (127.0.0.2:P). ``VICTIM_NAME`` resolves to the victim through the tests'
resolver; ``REBIND_NAME`` is answered by the rebinding resolver.
"""

from __future__ import annotations

from hypothesis import strategies as st

VICTIM_NAME = "victim.test"

HOSTS = [
    "127.0.0.1",
    "2130706433",  # decimal
    "0177.0.0.1",  # octal
    "0x7f.0.0.1",  # hex
    "0x7f000001",
    "017700000001",
    "127.1",  # shortened
    "127.0.1",
    "127.000.000.001",
    "0.0.0.0",  # Linux connects it to the local host
    "0",
    "[::ffff:127.0.0.1]",  # IPv4-mapped
    "[::ffff:7f00:1]",
    "[::127.0.0.1]",  # IPv4-compatible
    "[64:ff9b::7f00:1]",  # NAT64
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[::]",
    "[::1%25lo]",
    "127.0.0.1.",  # trailing dot
    "localhost",
    "LOCALHOST",
    "localhost.",
    "LocalHost",
    "１２７.０.０.１",  # fullwidth digits (UTS 46 maps them to 127.0.0.1)
    "127。0。0。1",  # ideographic full stops
    "127．0．0．1",
    "ｌｏｃａｌｈｏｓｔ",
    "127.0.0.%31",  # percent-encoded host characters
    "%31%32%37.0.0.1",
    "localhos%74",
    VICTIM_NAME,
    VICTIM_NAME.upper(),
]

AUTHORITIES = [
    "{H}:{P}",
    "{H}:0{P}",
    "{H}:{P}\\@{R}",  # backslash: WHATWG ends the host at the backslash, RFC 3986 at '@'
    "{R}\\@{H}:{P}",
    "{R}@{H}:{P}",  # userinfo that looks like the allowed host
    "user:pw@{H}:{P}",
    "{H}:{P}#@{R}",
    "{H}:{P}?@{R}",
    "{H}:{P}/@{R}",
    " {H}:{P}",
    "{H}:{P} ",
    "{H}\t:{P}",
    "{H}:{P}\n",
    "{H}:{P}\x00",
]

SCHEMES = [
    "http://",
    "HTTP://",
    "hTtP://",
    "https://",
    "http:/",
    "http:\\\\",
    "http:///",
    " http://",
]
TAILS = ["/", "/data.csv", "", "?a=b", "#x", "/\\data.csv", "/a b.csv", "/%2e%2e/x"]


@st.composite
def adversarial_urls(draw: st.DrawFn, port: int, relay: str) -> str:
    host = draw(st.sampled_from(HOSTS))
    authority = draw(st.sampled_from(AUTHORITIES)).format(H=host, P=port, R=relay)
    return draw(st.sampled_from(SCHEMES)) + authority + draw(st.sampled_from(TAILS))


def header_safe(url: str) -> bool:
    """Whether ``url`` can travel in a Location header (no line break, no NUL)."""
    return not any(c in url for c in "\r\n\x00")
