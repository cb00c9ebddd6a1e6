"""GET /context.jsonld: the JSON-LD context of the JSON submission form (docs/submission.md)."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from policykg.submission import CONTEXT

router = APIRouter(tags=["context"])


@router.get("/context.jsonld", summary="The JSON-LD @context of the JSON submission form")
def context() -> JSONResponse:
    return JSONResponse(CONTEXT, media_type="application/ld+json",
                        headers={"Cache-Control": "public, max-age=3600"})
