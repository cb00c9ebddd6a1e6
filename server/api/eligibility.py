"""POST /api/eligibility (docs/api.md): every measure in force for the submission, eligible or not, how much.

The body is any submission format POST /api/validate accepts. The answer:
`{project, measures: [{measure, slug, documentNumber, clause, eligible, maxAmount, computation,
reasons: [{message, clause, fix}]}], exclusiveGroups, best: {measure, maxAmount}, receipt}`,
messages in the language of Accept-Language (zh by default), `?asOf=YYYY-MM-DD`. As for
POST /api/validate, the registry is read only for a caller with a token (`registryConsulted`); so is POST /api/match.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from policykg.access import OPTIONAL_TOKEN, TOKEN_RESPONSES, Caller
from policykg.api import openapi
from policykg.api.validate import as_of_param, limits, pick_lang, read_body, validation_store, warm
from policykg.api.work import run_bounded
from policykg.eligibility import eligibility
from policykg.registry import consulted
from policykg.submission import parse_submission
from policykg.validation import receipt

router = APIRouter(prefix="/api", tags=["eligibility"])


@router.post("/eligibility", summary="Eligibility and maximum amount under every measure in force",
             responses=TOKEN_RESPONSES, openapi_extra={**OPTIONAL_TOKEN, **openapi.SUBMISSION_BODY})
async def post_eligibility(request: Request, who: Caller) -> JSONResponse:
    body, _fmt = await read_body(request)
    as_of, lang = as_of_param(request), pick_lang(request)
    store, limit = validation_store(request, who), request.app.state.settings.max_body_bytes

    bounds = limits(request)

    def work() -> dict[str, Any]:
        warm(store)
        parsed = parse_submission(body, request.headers.get("content-type"), limit, store, bounds)
        out = eligibility(store, parsed.graph, as_of, lang)
        out["receipt"] = receipt(store, input_sha256=parsed.sha256, as_of=_date(out["project"]["asOf"]),
                                 registry=consulted(store),
                                 corpus=out.pop("corpusVersion"), mode=out.pop("engine"))
        out["lang"] = lang
        out["registryConsulted"] = who is not None
        return out

    return JSONResponse(await run_bounded(request, work))  # stopped past work_timeout_s (server/api/work.py)


def _date(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)
