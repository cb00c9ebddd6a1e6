"""GET /api/audit: the audit trail, for auditors (and admins); nothing in the API can change it.

`?limit=` (1-1000, default 100) entries, the newest unless `?after=SEQ` asks for the ones
after a sequence number (to page forward): read from the end of the trail, or from the line found
by binary search, never a whole file. `verified` says whether the hash chain holds through every
file of the trail, rotated ones too (server/access/audit.py): checked incrementally, reading only
what changed since the last check; `policykg audit verify` re-reads every file. `head` is the
last line's hash; `brokenAt` and `brokenFile` name the first line that breaks the chain.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from policykg.access import AUTH_RESPONSES, requires

router = APIRouter(prefix="/api", tags=["audit"])


@router.get("/audit", summary="The audit trail of writes and registry reads (auditor)",
            dependencies=[requires("read-audit")], responses=AUTH_RESPONSES)
async def get_audit(request: Request, limit: int = Query(100, ge=1, le=1000),
                    after: int = Query(0, ge=0)) -> dict[str, Any]:
    log = request.app.state.access.audit

    def work() -> dict[str, Any]:
        verdict = log.checked()
        return {"verified": verdict.ok, "entries": verdict.entries, "head": verdict.head,
                "brokenAt": verdict.line, "brokenFile": verdict.file if not verdict.ok else None,
                "problem": verdict.problem, "files": verdict.files, "items": log.tail(limit, after)}

    return await run_in_threadpool(work)
