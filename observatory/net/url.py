"""URL hygiene: one parser for every outbound URL, refusing ambiguous authorities.

Two parsers that disagree on where a host ends are enough to beat an address guard
(``http://127.0.0.1:80\\@example.org/``: one reads ``example.org``, another ``127.0.0.1``).
So before anything is resolved or sent, ``parse_target`` reads the URL with the strictest
rules and refuses, with the reason, every shape on which common parsers (WHATWG, RFC 3986,
``urllib``, ``urllib3``, ``yarl``) could disagree: backslashes, userinfo, whitespace and
control characters, percent-encoded host characters, IPv4 written in legacy forms
(decimal, octal, hex, shortened), IPv4-mapped or -compatible IPv6, trailing dots and IDNA
oddities. What it accepts has one reading only; the address check itself happens again at
connection time (``net.connect``), on the address actually connected.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache

import idna

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
WHITESPACE = re.compile(r"\s")
HOST_CHARS = re.compile(r"[a-z0-9_-]+")
NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)")
CANONICAL_OCTET = re.compile(r"(0|[1-9][0-9]{0,2})")


class RefusedURL(Exception):
    """The URL is not allowed; ``reason`` says why."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class Target:
    """What a URL that passed hygiene points at."""

    scheme: str  # "http" or "https"
    host: str  # lower-case ASCII name (IDNA A-labels) or IP literal without brackets
    port: int
    ip: IPAddress | None  # the host when it is an IP literal

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if self.ip is not None and self.ip.version == 6 else self.host
        return f"{self.scheme}://{host}:{self.port}"


# The shape nearly every real URL has: lower-case scheme and name, plain port. Only what
# the full rules below accept matches it (``tests/net`` checks both agree).
OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
FAST = re.compile(
    r"(https?)://(?:"
    rf"({OCTET}(?:\.{OCTET}){{3}})"  # a canonical dotted quad
    r"|((?:[a-z0-9_-]{1,63}\.)*"  # or labels, the last one not a number (WHATWG)
    r"(?!0x[0-9a-f]*(?:[:/?#]|\Z))(?=[a-z0-9_-]*[a-z_-])[a-z0-9_-]{1,63})"
    r")(?::([1-9][0-9]{0,4}))?(?=[/?#]|\Z)"
)
BAD_AFTER = re.compile(r"[\x00-\x1f\x7f\\]")


def parse_target(url: object) -> Target:
    """The scheme, host and port of ``url``; raise RefusedURL with the reason otherwise."""
    if isinstance(url, str):
        fast = _fast(url)
        if fast is not None:
            return fast
    return parse_strict(url)


def _fast(url: str) -> Target | None:
    """The target of a URL in the common shape, or None to apply the full rules."""
    match = FAST.match(url)
    if match is None or BAD_AFTER.search(url, match.end()) or url[-1].isspace():
        return None
    scheme, quad, name, port = match.groups()
    number = int(port) if port else DEFAULT_PORTS[scheme]
    if number > 65535 or (name is not None and "xn--" in name):
        return None
    if quad is not None:
        return Target(scheme, quad, number, _ipv4(quad))
    return Target(scheme, str(name), number, None)


@lru_cache(maxsize=4096)
def _ipv4(quad: str) -> ipaddress.IPv4Address:
    return ipaddress.IPv4Address(quad)


def parse_strict(url: object) -> Target:
    """``parse_target`` without the fast path: every rule, in order."""
    if not isinstance(url, str):
        raise RefusedURL(repr(url), f"not a URL but a {type(url).__name__}")
    if not url:
        raise RefusedURL(url, "empty URL")
    if CONTROL.search(url):
        raise RefusedURL(url, "control character in the URL")
    if url != url.strip():
        raise RefusedURL(url, "whitespace around the URL")
    if "\\" in url:
        raise RefusedURL(url, "backslash in the URL (parsers disagree on where the host ends)")
    match = SCHEME.match(url)
    scheme = match.group(1).lower() if match else ""
    if scheme not in DEFAULT_PORTS:
        raise RefusedURL(url, f"scheme '{scheme or '(none)'}' is not http or https")
    rest = url[match.end() :] if match else url
    if not rest.startswith("//"):
        raise RefusedURL(url, "no '//' before the host")
    authority = re.split(r"[/?#]", rest[2:], maxsplit=1)[0]
    host, port = _split_authority(url, authority, DEFAULT_PORTS[scheme])
    ip = _literal(url, host)
    return Target(scheme, str(ip) if ip is not None else _name(url, host), port, ip)


