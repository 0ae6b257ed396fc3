"""Babel extractor for the criteria modules: their messages and their docstrings.

A criterion's docstring stays English in the code (it is for developers); the methodology
page shows its French translation from the catalogue. ``babel.cfg`` maps
``observatory/scoring/criteria/*.py`` here, so ``make i18n`` keeps every criterion docstring
in the .po: the message id is the docstring as ``inspect.cleandoc`` gives it (the registry's
``Criterion.doc``), whole, paragraphs and line breaks included.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python

COMMENT = "criterion docstring, shown in French on the methodology page"


def criterion_docstrings(source: str) -> Iterator[tuple[int, str]]:
    """(line, cleaned docstring) of every function decorated with ``@criterion(...)``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and any(map(_is_criterion, node.decorator_list)):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.body[0].lineno, doc


def _is_criterion(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Name) and target.id == "criterion"


def extract_criteria(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[Any, ...]]:
    """What Babel's Python extractor finds, then each criterion docstring
    (``(line, function name or None, message, comments)``, as Babel's extractors yield)."""
    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)  # type: ignore[arg-type]
    encoding = options.get("encoding", "utf-8")
    for lineno, doc in criterion_docstrings(source.decode(encoding)):
        yield lineno, None, doc, [COMMENT]
