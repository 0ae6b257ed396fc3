"""The benchmark's synthetic catalogue is valid DCAT-AP the harvester reads in full."""

from __future__ import annotations

from bench.harvest.server import page_ttl
from observatory.harvest.dcat import parse_dcat


def test_synthetic_pages_hold_100_datasets_and_300_distributions() -> None:
    first = parse_dcat(page_ttl(1, 250, "http://b/c").encode(), "text/turtle", "http://b/c", "b")
    assert len(first.datasets) == 100 and first.errors == []
    assert sum(len(d.distributions) for d in first.datasets) == 300
    assert first.next_url == "http://b/c?page=2" and first.total == 250
    last = parse_dcat(page_ttl(3, 250, "http://b/c").encode(), "text/turtle", "http://b/c", "b")
    assert len(last.datasets) == 50 and last.next_url is None
