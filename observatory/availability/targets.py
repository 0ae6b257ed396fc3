"""What the frequent ``probe`` flow checks: SPDR downloads from a snapshot, SPDR APIs.

Batches hold a single host each (politeness budgets are per host) and are the unit of work
of one orchestration task, never one URL.
"""

from __future__ import annotations

from collections.abc import Iterable

from observatory.model import Dataset
from observatory.probes.batch import group_by_host, host_of
from observatory.registry import ApiCheck, Config

FILE_BATCH = 200
API_BATCH = 50


def spdr_file_urls(datasets: Iterable[Dataset]) -> list[str]:
    """Distinct download URLs of the SPDR datasets (documentation resources excluded)."""
    urls: dict[str, None] = {}
    for dataset in datasets:
        if not dataset.spdr:
            continue
        for dist in dataset.distributions:
            if dist.type != "documentation":
                urls.setdefault(dist.download_url or dist.url, None)
    return list(urls)


def file_batches(urls: list[str], size: int = FILE_BATCH) -> list[list[str]]:
    return group_by_host(urls, max_batch=size)


def api_checks(config: Config) -> list[ApiCheck]:
    """Every sample request of every SPDR API in the configuration."""
    return [check for entry in config.spdr for check in entry.apis]


def api_batches(checks: list[ApiCheck], size: int = API_BATCH) -> list[list[ApiCheck]]:
    """API checks in batches of at most ``size``, each batch holding a single host."""
    by_host: dict[str, list[ApiCheck]] = {}
    for check in checks:
        by_host.setdefault(host_of(check.url), []).append(check)
    return [g[i : i + size] for g in by_host.values() for i in range(0, len(g), size)]
