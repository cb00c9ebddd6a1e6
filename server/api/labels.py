"""POST /api/labels: the labels of a bounded list of IRIs, from the public dataset (docs/api.md).

The /query page shows a label beside each IRI of a result table (server/web/static/labels.js)
while the SPARQL answer itself stays standard: the page asks for the labels of the IRIs it
shows, in one request per page of results. The body is `{"iris": ["…", …]}` (at most
MAX_IRIS absolute IRIs, each at most MAX_IRI_CHARS characters); the answer maps each IRI
that has a label to `{"zh": …, "en": …}` (each language when present), from
skos:prefLabel, then rdfs:label, then eli:title (documents), in the corpus graphs only (the
registry is never read; policykg.provenance.labels). IRIs without a label are left out. Bad
input is a 400, too many IRIs a 413, a body that is not JSON a 415 or 400.
"""
from __future__ import annotations

import json

import pyoxigraph as ox
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from policykg.api.sparql import _body
from policykg.errors import BadInput, PayloadTooLarge, UnsupportedMediaType
from policykg.provenance import iri_labels

router = APIRouter(prefix="/api", tags=["queries"])
MAX_IRIS = 500
MAX_IRI_CHARS = 2048
EXAMPLE = {"iris": ["https://w3id.org/policykg/doc/jfgg/2023/12/measure/investment-subsidy-district-bundle"]}


def parse_iris(data: bytes) -> list[str]:
    """The distinct IRIs of a `{"iris": [...]}` body, in order; 400 / 413 naming what is wrong."""
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadInput("the body is not JSON: send {\"iris\": [\"https://…\", …]}", {"reason": str(e)}) from None
    iris = body.get("iris") if isinstance(body, dict) else None
    if not isinstance(iris, list):
        raise BadInput("the body must be an object with an `iris` list", {"example": EXAMPLE})
    if len(iris) > MAX_IRIS:
        raise PayloadTooLarge(f"at most {MAX_IRIS} IRIs per request", {"maxIris": MAX_IRIS, "given": len(iris)})
    out: dict[str, None] = {}
    for i, iri in enumerate(iris):
        if not isinstance(iri, str) or not iri or len(iri) > MAX_IRI_CHARS:
            raise BadInput(f"iris[{i}] must be an IRI of at most {MAX_IRI_CHARS} characters", {"index": i})
        try:
            out[ox.NamedNode(iri).value] = None
        except ValueError:
            raise BadInput(f"iris[{i}] is not an absolute IRI", {"index": i, "value": iri[:200]}) from None
    return list(out)


@router.post("/labels", summary="Labels (zh, en) of up to 500 IRIs from the public dataset",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"type": "object", "required": ["iris"], "properties": {"iris": {
                     "type": "array", "maxItems": MAX_IRIS,
                     "items": {"type": "string", "format": "iri", "maxLength": MAX_IRI_CHARS}}}},
                 "example": EXAMPLE}}}})
async def post_labels(request: Request) -> dict[str, dict[str, str]]:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise UnsupportedMediaType("POST the IRIs as application/json: {\"iris\": [...]}", {"contentType": ctype or None})
    iris = parse_iris(await _body(request))
    return await run_in_threadpool(iri_labels, request.app.state.store, iris)
