"""Turn untrusted RDF bytes into an rdflib Graph: format detection and safe parsing.

The format comes from the Content-Type when it names an RDF syntax, else it is sniffed
from the first bytes (RDF/XML, Turtle, JSON-LD, N-Triples). An HTML page is refused
before parsing. JSON-LD never reaches the network: every ``@context`` (and ``@import``)
given as a URL is replaced by a local copy shipped in ``contexts/`` or refused with
``remote @context <url> not fetched`` — rdflib would otherwise download it.
"""

from __future__ import annotations

import json
import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Graph

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

# Content-Type (lower case, parameters dropped) -> rdflib format name.
CONTENT_TYPES = {
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "text/n3": "n3",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}

_NT_LINE = re.compile(r"^(<[^>]*>|_:\S+)\s+<[^>]*>\s+.+\s\.\s*(#.*)?$")
_XML_START = re.compile(r"^<(\?xml|!--|[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?[\s>/])")
_TURTLE_START = re.compile(r"^\s*(@prefix|@base|prefix\s|base\s)", re.IGNORECASE | re.MULTILINE)


class _IllTypedLiteralFilter(logging.Filter):
    """rdflib logs a traceback for every ill-typed literal; the harvester notes them itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form")


logging.getLogger("rdflib.term").addFilter(_IllTypedLiteralFilter())


class RdfError(Exception):
    """The document cannot be read as RDF; ``kind`` is a SourceError code."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _head(content: bytes, size: int = 4096) -> str:
    return content[:size].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")


def looks_like_html(content: bytes) -> bool:
    head = _head(content, 1024).lower()
    return head.startswith(("<!doctype html", "<html")) or (
        head.startswith("<") and "<html" in head and "rdf:rdf" not in head
    )


def sniff_format(content: bytes) -> str | None:
    """Guess the RDF syntax from the first bytes; None when nothing fits."""
    head = _head(content)
    if not head:
        return None
    if head[0] in "{[":
        return "json-ld"
    if head.startswith("<"):
        lines = [ln for ln in head.splitlines()[:-1] if ln.strip() and not ln.startswith("#")]
        if lines and all(_NT_LINE.match(ln.strip()) for ln in lines):
            return "nt"
        if _XML_START.match(head):
            return "xml"
        return "turtle"
    if _TURTLE_START.search(head) or head.startswith("#"):
        return "turtle"
    if head.startswith("_:"):
        return "nt"
    return None


def detect_format(content: bytes, content_type: str | None) -> str:
    """The rdflib format to use; raise RdfError when the document is HTML or unknown."""
    if looks_like_html(content):
        raise RdfError("not-rdf", f"an HTML page ({content_type or 'no content type'}), not RDF")
    declared = (content_type or "").split(";")[0].strip().lower()
    sniffed = sniff_format(content)
    if declared in CONTENT_TYPES:
        fmt = CONTENT_TYPES[declared]
        # A JSON body served as XML (or the reverse) is common: trust the bytes then.
        if sniffed == "json-ld" and fmt != "json-ld" or fmt == "json-ld" and sniffed == "xml":
            return sniffed
        return fmt
    if sniffed is None:
        raise RdfError("not-rdf", f"not a recognised RDF syntax ({declared or 'no content type'})")
    return sniffed


@cache
def _local_context(name: str) -> Any:
    """The context of a bundled document: its ``@context``, or the whole document when it
    is a bare context (udata serves its context unwrapped)."""
    document = json.loads((CONTEXTS_DIR / name).read_text(encoding="utf-8"))
    return document.get("@context", document)


def known_context(url: str) -> Any | None:
    """The local copy of a well-known remote context, or None."""
    bare = url.strip().rstrip("/").lower()
    bare = bare.removeprefix("https://").removeprefix("http://").removeprefix("www.")
    if bare in (
        "schema.org",
        "schema.org/docs/jsonldcontext.json",
        "schema.org/docs/jsonldcontext.jsonld",
    ):
        return _local_context("schema-org.jsonld")
    if bare.endswith("/api/1/site/context.jsonld"):  # any udata portal
        return _local_context("udata.jsonld")
    return None


def resolve_context(value: Any) -> Any:
    """Replace every URL in a context value by its local copy; refuse unknown ones."""
    if isinstance(value, str):
        local = known_context(value)
        if local is None:
            raise RdfError("remote-context", f"remote @context <{value}> not fetched")
        return local
    if isinstance(value, list):
        return [resolve_context(v) for v in value]
    if isinstance(value, dict):
        return {
            k: resolve_context(v) if k == "@import" else localise_contexts(v)
            for k, v in value.items()
        }
    return value


def localise_contexts(node: Any) -> Any:
    """Walk a JSON-LD document and make every ``@context`` local (scoped ones too)."""
    if isinstance(node, list):
        return [localise_contexts(v) for v in node]
    if isinstance(node, dict):
        return {
            k: resolve_context(v) if k == "@context" else localise_contexts(v)
            for k, v in node.items()
        }
    return node


def load_json(content: bytes) -> Any:
    """The JSON value of a JSON-LD document; RdfError when it is not JSON."""
    try:
        return json.loads(content.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise RdfError("parse", f"malformed JSON-LD: {exc}") from None


def parse_graph(
    content: bytes, content_type: str | None, base_url: str, document: Any = None
) -> tuple[Graph, str]:
    """Parse untrusted RDF bytes; return (graph, format). Raise RdfError on any failure.

    ``document`` is the already decoded JSON of a JSON-LD body, when the caller has it.
    """
    fmt = detect_format(content, content_type)
    graph = Graph()
    try:
        if fmt == "json-ld":
            document = localise_contexts(load_json(content) if document is None else document)
            graph.parse(data=json.dumps(document), format="json-ld", base=base_url)
        else:
            graph.parse(data=content, format=fmt, publicID=base_url)
    except RdfError:
        raise
    except Exception as exc:  # rdflib raises many types: BadSyntax, SAXParseException, …
        text = " ".join(str(exc).split())[:300]
        raise RdfError("parse", f"malformed {fmt}: {type(exc).__name__}: {text}") from None
    return graph, fmt
