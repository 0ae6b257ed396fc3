"""The User-Agent names the observatory and the operator's contact, never an invented one."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.cli import main
from observatory.net.fetch import HttpSettings
from observatory.registry import ConfigError, Settings, load_config

CONFIG = str(Path(__file__).resolve().parents[2] / "datasets.yml")


def test_shipped_configuration_invents_no_contact(monkeypatch):
    monkeypatch.delenv("OBSERVATORY_CONTACT", raising=False)
    agent = HttpSettings.from_settings(load_config(CONFIG).settings).user_agent
    assert agent == "observatory/0.1 (contact not configured)"


def test_operator_contact_from_the_environment(monkeypatch):
    monkeypatch.setenv("OBSERVATORY_CONTACT", "https://example.org/observatoire")
    agent = HttpSettings.from_settings(load_config(CONFIG).settings).user_agent
    assert agent == "observatory/0.1 (+https://example.org/observatoire)"


@pytest.mark.parametrize("bad", ["not a contact", "ops@example.org\r\nX-Evil: 1", "javascript:x"])
def test_bad_contact_is_refused_at_start(bad, monkeypatch, capsys):
    with pytest.raises(ValueError):
        Settings(contact=bad)
    monkeypatch.setenv("OBSERVATORY_CONTACT", bad)
    with pytest.raises(ConfigError):
        load_config(CONFIG)
    assert main(["--config", CONFIG, "probe", "http://example.org/"]) == 2
    assert "OBSERVATORY_CONTACT" in capsys.readouterr().err
