"""GET /health: the store answers and holds the corpus version of the files."""
from __future__ import annotations

from fastapi import APIRouter, Request

from policykg.store import VERSION_Q

router = APIRouter(tags=["health"])


@router.get("/health")
def health(request: Request) -> dict:
    rows = request.app.state.store.select(VERSION_Q)
    return {"status": "ok", "corpusVersion": rows[0]["v"].value if rows else None}
