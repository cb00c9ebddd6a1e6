"""The JSON submission form described: GET /context.jsonld (its JSON-LD @context) and GET /api/fields
(every field per submission type with zh/en label, unit, JSON type and allowed values; docs/submission.md)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from policykg.api import openapi
from policykg.errors import NotFound
from policykg.submission import CONTEXT, catalog

router = APIRouter(tags=["context"])


@router.get("/context.jsonld", summary="The JSON-LD @context of the JSON submission form", response_class=JSONResponse,
            responses=openapi.answers("application/ld+json"))
def context() -> JSONResponse:
    return JSONResponse(CONTEXT, media_type="application/ld+json",
                        headers={"Cache-Control": "public, max-age=3600", "Link": '</api/fields>; rel="describedby"'})


@router.get("/api/fields", summary="Every field of the JSON form per submission type: zh/en label, unit, type, "
            "allowed values")
def fields(request: Request, type: str | None = Query(None, max_length=64,
                                                        description="one submission type, e.g. RenovationProject")
           ) -> dict[str, Any]:
    cat = catalog(request.app.state.store)
    if type is not None and type not in cat:
        raise NotFound(f"no submission type {type!r}", {"type": type, "known": sorted(cat)})
    return {"types": {t: [f.to_json() for f in fs] for t, fs in cat.items() if type is None or t == type}}
