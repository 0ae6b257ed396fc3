"""The README is the newcomer's manual: it lists every command of the CLI and every
``OBSERVATORY_*`` setting that the code, the deployments or the tests read."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from observatory.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTING = re.compile(r"\bOBSERVATORY_[A-Z0-9_]*[A-Z0-9]\b")
SOURCES = ("observatory", "flows", "tests", "bench")


def commands() -> set[str]:
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {name for action in actions for name in action.choices}


def settings_in_code() -> dict[str, str]:
    """Each OBSERVATORY_* name found in the sources, with one file that reads it."""
    files = [p for d in SOURCES for p in (ROOT / d).rglob("*.py")]
    files += [ROOT / "prefect.yaml", ROOT / "Makefile", ROOT / ".ci" / "run"]
    found: dict[str, str] = {}
    for path in files:
        for name in SETTING.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def test_readme_lists_every_command() -> None:
    names = commands()
    assert {"run", "demo", "check", "serve"} <= names  # the parser was read
    missing = sorted(n for n in names if f"`observatory {n}" not in README)
    assert missing == [], f"commands missing from the README's command table: {missing}"


def test_readme_lists_every_setting() -> None:
    found = settings_in_code()
    assert {"OBSERVATORY_DATABASE_URL", "OBSERVATORY_ALLOWED_NETWORKS"} <= set(found)
    missing = {n: f for n, f in found.items() if f"`{n}`" not in README}
    assert missing == {}, f"settings read by the code but not in the README: {missing}"
