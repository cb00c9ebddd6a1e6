"""POST /api/reforms/impact: what a reform (docs/reforms.md; YAML or JSON) would do to every stored submission,
before it is signed (server/reforms/). Reads the registry: a reviewer's token
(or an auditor's, an admin's)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from policykg.access import AUTH_RESPONSES, requires
from policykg.errors import BadInput, PayloadTooLarge, UnsupportedMediaType
from policykg.reforms import impact, load_reform

router = APIRouter(prefix="/api", tags=["reforms"])
# Reading the registry: reviewers (and auditors, admins), as GET /api/awards (server/access/tokens.py)
REVIEWER: list[Any] = [requires("read-registry")]
TYPES = ("application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain", "")
EXAMPLE = """name: 12号 old-factory area 2000 m², cap 3000万元
asOf: 2024-09-01
changes:
  - {target: "https://w3id.org/policykg/doc/jfgg/2023/12/criterion/old-factory-area", property: pkg:thresholdValue, value: 2000}
"""


@router.post("/reforms/impact", dependencies=REVIEWER, responses=AUTH_RESPONSES,
             summary="The impact of a reform over the registry: each stored submission before/after, totals per "
                     "measure and document, the changed clauses; the corpus is not modified",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/yaml": {"schema": {"type": "string"}, "example": EXAMPLE},
                 "application/json": {"schema": {"type": "object", "required": ["name", "changes"]}}}}})
async def post_impact(request: Request) -> JSONResponse:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in TYPES:
        raise UnsupportedMediaType("POST the reform as application/json or application/yaml", {"contentType": ctype})
    settings = request.app.state.settings
    body = await request.body()
    if len(body) > settings.max_body_bytes:
        raise PayloadTooLarge(f"request body over {settings.max_body_bytes} bytes", {"maxBytes": settings.max_body_bytes})
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("the reform is not UTF-8 text", {"encoding": "utf-8"}) from None
    reform = load_reform(text)  # 422 naming the field
    out = await run_in_threadpool(impact, request.app.state.store, settings.corpus_root, reform)
    return JSONResponse(out)
