"""POST /api/reforms/impact: what a reform (docs/reforms.md; YAML or JSON) would do to every stored submission,
before it is signed (server/reforms/). Reads the registry: a reviewer's token
(or an auditor's, an admin's)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from policykg.access import AUTH_RESPONSES, Principal, requires
from policykg.api.validate import capped_body
from policykg.errors import BadInput, Conflict, NotFound, PolicyKGError, UnsupportedMediaType
from policykg.reforms import Busy, Jobs, Reform, impact, load_reform

router = APIRouter(prefix="/api", tags=["reforms"])
# Reading the registry: reviewers (and auditors, admins), as GET /api/awards (server/access/tokens.py)
REVIEWER: list[Any] = [requires("read-registry")]
READER = requires("read-registry")  # the same, as a parameter: a job belongs to the user who started it
TYPES = ("application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain", "")
EXAMPLE = """name: 12号 old-factory area 2000 m², cap 3000万元
asOf: 2024-09-01
changes:
  - {target: "https://w3id.org/policykg/doc/jfgg/2023/12/criterion/old-factory-area", property: pkg:thresholdValue, value: 2000}
"""


@router.post("/reforms/impact", dependencies=REVIEWER, responses=AUTH_RESPONSES,
             summary="The impact of a reform over the registry: each stored submission before/after, totals per "
                     "measure and document, the changed clauses; the corpus is not modified",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/yaml": {"schema": {"type": "string"}, "example": EXAMPLE},
                 "application/json": {"schema": {"type": "object", "required": ["name", "changes"]}}}}})
async def post_impact(request: Request) -> JSONResponse:
    reform = await _reform(request)
    out = await run_in_threadpool(impact, request.app.state.store, request.app.state.settings.corpus_root, reform)
    return JSONResponse(out)


async def _reform(request: Request) -> Reform:
    """The reform of the request's body (YAML or JSON), or the 4xx that says what is wrong with it."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in TYPES:
        raise UnsupportedMediaType("POST the reform as application/json or application/yaml", {"contentType": ctype})
    body = await capped_body(request)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("the reform is not UTF-8 text", {"encoding": "utf-8"}) from None
    return load_reform(text)  # 422 naming the field


def _jobs(request: Request) -> Jobs:
    jobs = getattr(request.app.state, "reform_jobs", None)
    if jobs is None:
        jobs = request.app.state.reform_jobs = Jobs()
    return jobs


def _failure(e: BaseException) -> dict[str, Any]:
    if isinstance(e, PolicyKGError):
        return {"status": e.status, **e.to_json()}
    return {"status": 500, "error": "internal error", "detail": None}


@router.post("/reforms/jobs", responses=AUTH_RESPONSES, status_code=202,
             summary="Start the impact of a reform as a job (one running job per user; a finished job is kept "
                     "10 minutes): poll GET /api/reforms/jobs/{id} for done/total, then its result")
async def post_job(request: Request, principal: Principal = READER) -> JSONResponse:
    reform = await _reform(request)
    store, root = request.app.state.store, request.app.state.settings.corpus_root
    try:
        job = _jobs(request).start(principal.id, reform.name, lambda progress: impact(store, root, reform, progress),
                                   _failure)
    except Busy as e:
        raise Conflict(e.message, {"running": f"/api/reforms/jobs/{e.running}" if e.running else None}) from None
    return JSONResponse({**job.view(False), "url": f"/api/reforms/jobs/{job.id}"}, status_code=202,
                        headers={"Location": f"/api/reforms/jobs/{job.id}"})


@router.get("/reforms/jobs/{jid}", responses=AUTH_RESPONSES,
            summary="A reform job of the caller: state (running, done, failed), done/total submissions, and when "
                    "done the same answer as POST /api/reforms/impact under `result`")
def get_job(jid: str, request: Request, principal: Principal = READER) -> JSONResponse:
    job = _jobs(request).get(principal.id, jid)
    if job is None:
        raise NotFound(f"no reform job {jid} of this token (jobs are kept 10 minutes after they end)", {"id": jid})
    return JSONResponse(job.view())