def _split_authority(url: str, authority: str, default: int) -> tuple[str, int]:
    if "@" in authority:
        raise RefusedURL(url, "user information ('@') in the authority")
    if WHITESPACE.search(authority):
        raise RefusedURL(url, "whitespace in the host")
    if "%" in authority:
        raise RefusedURL(url, "percent-encoded characters in the host")
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            raise RefusedURL(url, "unclosed '[' in the host")
        host, tail = authority[: end + 1], authority[end + 1 :]
        if tail and not tail.startswith(":"):
            raise RefusedURL(url, "characters after the IPv6 address")
    else:
        host, colon, tail = authority.partition(":")
        tail = colon + tail
    if not host:
        raise RefusedURL(url, "no host name")
    if not tail:
        return host, default
    digits = tail[1:]
    if not digits.isascii() or not digits.isdigit():
        raise RefusedURL(url, f"invalid port '{digits}'")
    port = int(digits)
    if not 0 < port < 65536:
        raise RefusedURL(url, f"port {port} out of range")
    return host, port


def _literal(url: str, host: str) -> IPAddress | None:
    """The IP of a literal host (bracketed IPv6 or dotted-quad IPv4), else None."""
    if host.startswith("["):
        try:
            ip6 = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise RefusedURL(url, f"invalid IPv6 address {host}") from None
        embedded = embedded_ipv4(ip6)
        if embedded is not None:
            raise RefusedURL(url, f"IPv6 address {host} embeds the IPv4 address {embedded}")
        return ip6
    labels = host.lower().split(".")
    if not NUMERIC_LABEL.fullmatch(labels[-1]):
        return None  # a name: WHATWG reads a host as IPv4 only when it ends in a number
    canonical = len(labels) == 4 and all(CANONICAL_OCTET.fullmatch(p) for p in labels)
    if not canonical or any(int(p) > 255 for p in labels):
        raise RefusedURL(
            url,
            f"host '{host}' is an IPv4 address in a non-canonical form"
            " (decimal, octal, hex or shortened)",
        )
    return ipaddress.IPv4Address(host)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), or None."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    packed = int(ip)
    if packed >> 32 == 0 and packed > 1:  # ::a.b.c.d (IPv4-compatible, deprecated)
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    if ip in NAT64:
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    return ip.sixtofour


NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _name(url: str, host: str) -> str:
    """The A-label form of a host name; refuse trailing dots and IDNA oddities."""
    if host.endswith("."):
        raise RefusedURL(url, f"trailing dot in the host '{host}'")
    if not host.isascii():
        if any(dot in host for dot in "\u3002\uff0e\uff61"):
            raise RefusedURL(url, f"host '{host}' uses a non-ASCII full stop as a dot")
        host = host.translate(ASCII_LOWER)
        try:
            strict = idna.encode(host, uts46=False).decode("ascii")
            mapped = idna.encode(host, uts46=True).decode("ascii")
        except UnicodeError as exc:  # idna.IDNAError included
            raise RefusedURL(url, f"host '{host}' is not a valid IDNA name ({exc})") from None
        if strict != mapped:
            raise RefusedURL(url, f"host '{host}' changes under IDNA mapping ({mapped})")
        host = strict
    name = host.lower()
    for label in name.split("."):
        if not label:
            raise RefusedURL(url, f"empty label in the host '{host}'")
        if len(label) > 63 or not HOST_CHARS.fullmatch(label):
            raise RefusedURL(url, f"host '{host}' has a label that is not a DNS label")
        if label.startswith("xn--"):
            try:
                idna.decode(label)
            except UnicodeError as exc:
                raise RefusedURL(url, f"host '{host}' has an invalid IDNA label ({exc})") from None
    return name
