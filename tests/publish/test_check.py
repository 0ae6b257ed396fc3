"""``check_url`` against the sandbox portal: a dataset page, an API record, a catalogue,
a lone file and a dead address, each with the diagnosis and exit code a user expects."""

from __future__ import annotations

import json
from typing import Any

import pytest

from observatory.pipeline import http_settings
from observatory.publish.check import check_url, exit_code, render_text, to_json
from observatory.registry import Config, parse_config

BAN_ID = "5530fbacc751df5ff937dddb"


@pytest.fixture(scope="module")
def config(sandbox: Any) -> Config:
    return parse_config(sandbox.config_text(), env={})


def test_dataset_page_url_is_checked_through_the_api(sandbox: Any, config: Config) -> None:
    slug = "base-sirene-des-entreprises-et-de-leurs-etablissements-siren-siret"
    result = check_url(f"{sandbox.portal_url}/fr/datasets/{slug}/", config, http_settings(config))
    assert result.kind == "dataset" and result.readable and len(result.datasets) == 1
    assert result.scores and len(result.scores[0].results) >= 15
    text = render_text(result)
    assert "note globale" in text and "piliers" in text
    assert exit_code(result) == (
        1 if result.failures() and any(r.status == "fail" for _d, r in result.failures()) else 0
    )


def test_api_record_url_and_json_output(sandbox: Any, config: Config) -> None:
    url = f"{sandbox.portal_url}/api/1/datasets/{BAN_ID}/"
    result = check_url(url, config, http_settings(config))
    assert result.kind == "dataset" and result.datasets[0].source_id == BAN_ID
    data = to_json(result)
    assert json.loads(json.dumps(data))["exit_code"] == exit_code(result)
    assert data["scores"][0]["overall"] is not None


def test_catalogue_url_checks_every_dataset_and_lists_fixes(sandbox: Any, config: Config) -> None:
    url = config.catalogues[0].url
    result = check_url(url, config, http_settings(config))
    assert result.kind == "catalogue" and len(result.datasets) > 10
    assert exit_code(result) == 1 and result.failures()
    text = render_text(result)
    assert "Corrections à apporter" in text and "pourquoi :" in text and "comment :" in text
    shacl = [
        r for s in result.scores for r in s.results if r.criterion_id == "conformity.dcat_shacl"
    ]
    assert shacl and {r.status for r in shacl} - {"na"}, "SHACL must run on a DCAT catalogue"


def test_lone_file_is_probed_and_scored_on_what_applies(sandbox: Any, config: Config) -> None:
    http = http_settings(config)
    record = check_url(f"{sandbox.portal_url}/api/1/datasets/{BAN_ID}/", config, http)
    dist = next(d for d in record.datasets[0].distributions if d.type == "main")
    result = check_url(dist.url, config, http)
    assert result.readable and result.kind in ("resource", "api")
    ids = {r.criterion_id for s in result.scores for r in s.results}
    assert "availability.files" in ids and not any(i.startswith("completeness") for i in ids)


def test_unreadable_url_exits_2(sandbox: Any, config: Config) -> None:
    result = check_url(f"{sandbox.portal_url}/introuvable.csv", config, http_settings(config))
    assert not result.readable and exit_code(result) == 2
    assert "ILLISIBLE" in render_text(result)
    gone = check_url(
        f"{sandbox.portal_url}/fr/datasets/n-existe-pas/", config, http_settings(config)
    )
    assert exit_code(gone) == 2
