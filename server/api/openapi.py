"""What the OpenAPI document says of every route's errors and request bodies (issue 12: the spec describes the server).

Every error is `{error, detail}` (server/app.py's handlers); `ERRORS` declares that body for
each error status a route can answer, and is given to the application for every route
(a route need not answer each of them; it answers none other). `BODIES` describes the raw
request bodies the submission routes read themselves (they are not pydantic models, since
the bytes are checked before any parser: server/submission/raw.py).
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorBody(BaseModel):
    """The body of every 4xx and 5xx answer."""

    error: str
    detail: Any = None


_WHY = {
    400: "Malformed input (syntax, with line and column; NaN; nesting too deep; a bad parameter)",
    401: "No valid token (`Authorization: Bearer <token>`)",
    403: "A role that may not do this, or refused by policy (a remote @context, a SPARQL update or SERVICE)",
    404: "No such resource",
    405: "Method not allowed (the `Allow` header lists the methods)",
    406: "No acceptable representation for the Accept header",
    409: "An Idempotency-Key reused with another body",
    413: "Too large: the body, triples, blank nodes, batch items, or IRIs to label (the limit is named)",
    415: "Unsupported Content-Type or charset",
    422: "Well-formed but unprocessable: an unknown field, type or measure, a value out of range, a key "
         "given twice (the field is named)",
    503: "Busy or past the time limit: the work was stopped (`Retry-After` says when to come back)",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": why, **({"headers": RETRY_AFTER} if code == 503 else {})}
    for code, why in _WHY.items()
}

_RDF_TEXT = {"schema": {"type": "string"}}
SUBMISSION_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "description": "The JSON form (docs/submission.md)"}},
    "application/ld+json": {"schema": {"type": "object"}},
    "text/turtle": _RDF_TEXT, "application/n-triples": _RDF_TEXT, "application/rdf+xml": _RDF_TEXT,
}}}
BATCH_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
    "application/ld+json": {"schema": {"type": "array", "items": {"type": "object"}}},
    "application/n-quads": _RDF_TEXT,
}}}
AWARD_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["measure", "amount", "date"],
    "properties": {"project": {}, "submission": {"type": "string"}, "measure": {"type": "string"},
                   "amount": {"type": "number", "exclusiveMinimum": 0}, "date": {"type": "string", "format": "date"},
                   "creditCode": {"type": "string"}}}}}}}


def answers(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` of a route whose 200 is in one of `media_types` (not JSON unless named)."""
    return {200: {"description": "OK", "content": {m: {} for m in media_types}}}


GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
