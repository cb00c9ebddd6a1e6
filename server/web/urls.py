"""Where each resource of the corpus is shown: one URL per document, clause, measure or query (HTML and JSON)."""
from __future__ import annotations

from urllib.parse import quote

from policykg.namespaces import BASE


def page_url(iri: str, kind: str | None = None) -> str:
    """Where a resource of the corpus is shown (the same URL serves its JSON)."""
    path = iri[len(BASE):] if iri.startswith(BASE) else None
    if kind == "document" and path:
        return f"/api/documents/{quote(path)}"
    if kind == "clause" and path:
        return f"/api/clauses/{quote(path)}"
    if kind == "measure" and path:
        return f"/api/measures/{quote(path)}"
    if kind == "query":
        return f"/query?name={quote(iri.rsplit('/', 1)[-1])}"
    return f"/api/resolve?iri={quote(iri, safe='')}"
