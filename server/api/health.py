"""GET /health: the server answers and which corpus version its store holds.

An async route that reads a cached version (read from the store once, at the first call): after
that it takes no thread of the pool and never waits for the store, so it answers at once while slow
queries, validations or writes run (the corpus version only changes when the server restarts
with other corpus files: server/store/embedded.py ensure_corpus).
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from policykg.store import VERSION_Q

router = APIRouter(tags=["health"])


@router.get("/health", summary="The server is up; the corpus version of its store",
            responses={200: {"content": {"application/json": {"example": {"status": "ok", "corpusVersion": "…"}}}}})
async def health(request: Request) -> dict:
    state = request.app.state
    version = getattr(state, "health_version", None)
    if version is None:  # once per process: a one-row lookup in the store's metadata graph
        rows = await run_in_threadpool(state.store.select, VERSION_Q)
        version = state.health_version = (rows[0]["v"].value if rows else "")
    return {"status": "ok", "corpusVersion": version or None}
