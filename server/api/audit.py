"""GET /api/audit: the audit trail, for auditors (and admins); nothing in the API can change it.

`?limit=` (1-1000, default 100) entries, the newest unless `?after=SEQ` asks for the ones
after a sequence number (to page forward). `verified` says whether the hash chain of the
whole file holds (server/access/audit.py); `head` is the last line's hash.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from policykg.access import AUTH_RESPONSES, requires, verify

router = APIRouter(prefix="/api", tags=["audit"])


@router.get("/audit", summary="The audit trail of writes and registry reads (auditor)",
            dependencies=[requires("read-audit")], responses=AUTH_RESPONSES)
async def get_audit(request: Request, limit: int = Query(100, ge=1, le=1000),
                    after: int = Query(0, ge=0)) -> dict[str, Any]:
    log = request.app.state.access.audit

    def work() -> dict[str, Any]:
        verdict = verify(log.path)
        return {"verified": verdict.ok, "entries": verdict.entries, "head": verdict.head,
                "brokenAt": verdict.line, "problem": verdict.problem, "items": log.tail(limit, after)}

    return await run_in_threadpool(work)
