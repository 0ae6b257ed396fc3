"""HTTP for untrusted URLs: address guard on every hop, capped bytes, times and redirects.

This is the one outbound HTTP policy of the threaded client: every session comes from
``make_session`` (its connections obey the ``Guard`` where the socket connects, see
``net.connect``), and ``open_stream`` follows redirects by hand so that every hop passes
URL hygiene and the guard again. It
returns the final response with its body unread (probes read a little of it, harvesters
all of it). ``fetch`` reads the body up to the byte cap, after decompression, so a gzip
bomb stops at the cap like any other oversized answer.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from observatory.net.guard import Guard, IPNetwork, RefusedURL, Resolver, parse_networks
from observatory.registry import Settings, user_agent_of

if TYPE_CHECKING:  # requests is imported where a request is made: `observatory validate`
    # of a local file never loads it (0.05 s of start-up)
    import requests
    from requests.structures import CaseInsensitiveDict

CHUNK = 64 * 1024


@dataclass(frozen=True)
class HttpSettings:
    """What every request of the observatory obeys."""

    user_agent: str = "observatory/0.1 (contact not configured)"
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 20_000_000
    max_redirects: int = 5
    allowed: tuple[IPNetwork, ...] = ()
    ca_bundle: str | None = None  # a PEM file of trusted CAs; None: the system trust store
    resolver: Resolver | None = None  # DNS for the guard; None: the system resolver

    @property
    def guard(self) -> Guard:
        return Guard(self.allowed, self.resolver)

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpSettings:
        return cls(
            user_agent=user_agent_of(settings),
            connect_timeout=settings.timeouts.connect,
            read_timeout=settings.timeouts.read,
            total_timeout=settings.timeouts.total,
            max_bytes=settings.max_bytes,
            max_redirects=settings.max_redirects,
            allowed=tuple(parse_networks(settings.allowed_networks)),
        )


class FetchError(Exception):
    """A URL could not be read; ``kind`` is a short code, the message says what happened."""

    def __init__(self, url: str, kind: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.kind = kind
        self.message = message
        self.status = status


@dataclass
class FetchResponse:
    url: str
    final_url: str
    status: int
    headers: CaseInsensitiveDict[str]
    content: bytes
    elapsed_ms: float
    redirects: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def make_session(
    settings: HttpSettings, pool_size: int = 10, mixin: type | None = None
) -> requests.Session:
    """A session whose connections obey the guard (``mixin``: extra connection behaviour)."""
    import requests

    from observatory.net.connect import GuardedAdapter

    session = requests.Session()
    session.headers["User-Agent"] = settings.user_agent
    session.trust_env = False  # no proxies from the environment: the guard must see the target
    if settings.ca_bundle:
        session.verify = settings.ca_bundle
    adapter = GuardedAdapter(
        settings.guard, mixin, pool_connections=pool_size, pool_maxsize=pool_size
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class SessionPerThread:
    """A session for each thread that asks (a ``requests.Session`` is not safe to share
    between threads), all closed together: the pages of a catalogue read by the same
    thread reuse its connection (one TCP and TLS handshake per thread, not one per page)."""

    def __init__(self, settings: HttpSettings) -> None:
        self._settings = settings
        self._local = threading.local()
        self._opened: list[requests.Session] = []
        self._lock = threading.Lock()

    def get(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = make_session(self._settings)
            with self._lock:
                self._opened.append(session)
        return session

    def __enter__(self) -> SessionPerThread:
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for session in opened:
            session.close()


def _request_error(url: str, exc: requests.RequestException) -> FetchError:
    import requests

    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return FetchError(url, "redirect-loop", "too many redirects")
    if isinstance(exc, requests.Timeout):
        return FetchError(url, "timeout", f"timed out ({exc.__class__.__name__})")
    if isinstance(exc, requests.exceptions.SSLError):
        return FetchError(url, "tls", f"TLS error: {exc}")
    if isinstance(exc, requests.ConnectionError):
        return FetchError(url, "connection", f"connection failed: {exc}")
    return FetchError(url, "http", f"request failed: {exc}")


def open_stream(
    url: str,
    settings: HttpSettings,
    session: requests.Session | None = None,
    method: str = "GET",
    headers: dict[str, str] | None = None,
) -> tuple[requests.Response, list[str]]:
    """Send the request, following redirects through the guard; the body is left unread.

    Raises FetchError (kind ``refused`` for a guarded address, ``redirect-loop``,
    ``timeout``, ``connection``…). The caller must close the response.
    """
    import requests

    session = session or make_session(settings)
    guard = settings.guard
    seen: list[str] = []
    current = url
    while True:
        try:
            guard.target(current)  # hygiene; the address is checked where the socket connects
        except RefusedURL as exc:
            hop = f" (redirect to {current})" if seen else ""
            raise FetchError(url, "refused", exc.reason + hop) from None
        if current in seen:
            raise FetchError(url, "redirect-loop", f"redirect loop back to {current}")
        seen.append(current)
        try:
            response = session.request(
                method,
                current,
                headers=headers,
                stream=True,
                allow_redirects=False,
                timeout=(settings.connect_timeout, settings.read_timeout),
            )
        except RefusedURL as exc:
            hop = f" (redirect to {current})" if len(seen) > 1 else ""
            raise FetchError(url, "refused", exc.reason + hop) from None
        except requests.RequestException as exc:
            raise _request_error(url, exc) from None
        except (ValueError, UnicodeError) as exc:  # requests' own URL checks, after hygiene
            raise FetchError(url, "refused", f"invalid URL ({exc})") from None
        location = response.headers.get("location")
        if response.is_redirect and location:
            response.close()
            if len(seen) > settings.max_redirects:
                raise FetchError(
                    url, "redirect-loop", f"more than {settings.max_redirects} redirects"
                )
            current = urljoin(current, location)
            if response.status_code == 303:
                method = "GET"
            continue
        return response, seen[1:]


def read_capped(
    response: requests.Response,
    max_bytes: int,
    deadline: float | None,
    allow_truncated: bool = False,
) -> tuple[bytes, bool]:
    """Read a streamed body up to ``max_bytes`` (decompressed); return (bytes, truncated)."""
    chunks: list[bytes] = []
    size = 0
    url = response.url
    try:
        for chunk in response.raw.stream(CHUNK, decode_content=True):
            size += len(chunk)
            if size > max_bytes:
                if not allow_truncated:
                    raise FetchError(
                        url, "too-large", f"body larger than the {max_bytes:,}-byte cap"
                    )
                chunks.append(chunk[: max_bytes - (size - len(chunk))])
                return b"".join(chunks), True
            chunks.append(chunk)
            if deadline is not None and time.monotonic() > deadline:
                raise FetchError(url, "timeout", "total time limit reached while reading the body")
    except FetchError:
        raise
    except Exception as exc:  # urllib3 protocol, decode and read-timeout errors
        kind = "timeout" if "timed out" in str(exc).lower() else "read"
        raise FetchError(url, kind, f"reading the body failed: {exc}") from None
    return b"".join(chunks), False


def fetch(
    url: str,
    settings: HttpSettings,
    session: requests.Session | None = None,
    headers: dict[str, str] | None = None,
    accept_status: tuple[int, ...] = (200,),
    allow_truncated: bool = False,
    method: str = "GET",
) -> FetchResponse:
    """GET ``url`` under every cap; raise FetchError on refusal, error status or overflow."""
    start = time.monotonic()
    deadline = start + settings.total_timeout
    response, redirects = open_stream(url, settings, session, method, headers)
    try:
        if response.status_code not in accept_status:
            raise FetchError(
                url,
                f"http-{response.status_code}",
                f"answered HTTP {response.status_code} {response.reason or ''}".strip(),
                status=response.status_code,
            )
        content, truncated = read_capped(response, settings.max_bytes, deadline, allow_truncated)
    finally:
        response.close()
    return FetchResponse(
        url=url,
        final_url=redirects[-1] if redirects else url,
        status=response.status_code,
        headers=response.headers,
        content=content,
        elapsed_ms=(time.monotonic() - start) * 1000,
        redirects=redirects,
        truncated=truncated,
    )


def fetch_json(
    url: str, settings: HttpSettings, session: requests.Session | None = None, **kw: Any
) -> Any:
    """Fetch and decode JSON; a body that is not JSON raises FetchError(kind='parse')."""
    import json

    response = fetch(url, settings, session, **kw)
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise FetchError(
            url, "parse", f"not JSON ({response.content_type or 'no content type'}): {exc}"
        ) from None
