"""Refuse URLs that point at private, loopback, link-local or metadata addresses.

Catalogue metadata comes from strangers: a URL in it must never make the observatory
reach into the network it runs in (SSRF). The ``Guard`` is the one policy both HTTP
clients obey: a URL first passes hygiene (``net.url.parse_target``: one parser, ambiguous
authorities refused); then, where the socket connects (``net.connect`` for requests,
``probes.aio`` for aiohttp), the host is resolved once, every address it resolves to is
checked, and the connection goes to a checked address, never to a second lookup (DNS
rebinding). Networks listed in ``allowed`` (``OBSERVATORY_ALLOWED_NETWORKS``) pass: the
sandbox and the tests allow ``127.0.0.0/8`` that way.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from observatory.net.url import IPAddress, RefusedURL, Target, embedded_ipv4, parse_target

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[IPAddress]]

__all__ = [
    "Guard",
    "IPAddress",
    "IPNetwork",
    "RefusedURL",
    "Resolver",
    "Target",
    "check_address",
    "parse_networks",
    "system_resolver",
]


def parse_networks(cidrs: Iterable[str]) -> list[IPNetwork]:
    return [ipaddress.ip_network(c.strip(), strict=False) for c in cidrs if c.strip()]


def _kind(ip: IPAddress) -> str | None:
    """Why an address is off limits, or None when it is a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            why = _kind(inner)
            return f"IPv6 form of an IPv4 {why}" if why else None
        if ip in ipaddress.ip_network("fc00::/7"):
            return "unique-local address"
    if ip.is_unspecified:
        return "unspecified address (it reaches this machine)"
    if ip.is_loopback:
        return "loopback address"
    if ip.is_link_local:
        return "link-local address (cloud metadata range)"
    if ip.is_private:
        return "private address"
    if ip.is_multicast or ip.is_reserved:
        return "reserved address"
    if not ip.is_global:
        return "non-public address"
    return None


def check_address(ip: IPAddress, allowed: Iterable[IPNetwork]) -> str | None:
    """Return the reason ``ip`` is refused, or None when it may be reached."""
    if any(ip.version == net.version and ip in net for net in allowed):
        return None
    return _kind(ip)


def system_resolver(host: str, port: int) -> list[IPAddress]:
    """The addresses of ``host`` from the system resolver (raises socket.gaierror)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Guard:
    """The outbound address policy: allowed networks and the resolver to ask (injectable)."""

    allowed: tuple[IPNetwork, ...] = ()
    resolver: Resolver | None = None  # None: the system resolver

    def target(self, url: str) -> Target:
        """Hygiene of ``url`` (no DNS); an IP literal host is checked at once."""
        target = parse_target(url)
        if target.ip is not None:
            reason = self.literal_refusal(target.ip)
            if reason:
                raise RefusedURL(url, reason)
        return target

    def literal_refusal(self, ip: IPAddress) -> str | None:
        """Why an IP written in a URL is refused, or None."""
        reason = check_address(ip, self.allowed)
        return f"{ip} is off limits: {reason}" if reason else None

    def lookup(self, host: str, port: int) -> list[IPAddress]:
        """The addresses of ``host`` (an IP literal is its own), unchecked; raises RefusedURL
        when the name does not resolve."""
        try:
            return [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            pass
        try:
            found = (self.resolver or system_resolver)(host, port)
        except (OSError, UnicodeError) as exc:
            raise RefusedURL(host, f"host '{host}' does not resolve ({exc})") from None
        if not found:
            raise RefusedURL(host, f"host '{host}' does not resolve (no address)")
        return found

    def verdict(self, host: str, addresses: Iterable[IPAddress]) -> str | None:
        """Why one of ``addresses`` of ``host`` is refused, or None when all may be reached."""
        for ip in addresses:
            reason = check_address(ip, self.allowed)
            if reason:
                return f"host '{host}' resolves to {ip}, off limits: {reason}"
        return None

    def addresses(self, host: str, port: int) -> list[IPAddress]:
        """Resolve ``host`` once and check every address: the ones to connect to.

        Raises RefusedURL when the name does not resolve or any address is refused.
        """
        found = self.lookup(host, port)
        reason = self.verdict(host, found)
        if reason:
            raise RefusedURL(host, reason)
        return found

    def check_url(self, url: str) -> list[IPAddress]:
        """Hygiene, resolution and check of ``url`` (for callers that do not connect)."""
        target = self.target(url)
        try:
            return self.addresses(target.host, target.port)
        except RefusedURL as exc:
            raise RefusedURL(url, exc.reason) from None
