"""Safe file names for generated pages, and the scheme check for outbound links.

Keys and ids come from catalogues run by strangers: they never become paths as they are.
A page name is a short ASCII slug plus a digest of the whole key, so two keys never share
a file and no key can climb out of its folder.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit

_NON_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_MAX = 48


def safe_name(key: str) -> str:
    """A file-name stem from any key: ``ascii-slug-<10 hex of sha256>``."""
    ascii_text = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")[:SLUG_MAX].strip("-")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{digest}" if slug else digest


def dataset_page(key: str) -> str:
    """Path of a dataset page, relative to the site root."""
    return f"datasets/{safe_name(key)}.html"


def catalogue_page(catalogue_id: str) -> str:
    """Path of a catalogue page, relative to the site root."""
    return f"catalogues/{safe_name(catalogue_id)}.html"


def catalogue_listing(catalogue_id: str) -> str:
    """First page of the paginated list of a catalogue's datasets, relative to the root."""
    return f"catalogues/{safe_name(catalogue_id)}-jeux.html"


def organisation_page(org_key: str) -> str:
    """Path of an organisation page, relative to the site root."""
    return f"organisations/{safe_name(org_key)}.html"


def organisation_listings(org_key: str) -> tuple[str, str]:
    """First pages of an organisation's paginated datasets list and fix list, relative to
    the root (beside its page, as ``catalogue_listing``)."""
    stem = f"organisations/{safe_name(org_key)}"
    return f"{stem}-jeux.html", f"{stem}-corrections.html"


def organisation_exports(org_key: str) -> tuple[str, str]:
    """Paths of an organisation's datasets CSV and fix-list CSV, relative to the site root."""
    stem = f"data/organisations/{safe_name(org_key)}"
    return f"{stem}-jeux.csv", f"{stem}-corrections.csv"


_HTTP = re.compile(r"https?://", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20]")


def web_url(url: object) -> str | None:
    """The URL when it is an absolute http(s) URL fit for an href, else None."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    # the scheme first: most evidence values are not links (48 calls a dataset page)
    if not _HTTP.match(candidate) or _CONTROL.search(candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def api_path(page: str) -> str:
    """The JSON mirror of a page: ``datasets/x.html`` -> ``api/datasets/x.json``."""
    stem = page[:-5] if page.endswith(".html") else page
    return f"api/{stem}.json"


def notice_paths(org_key: str) -> tuple[str, str]:
    """Paths of a producer's notice as Markdown and as HTML, relative to the site root."""
    stem = f"notices/{safe_name(org_key)}"
    return f"{stem}.md", f"{stem}.html"


def theme_page(key: str) -> str:
    """Path of a thematic group's page (its first page), relative to the site root."""
    return f"thematiques/{safe_name(key) if _NON_SLUG.search(key) else key}.html"


DATASETS_LISTING = "datasets/index.html"
ORGANISATIONS_LISTING = "organisations/index.html"
