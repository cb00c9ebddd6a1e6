"""GET /api/documents: the documents loaded (contract.md §3)."""
from __future__ import annotations

from fastapi import APIRouter, Request

from ..provenance import list_documents

router = APIRouter(prefix="/api", tags=["documents"])


@router.get("/documents")
def documents(request: Request) -> list[dict]:
    return list_documents(request.app.state.store)
