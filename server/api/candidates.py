"""GET /api/measures/{id}/candidates?asOf=: proactive matching (免申即享), the stored submissions that meet every
machine-checkable condition of a measure and were never awarded it (server/matching/candidates.py).
Reads the registry: the reviewer role once access control is on (REVIEWER below)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from policykg.api.validate import pick_lang
from policykg.matching import candidates, parse_day

router = APIRouter(prefix="/api", tags=["matching"])
# The route's access check, one line when policykg.access is on main: [requires("read-registry")]
REVIEWER: list[Any] = []


@router.get("/measures/{ident:path}/candidates", dependencies=REVIEWER,
            summary="Stored submissions that meet every machine-checkable condition of a measure on a date and "
                    "were never awarded it (免申即享), with their maximum amounts")
async def get_candidates(request: Request, ident: str,
                         asOf: str | None = Query(None, max_length=10, description="YYYY-MM-DD; default today")
                         ) -> JSONResponse:
    day = parse_day(asOf)
    settings = request.app.state.settings
    out = await run_in_threadpool(candidates, request.app.state.store, settings.corpus_root, ident, day,
                                  pick_lang(request))
    return JSONResponse(out)
