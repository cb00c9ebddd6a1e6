"""GET /api/measures/{id}/candidates?asOf=: proactive matching (免申即享), the stored submissions that meet every
machine-checkable condition of a measure and were never awarded it (server/matching/candidates.py).
Reads the registry: a reviewer's token (or an auditor's, an admin's)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from policykg.access import AUTH_RESPONSES, requires
from policykg.api.validate import pick_lang
from policykg.matching import candidates, parse_day

router = APIRouter(prefix="/api", tags=["matching"])
# Reading the registry: reviewers (and auditors, admins), as GET /api/awards (server/access/tokens.py)
REVIEWER: list[Any] = [requires("read-registry")]


@router.get("/measures/{ident:path}/candidates", dependencies=REVIEWER, responses=AUTH_RESPONSES,
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
