"""POST /api/match: an enterprise profile -> every measure in force it may get (server/matching/)."""
from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from policykg.access import OPTIONAL_TOKEN, TOKEN_RESPONSES, Caller
from policykg.api.validate import capped_body, pick_lang, validation_store
from policykg.errors import BadInput, UnsupportedMediaType
from policykg.matching import match

router = APIRouter(prefix="/api", tags=["matching"])

EXAMPLE = {
    "applicant": {"name": "示例科技有限公司", "creditCode": "91110108MA00000001", "listings": ["green-manufacturing"]},
    "projects": [{"id": "energy-1", "type": "RenovationProject", "projectType": "energy-saving",
                  "totalInvestment": 4000, "fixedAssetInvestment": 4000, "energySavedTce": 20000,
                  "loanAmount": 10000, "status": "completed", "applicationDate": "2024-09-01"}],
    "asOf": "2024-09-01",
}


@router.post("/match", summary="Every measure in force for an enterprise profile: eligible, not eligible or needs "
             "review, amounts, what is missing, deadlines, and the best combination per project",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"type": "object", "properties": {
                     "applicant": {"type": "object", "description": "creditCode, name, certifications, listings "
                                   "(green-manufacturing, old-factory-ledger, high-tech-project-database, "
                                   "urban-renewal-plan) and the fields of a PilotEnterpriseApplication"},
                     "projects": {"type": "array", "items": {"type": "object"},
                                  "description": "JSON-form submissions (docs/submission.md)"},
                     "asOf": {"type": "string", "format": "date"}}},
                 "example": EXAMPLE}}}, **OPTIONAL_TOKEN}, responses=TOKEN_RESPONSES)
async def post_match(request: Request, who: Caller) -> JSONResponse:
    """As POST /api/eligibility: the registry is read only for a caller with a token (`registryConsulted`)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in ("application/json", ""):
        raise UnsupportedMediaType("POST the profile as application/json", {"contentType": ctype})
    settings = request.app.state.settings
    body = await capped_body(request)
    try:
        data: Any = json.loads(body)
    except (ValueError, RecursionError) as e:
        raise BadInput(f"the profile is not JSON: {str(e)[:200]}", {"format": "json"}) from None
    lang = pick_lang(request)
    out = await run_in_threadpool(match, validation_store(request, who), data, lang, settings.max_body_bytes)
    if isinstance(out, dict):
        out["registryConsulted"] = who is not None
    return JSONResponse(out)
