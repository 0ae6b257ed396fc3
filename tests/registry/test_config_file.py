"""The registry: the bundled datasets.yml loads, and bad files name the key and line at fault."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from observatory.registry import DEFAULT_CONFIG, ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parents[2]


def test_bundled_config_lists_the_nine_spdr_datasets() -> None:
    config = load_config(str(DEFAULT_CONFIG), env={})
    keys = {e.key for e in config.spdr}
    assert keys == {"sirene", "rna", "pci", "rpg", "rge", "ban", "organisation-etat", "rome", "cog"}
    assert config.spdr_by_id()["5b7ffc618b4c4169d30727e0"].periodicity == "daily_working"
    assert config.portal.url == "https://www.data.gouv.fr"
    assert any(c.kind == "dcat" for c in config.catalogues)
    assert config.organisations
    assert config.settings.allowed_networks == []
    # Every API to watch has a sample request with something its answer must contain.
    apis = [a for e in config.spdr for a in e.apis]
    assert apis and all(a.expect.json_path or a.expect.contains for a in apis)


def _bad(text: str, fragment: str) -> ConfigError:
    base = DEFAULT_CONFIG.read_text(encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        parse_config(base.replace(fragment[0], fragment[1], 1), "datasets.yml", env={})
    return info.value


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_misspelt_key_is_named_with_its_line() -> None:
    base = DEFAULT_CONFIG.read_text(encoding="utf-8")
    broken = base.replace("    periodicity: monthly", "    periodicty: monthly", 1)
    with pytest.raises(ConfigError) as info:
        parse_config(broken, "datasets.yml", env={})
    message = str(info.value)
    assert "periodicty" in message
    assert f"line {_line_of(broken, 'periodicty')}" in message


def test_wrong_type_is_named_with_its_line() -> None:
    base = DEFAULT_CONFIG.read_text(encoding="utf-8")
    broken = base.replace("  max_redirects: 5", "  max_redirects: many", 1)
    with pytest.raises(ConfigError) as info:
        parse_config(broken, "datasets.yml", env={})
    message = str(info.value)
    assert "settings.max_redirects" in message
    assert f"line {_line_of(broken, 'max_redirects: many')}" in message


def test_unknown_periodicity_value_is_refused() -> None:
    base = DEFAULT_CONFIG.read_text(encoding="utf-8")
    broken = base.replace("periodicity: yearly", "periodicity: sometimes", 1)
    with pytest.raises(ConfigError, match="spdr.8.periodicity"):
        parse_config(broken, "datasets.yml", env={})


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(ConfigError, match=r"x\.yml, line \d+: not valid YAML"):
        parse_config("portal:\n  url: [unclosed\n", "x.yml", env={})


def test_environment_overrides_are_validated() -> None:
    base = DEFAULT_CONFIG.read_text(encoding="utf-8")
    env = {
        "OBSERVATORY_ALLOWED_NETWORKS": "127.0.0.0/8, ::1/128",
        "OBSERVATORY_DATABASE_URL": "sqlite:///x.db",
    }
    config = parse_config(base, "datasets.yml", env=env)
    assert config.settings.allowed_networks == ["127.0.0.0/8", "::1/128"]
    assert config.database_url == "sqlite:///x.db"
    with pytest.raises(ConfigError, match="OBSERVATORY_ALLOWED_NETWORKS"):
        parse_config(base, "datasets.yml", env={"OBSERVATORY_ALLOWED_NETWORKS": "not-a-cidr"})


def test_cli_exits_2_naming_key_and_line(tmp_path: Path) -> None:
    base = DEFAULT_CONFIG.read_text(encoding="utf-8")
    broken = base.replace("  page_size: 100", "  page_sise: 100", 1)
    path = tmp_path / "datasets.yml"
    path.write_text(broken, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "observatory.cli", "--config", str(path), "report"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "page_sise" in proc.stderr
    assert f"line {_line_of(broken, 'page_sise')}" in proc.stderr
    assert "Traceback" not in proc.stderr
