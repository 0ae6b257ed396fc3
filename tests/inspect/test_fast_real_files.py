"""Real files from another project (frictionless-py's own fixtures, see data/frictionless-py/
SOURCE.md): the fast path, forced on, gives frictionless's full error list or declines.

Each file is checked against the schema frictionless infers for it, and against the same
schema with every field made an integer (so that cells fail)."""

from __future__ import annotations

import pytest
from frictionless import Resource

from tests.inspect.support import DATA
from tests.inspect.test_fast_hypothesis import check

FILES = sorted((DATA / "frictionless-py").glob("*.csv"))


def inferred(path) -> dict:
    resource = Resource(path=path.name, basepath=str(path.parent))
    resource.infer()
    return resource.schema.to_descriptor()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_file_reads_as_frictionless_does(path):
    schema = inferred(path)
    check(schema, path.read_bytes())
    as_integers = {**schema, "fields": [{**f, "type": "integer"} for f in schema["fields"]]}
    check(as_integers, path.read_bytes())
