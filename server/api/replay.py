"""POST /api/replay {"id"}: re-evaluate a stored decision (server/registry/replay.py) and say "reproduced",
or exactly what changed: the findings, the corpus version, the verbatim text of a clause they rest on, the
registry writes since. A read: nothing is written. 404 for an id no stored submission has."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from policykg.access import AUTH_RESPONSES, requires
from policykg.api.validate import read_body
from policykg.errors import UnprocessableInput
from policykg.registry import replay as replay_decision
from policykg.submission import check_bytes, load_json

router = APIRouter(prefix="/api", tags=["registry"])


@router.post("/replay", summary="Re-evaluate a stored decision: reproduced, or what changed (corpus, clauses, registry)",
             dependencies=[requires("read-registry")], responses=AUTH_RESPONSES)
async def post_replay(request: Request) -> JSONResponse:
    body, _fmt = await read_body(request, {"application/json": "json"})
    data = load_json(check_bytes(body, "json")) if body else None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or set(data) - {"id"}:
        raise UnprocessableInput("give {\"id\": \"<stored submission id>\"}", {"field": "id"})
    return JSONResponse(await run_in_threadpool(replay_decision, request.app.state.store, data["id"]))
