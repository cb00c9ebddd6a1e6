"""What the OpenAPI document says of every route's errors and request bodies (issue 12: the spec describes the server).

Every error is `{error, detail}` (server/app.py's handlers); `ERRORS` declares that body for
each error status a route can answer, and is given to the application for every route
(a route need not answer each of them; it answers none other). `BODIES` describes the raw
request bodies the submission routes read themselves (they are not pydantic models, since
the bytes are checked before any parser: server/submission/raw.py).
"""
from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from policykg.corpus import build_index
from policykg.submission import TYPES, catalog, component_schemas, examples


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

_RDF_TEXT = {"schema": {"type": "string", "description": "RDF in the syntax of the media type (docs/submission.md)"}}
SUBMISSION_REF = {"$ref": "#/components/schemas/Submission"}
SUBMISSION_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": SUBMISSION_REF},
    "application/ld+json": {"schema": {"type": "object", "description": "JSON-LD: the JSON form with our @context, "
                                       "or any JSON-LD of the ontology"}},
    "text/turtle": _RDF_TEXT, "application/n-triples": _RDF_TEXT, "application/rdf+xml": _RDF_TEXT,
}}}
BATCH_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "array", "items": SUBMISSION_REF, "maxItems": 1000}},
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


# what policykg.provenance.catalog.resolve takes as an id (a slug, an IRI path, a full IRI): "not an id" otherwise
ID_PARAM = {"type": "string", "minLength": 1, "maxLength": 500, "pattern": r'^[^<>"{}|\\^`\s]+$'}
ID_PARAMS = {"ident", "iri", "document"}
SPARQL_BODY = {"required": True, "content": {
    "application/sparql-query": {"schema": {"type": "string", "description": "a SPARQL 1.1 query"},
                                 "example": "SELECT ?d ?title WHERE { ?d a <http://data.europa.eu/eli/ontology#LegalResource> ; "
                                            "<http://data.europa.eu/eli/ontology#title> ?title } LIMIT 5"},
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["query"], "properties": {
        "query": {"type": "string"}, "default-graph-uri": {"type": "string"}, "named-graph-uri": {"type": "string"}}}},
}}


def profile_schema(cat: dict[str, list[Any]]) -> dict[str, Any]:
    """The enterprise profile of POST /api/match (policykg.matching.profile): the applicant with its listings and
    the fields of a pilot-enterprise application, its projects in the JSON form, an as-of date."""
    from policykg.matching import profile

    kind = profile.ENTERPRISE_TYPE
    own = set(TYPES[kind]) | profile.APPLICANT_KEYS
    enterprise = component_schemas({kind: cat[kind]}, [])[f"Submission{kind}"]
    applicant = {k: v for k, v in enterprise["properties"].items() if k in own}
    applicant.update({
        "name": {"type": "string", "maxLength": 2000}, "creditCode": {"type": "string", "maxLength": 2000},
        "listings": {"type": "array", "uniqueItems": True, "items": {"type": "string", "enum": sorted(profile.LISTINGS)},
                     "description": "名录 the enterprise is on"}})
    return {"type": "object", "additionalProperties": False, "properties": {
        "applicant": {"type": "object", "additionalProperties": False, "properties": applicant},
        "projects": {"type": "array", "items": SUBMISSION_REF, "maxItems": profile.MAX_PROJECTS},
        "asOf": {"type": "string", "format": "date"}}}


def _describe_parameters(doc: dict[str, Any]) -> None:
    for path, ops in doc.get("paths", {}).items():
        for op in ops.values():
            for p in op.get("parameters", []):
                if p.get("name") in ID_PARAMS and path.startswith("/api/"):
                    p["schema"] = {**ID_PARAM, **({"title": p["schema"]["title"]} if "title" in p.get("schema", {}) else {})}
    post = doc.get("paths", {}).get("/sparql", {}).get("post")
    if post is not None and "requestBody" not in post:
        post["requestBody"] = SPARQL_BODY


def _bodies(doc: dict[str, Any]) -> list[tuple[dict[str, Any], bool]]:
    """(media type object, is a list) of every JSON body made of JSON-form submissions."""
    out = []
    for ops in doc.get("paths", {}).values():
        for op in ops.values():
            media = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            schema = (media or {}).get("schema", {})
            if schema == SUBMISSION_REF or schema.get("items") == SUBMISSION_REF:
                out.append((media, schema != SUBMISSION_REF))
    return out


def document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with the JSON form's schemas (from the field catalogue of the store's corpus)
    and one example per submission type (docs/examples/) on every body that takes submissions.
    Built once the store is open (the server's lifespan), then kept."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = copy.deepcopy(get_openapi(title=app.title, version=app.version, openapi_version=app.openapi_version,
                                    description=app.description, routes=app.routes, tags=app.openapi_tags))
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    _describe_parameters(doc)
    store = getattr(app.state, "store", None)
    if store is None:  # before the store is open (never on a served request): the form's schema is not known yet
        schemas["Submission"] = {"type": "object", "description": "The JSON form (docs/submission.md)"}
        return doc
    cat = catalog(store)
    schemas.update(component_schemas(cat, sorted(build_index(store).measures)))
    schemas["MatchProfile"] = profile_schema(cat)
    match = doc["paths"].get("/api/match", {}).get("post", {}).get("requestBody", {}).get("content", {})
    if "application/json" in match:
        match["application/json"]["schema"] = {"$ref": "#/components/schemas/MatchProfile"}
    found = examples(app.state.settings.corpus_root)
    for media, many in _bodies(doc):
        if many:
            media["example"] = list(found.values())
            media["schema"]["maxItems"] = app.state.settings.max_batch_items
        else:
            media["examples"] = {t: {"summary": f"A {t} (docs/examples/{t}.json)", "value": v} for t, v in found.items()}
    app.openapi_schema = doc
    return doc
