"""Load and validate ``datasets.yml``: what the observatory watches and how.

Errors name the key at fault and its line in the file (``ConfigError``); the CLI turns
them into exit code 2. Environment variables (``OBSERVATORY_*``) override a few settings,
validated the same way. Nothing here is built at import time.
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Periodicity = Literal[
    "daily_working",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "four_monthly",
    "half_yearly",
    "yearly",
    "per_campaign",
]

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "datasets.yml"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key and line."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expectation(_Strict):
    """What the answer to an API sample request must hold for the API to count as up."""

    status: int = 200
    content_type: str | None = None  # prefix match, e.g. "application/json"
    json_path: str | None = (
        None  # dotted path with [i] indexes, e.g. "features[0].properties.label"
    )
    equals: Any = None  # expected value at json_path
    type: Literal["string", "number", "integer", "boolean", "array", "object", "null"] | None = None
    contains: str | None = None  # substring of the body
    max_latency_ms: float | None = None


class ApiCheck(_Strict):
    name: str
    url: str
    method: Literal["GET", "HEAD", "POST"] = "GET"
    headers: dict[str, str] = Field(default_factory=dict)
    expect: Expectation = Field(default_factory=Expectation)


class SpdrEntry(_Strict):
    """One of the nine reference datasets of the public data service (SPDR)."""

    key: str
    name: str
    id: str
    slug: str
    producer: str
    periodicity: Periodicity
    apis: list[ApiCheck] = Field(default_factory=list)


class CatalogueEntry(_Strict):
    id: str
    name: str
    # a kind of ``observatory.harvest.readers``; any other is an error of this source when
    # it is harvested (the rest of the run goes on), not of the whole configuration
    kind: str = Field(min_length=1)
    url: str
    max_pages: int | None = None


class OrganisationScope(_Strict):
    """Every dataset of one organisation on the portal (an AMDAC scope)."""

    id: str  # udata organisation id or slug
    name: str


class Portal(_Strict):
    id: str = "data-gouv-fr"
    name: str = "data.gouv.fr"
    url: str
    kind: Literal["udata"] = "udata"


class Timeouts(_Strict):
    connect: float = 5.0
    read: float = 20.0
    total: float = 60.0


CONTACT = re.compile(r"(mailto:)?[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+|https?://[^\s<>()]+")


class Settings(_Strict):
    user_agent: str = "observatory/0.1"  # product token; the contact is appended
    contact: str | None = None  # operator's e-mail or URL, sent in every User-Agent
    timeouts: Timeouts = Field(default_factory=Timeouts)
    max_bytes: int = Field(default=20_000_000, gt=0)  # bytes read from any one body
    max_redirects: int = Field(default=5, ge=0)
    max_pages: int = Field(default=1000, gt=0)  # pages read from one paged source
    page_size: int = Field(default=100, gt=0)
    per_host_concurrency: int = Field(default=4, gt=0)
    per_host_rate: float = Field(default=10.0, gt=0)  # requests per second per host
    # observe reuses a file probe younger than this many seconds (its own or the probe
    # flow's) instead of requesting the file again: the availability history is the
    # frequent probe flow's job, scoring only needs a recent probe. 0: probe every file.
    reprobe_after: float = Field(default=6 * 3600.0, ge=0)
    slow_ms: float = Field(default=5000.0, gt=0)  # a file/API slower than this is degraded
    validate_max_bytes: int = Field(default=50_000_000, gt=0)
    shacl: bool = True  # validate DCAT catalogue pages against the DCAT-AP SHACL shapes
    shacl_max_datasets: int = Field(default=1000, ge=0)  # validated per page; the rest n/a
    # worker processes reading a numbered catalogue's pages in `observatory harvest`
    # (0: one per usable core, at most 4; 1: all in the command's own process)
    harvest_processes: int = Field(default=0, ge=0, le=64)
    allowed_networks: list[str] = Field(default_factory=list)
    task_runner: Literal["default", "dask"] = "default"
    dask_address: str | None = None
    listing_page_size: int = Field(default=200, ge=1, le=500)  # rows per listing page

    @property
    def shacl_limit(self) -> int:
        """How many datasets of each DCAT page to validate with SHACL (0: none)."""
        return self.shacl_max_datasets if self.shacl else 0

    @field_validator("user_agent")
    @classmethod
    def _agent(cls, value: str) -> str:
        if not value.strip() or not value.isprintable() or not value.isascii():
            raise ValueError("the User-Agent must be printable ASCII text on one line")
        return value

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.isascii() or not CONTACT.fullmatch(value.strip()):
            raise ValueError("expected the operator's e-mail address or an http(s) URL")
        return value.strip()

    @field_validator("allowed_networks")
    @classmethod
    def _cidrs(cls, value: list[str]) -> list[str]:
        for cidr in value:
            ipaddress.ip_network(cidr, strict=False)
        return value


class Weights(_Strict):
    completeness: float = Field(default=1.0, ge=0)
    freshness: float = Field(default=1.0, ge=0)
    conformity: float = Field(default=1.0, ge=0)
    availability: float = Field(default=1.0, ge=0)


class Config(_Strict):
    portal: Portal
    settings: Settings = Field(default_factory=Settings)
    weights: Weights = Field(default_factory=Weights)
    spdr: list[SpdrEntry]
    catalogues: list[CatalogueEntry] = Field(default_factory=list)
    organisations: list[OrganisationScope] = Field(default_factory=list)
    database_url: str | None = None
    reports_dir: str = "reports"
    source_path: str | None = None  # where it was loaded from (set by the loader)

    def spdr_by_id(self) -> dict[str, SpdrEntry]:
        return {entry.id: entry for entry in self.spdr}


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Follow a pydantic error location through the YAML node tree to a line number."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((kv for kv in node.value if kv[0].value == part), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _describe(err: dict[str, Any], root: yaml.Node | None, path: str) -> str:
    loc = tuple(err["loc"])
    key = ".".join(str(p) for p in loc) or "(top level)"
    line = _line_of(root, loc)
    where = f"{path}, line {line}" if line else path
    if err["type"] == "extra_forbidden":
        return f"{where}: unknown key '{key}'"
    if err["type"] == "missing":
        return f"{where}: missing key '{key}'"
    return f"{where}: key '{key}': {err['msg']} (got {err.get('input')!r})"


def parse_config(text: str, path: str = "<config>", env: dict[str, str] | None = None) -> Config:
    """Validate a configuration text; raise ConfigError naming every key at fault."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark else path
        raise ConfigError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        lines = [_describe(dict(e), root, path) for e in exc.errors()]
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines)) from None
    return apply_environment(config.model_copy(update={"source_path": path}), env)


