"""GET /api/documents: the documents loaded (docs/api.md); `?iri=` gives one document."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from policykg.provenance import list_documents

router = APIRouter(prefix="/api", tags=["documents"])


@router.get("/documents")
def documents(request: Request, iri: str | None = Query(None, max_length=500)) -> Any:
    if iri:
        from policykg.api.provenance import get_document

        return get_document(request, "", iri)
    return list_documents(request.app.state.store)
