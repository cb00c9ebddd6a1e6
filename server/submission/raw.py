"""The checks on a submission's bytes before any parser sees them (docs/architecture.md (security)).

Size (413), media type and charset (415), the bytes themselves (UTF-8, no NUL, no
`<!DOCTYPE` / `<!ENTITY`: 400), and nesting depth (400, Turtle counted by tokens,
JSON after a non-recursive walk). Used by server/submission/parse.py, which re-exports them.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from policykg.errors import BadInput, ParseError, PayloadTooLarge, UnsupportedMediaType

MAX_DEPTH = 48
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


def load_json(text: str, fmt: str = "json") -> Any:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ParseError(fmt, e.msg, e.lineno, e.colno) from None
    except RecursionError:
        raise ParseError(fmt, f"nesting deeper than {MAX_DEPTH} levels") from None
    if json_depth(data) > MAX_DEPTH:
        raise ParseError(fmt, f"nesting deeper than {MAX_DEPTH} levels")
    return data
