"""Refuse URLs that point at private, loopback, link-local or metadata addresses.

Catalogue metadata comes from strangers: a URL in it must never make the observatory
reach into the network it runs in (SSRF). A host is checked after DNS resolution, every
address it resolves to, and again after every redirect (see ``net.fetch``). Networks
listed in ``allowed`` (``OBSERVATORY_ALLOWED_NETWORKS``) pass: the sandbox and the tests
allow ``127.0.0.0/8`` that way.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class RefusedURL(Exception):
    """The URL is not allowed; ``reason`` says why."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


def parse_networks(cidrs: Iterable[str]) -> list[IPNetwork]:
    return [ipaddress.ip_network(c.strip(), strict=False) for c in cidrs if c.strip()]


def _kind(ip: IPAddress) -> str | None:
    """Why an address is off limits, or None when it is a public address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return _kind(ip.ipv4_mapped)
    if ip.is_loopback:
        return "loopback address"
    if ip.is_link_local:
        return "link-local address (cloud metadata range)"
    if isinstance(ip, ipaddress.IPv6Address) and ip in ipaddress.ip_network("fc00::/7"):
        return "unique-local address"
    if ip.is_private:
        return "private address"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return "reserved address"
    if not ip.is_global:
        return "non-public address"
    return None


def check_address(ip: IPAddress, allowed: list[IPNetwork]) -> str | None:
    """Return the reason ``ip`` is refused, or None when it may be reached."""
    if any(ip.version == net.version and ip in net for net in allowed):
        return None
    return _kind(ip)


def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def check_url(url: str, allowed: list[IPNetwork]) -> None:
    """Raise RefusedURL unless ``url`` is http(s) and every address of its host is allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise RefusedURL(url, f"scheme '{parts.scheme or '(none)'}' is not http or https")
    host = parts.hostname
    if not host:
        raise RefusedURL(url, "no host name")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedURL(url, "invalid port") from None
    try:
        addresses = resolve(host, port)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedURL(url, f"host '{host}' does not resolve ({exc})") from None
    for ip in addresses:
        reason = check_address(ip, allowed)
        if reason:
            raise RefusedURL(url, f"host '{host}' resolves to {ip}, a {reason}")
