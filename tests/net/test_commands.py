"""The adversary's battery through each command that fetches: probe, harvest, validate, check.

Run as a new user would, with ``OBSERVATORY_ALLOWED_NETWORKS`` empty (nothing private may be
reached) and the configuration as shipped: every shape aimed at the loopback victim must be
refused with its reason on the command's output, exit code 1 (probe) or 2 (the others), no
traceback, and the victim must see no connection. Redirects are tried with only the relay
(127.0.0.2) allowed, so a hop to the victim is the one thing refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from observatory.cli import main

CONFIG = str(Path(__file__).resolve().parents[2] / "datasets.yml")
SHAPES = [
    "http://127.0.0.1:{P}\\@93.184.216.34/",
    "http://93.184.216.34\\@127.0.0.1:{P}/",
    "http://93.184.216.34@127.0.0.1:{P}/",
    "http://2130706433:{P}/",
    "http://0177.0.0.1:{P}/",
    "http://0x7f.1:{P}/",
    "http://127.1:{P}/",
    "http://[::ffff:127.0.0.1]:{P}/",
    "http://[::1]:{P}/",
    "http://127.0.0.1.:{P}/",
    "http://localhost:{P}/",
    "http://１２７.０.０.１:{P}/",
    "http://127.0.0.%31:{P}/",
    "http://0.0.0.0:{P}/",
    "http://127.0.0.1:{P}/data.csv",
]
COMMANDS = ("probe", "harvest", "validate", "validate-schema", "check")


@pytest.fixture
def schema(tmp_path) -> Path:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps({"fields": [{"name": "id", "type": "integer"}]}))
    return path


@pytest.fixture
def csv_file(tmp_path) -> Path:
    path = tmp_path / "data.csv"
    path.write_text("id\n1\n")
    return path


def run(command: str, url: str, schema: Path, csv_file: Path) -> int:
    if command == "validate":
        argv = ["validate", url, "--schema", str(schema)]
    elif command == "validate-schema":
        argv = ["validate", str(csv_file), "--schema", url]
    else:
        argv = [command, url]
    return main(["--config", CONFIG, *argv])


def expected_exit(command: str) -> int:
    return 1 if command == "probe" else 2


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("shape", SHAPES)
def test_command_refuses_with_its_reason(
    farm, monkeypatch, capsys, schema, csv_file, command, shape
):
    monkeypatch.setenv("OBSERVATORY_ALLOWED_NETWORKS", "")
    url = shape.format(P=farm.port)
    before = farm.hits
    code = run(command, url, schema, csv_file)
    out, err = capsys.readouterr()
    assert farm.hits == before, f"{command} {url!r} reached the victim"
    assert code == expected_exit(command), out + err
    assert "Traceback" not in out + err
    text = (out + err).lower()
    assert any(
        word in text
        for word in (
            "refused",
            "backslash",
            "user information",
            "non-canonical",
            "embeds",
            "trailing dot",
            "idna",
            "percent-encoded",
            "resolves to",
            "a loopback",
            "a reserved",
            "off limits",
        )
    ), out + err


@pytest.mark.parametrize("command", COMMANDS)
def test_command_refuses_a_redirect_to_the_victim(
    farm, monkeypatch, capsys, schema, csv_file, command
):
    monkeypatch.setenv("OBSERVATORY_ALLOWED_NETWORKS", "127.0.0.2/32")
    victim = f"http://2130706433:{farm.port}/data.csv"
    inner = f"{farm.relay_base}/r?to={quote(victim, safe='')}"
    url = f"{farm.relay_base}/r?to={quote(inner, safe='')}"
    before = farm.hits
    code = run(command, url, schema, csv_file)
    out, err = capsys.readouterr()
    assert farm.hits == before
    assert code == expected_exit(command), out + err
    assert "non-canonical" in out + err and "Traceback" not in out + err