def apply_environment(config: Config, env: dict[str, str] | None = None) -> Config:
    """Apply OBSERVATORY_* overrides (database URL, reports folder, allowed networks)."""
    env = dict(os.environ) if env is None else env
    update: dict[str, Any] = {}
    if env.get("OBSERVATORY_DATABASE_URL"):
        update["database_url"] = env["OBSERVATORY_DATABASE_URL"]
    if env.get("OBSERVATORY_REPORTS_DIR"):
        update["reports_dir"] = env["OBSERVATORY_REPORTS_DIR"]
    settings_update: dict[str, Any] = {}
    if "OBSERVATORY_ALLOWED_NETWORKS" in env:
        raw = env["OBSERVATORY_ALLOWED_NETWORKS"]
        cidrs = [c.strip() for c in raw.split(",") if c.strip()]
        for cidr in cidrs:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                raise ConfigError(
                    f"OBSERVATORY_ALLOWED_NETWORKS: '{cidr}' is not a network (CIDR expected)"
                ) from None
        settings_update["allowed_networks"] = cidrs
    if env.get("OBSERVATORY_CONTACT"):
        try:
            settings_update["contact"] = Settings._contact(env["OBSERVATORY_CONTACT"])
        except ValueError as exc:
            raise ConfigError(f"OBSERVATORY_CONTACT: {exc}") from None
    if env.get("OBSERVATORY_TASK_RUNNER"):
        if env["OBSERVATORY_TASK_RUNNER"] not in ("default", "dask"):
            raise ConfigError("OBSERVATORY_TASK_RUNNER: expected 'default' or 'dask'")
        settings_update["task_runner"] = env["OBSERVATORY_TASK_RUNNER"]
    if env.get("OBSERVATORY_LISTING_PAGE_SIZE"):
        settings_update["listing_page_size"] = _page_size(env["OBSERVATORY_LISTING_PAGE_SIZE"])
    if env.get("OBSERVATORY_DASK_ADDRESS"):
        settings_update["dask_address"] = env["OBSERVATORY_DASK_ADDRESS"]
    if settings_update:
        update["settings"] = config.settings.model_copy(update=settings_update)
    return config.model_copy(update=update) if update else config


def _page_size(raw: str) -> int:
    """OBSERVATORY_LISTING_PAGE_SIZE as an integer from 1 to 500, else ConfigError."""
    try:
        size = int(raw.strip())
    except ValueError:
        size = 0
    if not 1 <= size <= 500:
        raise ConfigError(f"OBSERVATORY_LISTING_PAGE_SIZE: expected 1 to 500 (got {raw!r})")
    return size


def user_agent_of(settings: Settings) -> str:
    """The User-Agent every request sends: the product token and the operator's contact."""
    if not settings.contact:
        return f"{settings.user_agent} (contact not configured)"
    return f"{settings.user_agent} (+{settings.contact})"


def config_path(explicit: str | None = None, env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    return Path(explicit or env.get("OBSERVATORY_CONFIG") or DEFAULT_CONFIG)


def load_config(explicit: str | None = None, env: dict[str, str] | None = None) -> Config:
    """Load the configuration from --config, OBSERVATORY_CONFIG or the bundled datasets.yml."""
    path = config_path(explicit, env)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration ({exc.strerror})") from None
    return parse_config(text, str(path), env)
