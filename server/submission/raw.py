"""The checks on a submission's bytes before any parser sees them (docs/architecture.md (security)).

Size (413), media type and charset (415), the bytes themselves (UTF-8, no NUL, no
`<!DOCTYPE` / `<!ENTITY`: 400), and nesting depth (400, Turtle counted by tokens, RDF/XML by
elements, JSON after a non-recursive walk). JSON is read strictly: a key given twice in one
object (422: JSON would keep the last one silently), a number of more than 4,300 digits (422:
Python refuses to convert it) and the non-JSON constants NaN / Infinity (400) are refused.
Used by server/submission/parse.py, which re-exports them.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from policykg.errors import BadInput, ParseError, PayloadTooLarge, UnprocessableInput, UnsupportedMediaType

MAX_DEPTH = 48
# RDF/XML alternates node and property elements: 48 levels of nodes are ~96 elements deep.
MAX_XML_DEPTH = 2 * MAX_DEPTH
# Per submission, once parsed (settings max_triples / max_blank_nodes; the largest case of
# tests/cases has ~100 triples): 413 naming the limit.
MAX_TRIPLES = 5_000
MAX_BLANK_NODES = 500
MEDIA_TYPES = {
    "application/json": "json-form",
    "application/ld+json": "json-ld",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "n-triples",
    "application/rdf+xml": "rdf-xml",
}
_DANGEROUS = re.compile(rb"<!\s*(doctype|entity)", re.IGNORECASE)
_TTL_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*|([\[\]()])',
    re.DOTALL,
)
# An RDF/XML start, end or empty-element tag (attribute values may hold ">" but never "<").
_XML_TAG = re.compile(r"""<(/?)[^\s/>!?](?:[^<>"']|"[^"<]*"|'[^'<]*')*?(/?)>""")
_XML_SKIP = {"<!--": "-->", "<![CDATA[": "]]>", "<?": "?>", "<!": ">"}


def media_format(content_type: str | None, allowed: Iterable[str] | None = None) -> str:
    """The format named by a Content-Type header, or 415 listing what is accepted."""
    allowed_types = sorted(allowed or MEDIA_TYPES)
    mt, _, params = (content_type or "").partition(";")
    mt = mt.strip().lower()
    charset = re.search(r"charset\s*=\s*\"?([\w.-]+)", params, re.IGNORECASE)
    if charset and charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii"):
        raise UnsupportedMediaType(f"unsupported charset {charset.group(1)}: send UTF-8",
                                   {"accepted": allowed_types})
    if mt not in allowed_types:  # text/plain too: guessing N-Triples from it hid client mistakes
        raise UnsupportedMediaType(f"unsupported content type {mt or '(none)'}", {"accepted": allowed_types})
    return {**MEDIA_TYPES, "application/n-quads": "n-quads"}[mt]


def check_size(body: bytes, limit: int) -> None:
    if len(body) > limit:
        raise PayloadTooLarge(f"body of {len(body)} bytes exceeds the limit of {limit}", {"limit": limit})


def check_counts(g: Any, fmt: str, max_triples: int = MAX_TRIPLES, max_blank_nodes: int = MAX_BLANK_NODES) -> None:
    """413 when the parsed graph has more triples or blank nodes than a submission may have."""
    check_triples(len(g), fmt, max_triples)
    blank = {t for s, _p, o in g for t in (s, o) if type(t).__name__ == "BNode"}
    if len(blank) > max_blank_nodes:
        raise PayloadTooLarge(f"{len(blank)} blank nodes exceed the limit of {max_blank_nodes} per submission",
                              {"limit": max_blank_nodes, "blankNodes": len(blank), "format": fmt})


def check_triples(n: int, fmt: str, max_triples: int = MAX_TRIPLES) -> None:
    if n > max_triples:
        raise PayloadTooLarge(f"more than {max_triples} triples: the limit per submission",
                              {"limit": max_triples, "format": fmt})


def check_bytes(body: bytes, fmt: str) -> str:
    """UTF-8 text without NUL and without any DTD: checked before a parser sees the bytes."""
    if b"\0" in body:
        raise BadInput("the body contains NUL bytes", {"format": fmt})
    if _DANGEROUS.search(body):
        raise BadInput("DOCTYPE and ENTITY declarations are refused (entity expansion)", {"format": fmt})
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        line = body[: e.start].count(b"\n") + 1
        column = e.start - (body.rfind(b"\n", 0, e.start) + 1) + 1
        raise ParseError(fmt, "not UTF-8", line, column) from None


def check_turtle_depth(text: str, fmt: str = "turtle") -> None:
    depth = 0
    for m in _TTL_TOKENS.finditer(text):
        b = m.group(1)
        if not b:
            continue
        depth += 1 if b in "[(" else -1
        if depth > MAX_DEPTH:
            line = text.count("\n", 0, m.start()) + 1
            raise ParseError(fmt, f"nesting deeper than {MAX_DEPTH} levels", line,
                             m.start() - text.rfind("\n", 0, m.start()))


def check_xml_depth(text: str, fmt: str = "rdf-xml") -> None:
    """400 for elements nested deeper than MAX_XML_DEPTH, in one linear scan before the parser."""
    depth, i = 0, text.find("<")
    while i != -1:
        skip = None
        if text.startswith(("<!", "<?"), i):
            skip = next(end for start, end in _XML_SKIP.items() if text.startswith(start, i))
        if skip is not None:  # comment, CDATA, processing instruction, declaration
            j = text.find(skip, i + 2)
            if j == -1:
                return  # unterminated: the parser says where
            i = text.find("<", j + len(skip))
            continue
        m = _XML_TAG.match(text, i)
        if m is None:
            i = text.find("<", i + 1)
            continue
        if m.group(1):
            depth -= 1
        elif not m.group(2):
            depth += 1
            if depth > MAX_XML_DEPTH:
                line = text.count("\n", 0, i) + 1
                raise ParseError(fmt, f"elements nested deeper than {MAX_XML_DEPTH} levels", line,
                                 i - text.rfind("\n", 0, i))
        i = text.find("<", m.end())


def json_depth(obj: Any) -> int:
    deepest, stack = 0, [(obj, 1)]
    while stack:
        o, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(o, dict):
            stack.extend((v, d + 1) for v in o.values())
        elif isinstance(o, list):
            stack.extend((v, d + 1) for v in o)
    return deepest


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


def _no_constant(name: str) -> Any:
    raise BadInput(f"{name} is not a JSON value", {"value": name})


def load_json(text: str, fmt: str = "json") -> Any:
    """Strict JSON: 400 for a syntax error or NaN/Infinity, 422 for a key given twice or a 4,300-digit number."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise ParseError(fmt, e.msg, e.lineno, e.colno) from None
    except RecursionError:
        raise ParseError(fmt, f"nesting deeper than {MAX_DEPTH} levels") from None
    except _DuplicateKey as e:
        raise UnprocessableInput(f"key {e.key!r} appears twice in one JSON object; give each key once",
                                 {"field": e.key, "format": fmt}) from None
    except ValueError as e:  # int(): "Exceeds the limit (4300 digits) for integer string conversion"
        raise UnprocessableInput(f"a JSON number is too long: {str(e)[:120]}",
                                 {"field": "(number)", "format": fmt, "limit": "4300 digits"}) from None
    if json_depth(data) > MAX_DEPTH:
        raise ParseError(fmt, f"nesting deeper than {MAX_DEPTH} levels")
    return data
