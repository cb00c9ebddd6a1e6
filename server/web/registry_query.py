"""A registry query (registry-*.rq: applicants' data) run from its page in a browser.

A browser cannot add an `Authorization` header to a link, so the page of a registry query
has a password field: the form is POSTed here (the token travels in the body, never in a
URL, and is not put back into the page) and the query runs through GET /api/queries/{name}
with the token as a bearer token, so the same roles, 401/403 and audit trail apply.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from policykg.errors import NotFound
from policykg.sparql import load_library
from policykg.web.pages_more import _answer, library_page
from policykg.web.tools import ANY_RESULT, call_api

router = APIRouter(include_in_schema=False)  # a page, like the others of web/ (not the API)


@router.post("/query/registry", response_class=HTMLResponse)
async def registry_query(request: Request) -> HTMLResponse:
    form = await request.form()
    library = load_library(Path(request.app.state.settings.corpus_root))
    name = str(form.get("name", ""))
    chosen = library.get(name)
    if chosen is None or not chosen.reads_registry:
        raise NotFound(f"no registry query {name!r}", {"name": name})
    params = {k[2:]: v for k, v in form.items() if k.startswith("p_") and isinstance(v, str)}
    headers = {"accept": ANY_RESULT}
    token = form.get("token")
    if isinstance(token, str) and token.strip():
        headers["authorization"] = f"Bearer {token.strip()}"
    ans = await call_api(request, "GET", f"/api/queries/{name}", query=params, headers=headers)
    result, error = _answer(ans, request.app.state.store)
    return library_page(request, library, chosen, params, result, error, ans.status if ans.status in (401, 403) else 200)
