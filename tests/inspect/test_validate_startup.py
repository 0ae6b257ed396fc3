"""`observatory validate` of a large local file loads neither pandas nor requests: 0.25 s
and 0.05 s of start-up that the fast path never uses."""

from __future__ import annotations

import json
import subprocess
import sys

from bench.validate.run import SCHEMA, generate

PROBE = (
    "import sys, json; from observatory.cli import main; sys.argv = {argv!r}; code = main(); "
    "print(json.dumps([code] + [m in sys.modules for m in ('pandas', 'requests')]))"
)


def test_fast_path_loads_neither_pandas_nor_requests(tmp_path):
    path, schema = tmp_path / "big.csv", tmp_path / "schema.json"
    generate(path, 60_000)
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")
    argv = ["observatory", "validate", str(path), "--schema", str(schema), "--json"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)], capture_output=True, text=True, check=True
    )
    report, loaded = done.stdout.strip().splitlines()
    assert json.loads(report)["engine"] == "fast"
    assert json.loads(loaded) == [1, False, False]  # exit 1: the file has errors
