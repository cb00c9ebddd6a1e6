"""create_app(settings): the FastAPI application (no heavy work at import time)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from policykg.access import AuditMiddleware, open_access
from policykg.api import i18n, openapi
from policykg.config import Settings, get_settings
from policykg.errors import PolicyKGError
from policykg.registry import READS, AwardCopy
from policykg.store import RegistryHidden, open_store
from policykg.validation import get_bundle

log = logging.getLogger(__name__)


def _error(request: Request, body: dict, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    """An `{error, detail}` answer in the request's language (English, or Chinese if Accept-Language prefers it)."""
    lang = i18n.error_lang(request.headers.get("accept-language"))
    headers = {**(headers or {}), "Content-Language": lang, "Vary": "Accept-Language"}
    return JSONResponse(i18n.localise(body, lang), status_code=status, headers=headers)


def create_app(settings: Settings | None = None, *, store_opener: Callable[[Settings], Any] = open_store,
               access_opener: Callable[[Settings], tuple[Any, str | None]] = open_access) -> FastAPI:
    """The app; a replica process (server/serving/) passes its own store and access openers."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        store = store_opener(settings)
        store.ensure_corpus(Path(settings.corpus_root))
        get_bundle(store)  # what validation, eligibility and candidates need of the corpus: built before the first request
        app.state.store = store
        app.state.public_store = RegistryHidden(store)  # what anonymous validations see: no registry
        # the awards and the corpus in memory, for the registry queries that read only those (embedded store)
        copies = {READS: AwardCopy(store).start()} if hasattr(store, "listeners") and hasattr(store, "ox") else {}
        app.state.registry_copies = copies
        access, first = access_opener(settings)
        if first is not None:  # shown once, here; only its hash is kept (server/access/tokens.py)
            print(f"policykg: no access token was configured, so an admin token was made. It is shown this "
                  f"once and stored only as a hash in {access.tokens.path}:\n\n    {first}\n\nSend it as "
                  "`Authorization: Bearer <token>`; make tokens for people with `policykg tokens add --role "
                  "submitter|reviewer|auditor|admin --name NAME`.", flush=True)
        app.state.access = access
        try:
            yield
        finally:
            executor = getattr(app.state, "sparql_executor", None)  # query workers, if started
            if executor is not None:
                executor.close()
            for copy in copies.values():
                copy.close()
            store.close()

    app = FastAPI(
        title="policykg",
        description="Policy-as-code knowledge graph of Beijing urban-renewal and industrial-support policies.",
        version="0.1.0",
        lifespan=lifespan,
        responses=openapi.ERRORS,  # every error is {error, detail} (policykg.api.openapi)
    )
    app.state.settings = settings
    app.openapi = lambda: openapi.document(app)  # type: ignore[method-assign]  # the JSON form's schema and examples
    from policykg.api import sparql_lane

    app.add_middleware(sparql_lane.SparqlLane)  # inside the audit layer: repeated GET /sparql answered before routing
    app.add_middleware(AuditMiddleware)

    @app.exception_handler(PolicyKGError)
    async def _policykg_error(request: Request, exc: PolicyKGError) -> JSONResponse:
        # every 503 (busy, time limit, store in use) says when to come back
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status == 503:
            headers.setdefault("Retry-After", str(getattr(exc, "retry_after", None) or 5))
        return _error(request, exc.to_json(), exc.status, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg")} for e in exc.errors()]
        return _error(request, {"error": "invalid request", "detail": detail}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(request, {"error": str(exc.detail), "detail": None}, exc.status_code,
                      dict(getattr(exc, "headers", None) or {}))  # 405 keeps its Allow

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse({"error": "internal error", "detail": None}, status_code=500)

    from fastapi.staticfiles import StaticFiles

    from policykg.api import (
        audit,
        candidates,
        context,
        dataset,
        documents,
        eligibility,
        health,
        labels,
        match,
        provenance,
        queries,
        reforms,
        registry,
        sparql,
        validate,
    )
    from policykg.web import match_page, pages, pages_more, reforms_page, registry_query

    app.mount("/static", StaticFiles(directory=Path(pages.__file__).parent / "static"), name="static")
    # candidates before provenance: its /api/measures/{ident:path} would take /api/measures/…/candidates;
    # /sparql second: routes are tried in order, and 12 before it cost ~0.2 ms a query (bench/README.md)
    for mod in (health, sparql, audit, candidates, reforms, documents, dataset, provenance, validate, eligibility,
                match, registry, queries, labels, context, pages, pages_more, match_page, registry_query, reforms_page):
        app.include_router(mod.router)
    from policykg.api import replay as replay_api  # POST /api/replay: re-evaluate a stored decision

    app.include_router(replay_api.router)
    from policykg.api import submission_page  # GET /submissions/{id}: the printable report, by key or token

    app.include_router(submission_page.router)
    return app
