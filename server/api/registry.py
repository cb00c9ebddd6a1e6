"""The registry (docs/api.md): POST /api/submissions, GET /api/submissions/{id}, POST and GET /api/awards.

Writes are idempotent (content-addressed ids: a submission's id is the hash of its canonical
graph, so the same project re-indented or in another RDF syntax is one record; `Idempotency-Key`
honoured, 409 when a key comes back with another submission or award) and answered only after the store has committed them:
201 for a new record, 200 for one that already existed.
"""
from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from rdflib import RDF, Graph, Literal, URIRef
from starlette.concurrency import run_in_threadpool

from policykg.access import AUTH_RESPONSES, permalink, reader_of_submission, requires, server_secret
from policykg.api import openapi
from policykg.api.validate import (
    as_of_param,
    checked,
    limits,
    pick_lang,
    read_body,
    turtle,
    wants_turtle,
    warm,
)
from policykg.api.work import commit_point, run_bounded
from policykg.corpus import build_index
from policykg.errors import Conflict, UnprocessableInput
from policykg.namespaces import PKG, PROV, SH
from policykg.provenance import catalog
from policykg.registry import clause_hashes, result_clauses
from policykg.registry import records as registry
from policykg.submission import load_json, parse_submission, subject_iri
from policykg.validation import SEVERITY, get_bundle, project_key, submissions, term_json

router = APIRouter(prefix="/api", tags=["registry"])
# Decisions of concurrent writes taken one at a time: they are CPU-bound Python, and threads taking turns on the
# GIL made c=4 slower than c=1 (53.9 against 78.5 stored/s at 10k); the fsyncs still overlap (make_durable).
_DECIDING = threading.Lock()


def _key(request: Request) -> str | None:
    k = request.headers.get("idempotency-key")
    if k is not None and not (0 < len(k) <= 200):
        raise UnprocessableInput("Idempotency-Key must be 1 to 200 characters", {"field": "Idempotency-Key"})
    return k


@router.post("/submissions", status_code=201, summary="Store a submission with its report (idempotent)",
             dependencies=[requires("submit")], responses=AUTH_RESPONSES, openapi_extra=openapi.SUBMISSION_BODY)
async def post_submission(request: Request) -> Response:
    body, _fmt = await read_body(request)
    as_of, key = as_of_param(request), _key(request)
    store, limit = request.app.state.store, request.app.state.settings.max_body_bytes
    bounds, max_shared = limits(request), request.app.state.settings.max_shared_blank_nodes

    def work() -> tuple[dict[str, Any], bool]:
        warm(store)
        parsed = parse_submission(body, request.headers.get("content-type"), limit, store, bounds)
        subjects = submissions(get_bundle(store), parsed.graph)
        if len(subjects) > 1:
            raise UnprocessableInput("the registry stores one submission per request; this data holds "
                                     f"{len(subjects)}", {"field": "id", "subjects": [str(s) for s in subjects]})
        ghash = registry.graph_hash(parsed.graph, max_shared)
        sid = registry.submission_id(ghash)
        if registry.exists(store, sid):
            commit_point()  # the key is written: from here on the work is not stopped
            registry.claim_key(store, "submission", key, ghash, registry.RECORD + sid)
            return registry.load_submission(store, sid), False
        registry.claim_key(store, "submission", key, ghash)
        def decide() -> tuple[dict[str, Any], bool]:
            outcome, rec = checked(store, parsed, as_of, graph_sha256=ghash)
            rec["clauses"] = clause_hashes(store, result_clauses(outcome.results))  # what a replay compares
            commit_point()  # what follows writes: whole or not at all (server/api/work.py)
            fields = dict(fmt=parsed.format, data=parsed.graph, subject=str(subjects[0]),
                          project_key=project_key(parsed.graph, subjects[0]), report=outcome.report_graph, receipt=rec)
            sid, created = registry.store_submission(store, sha256=parsed.sha256, idempotency_key=key,
                                                     graph_sha256=ghash, durable=False,
                                                     **fields)  # type: ignore[arg-type]
            # what was just written, as load_submission would read it back (registry/reading.as_stored)
            return (registry.as_stored(sid, **fields) if created else registry.load_submission(store, sid)), created

        def until_stored() -> tuple[dict[str, Any], bool]:
            for _ in range(3):  # the stored decision saw exactly the registry state its receipt quotes
                try:
                    return decide()
                except registry.RegistryMoved:
                    continue
            try:
                with registry.held_writes():  # lost the race three times: decide with other writes held off
                    return decide()
            except registry.RegistryMoved:  # another process wrote (a shared remote store)
                raise Conflict("the registry took other writes while this submission was decided: send it again",
                               {"field": "(registry)"}) from None

        try:
            with _DECIDING:  # one decision at a time in Python; the fsyncs of earlier ones go on meanwhile
                return until_stored()
        finally:
            registry.make_durable(store)  # before the acknowledgement (group commit: shared with the others)

    stored, created = await run_bounded(request, work)
    data = submission_json(request, stored)
    data["created"] = created
    return JSONResponse(data, status_code=201 if created else 200,
                        headers={"Location": f"/api/submissions/{stored['id']}"})


PARTS = {"all": "all", "submission": "data", "report": "report"}


@router.get("/submissions/{sid}", summary="A stored submission, its report and receipt",
            dependencies=[Depends(reader_of_submission)], responses=AUTH_RESPONSES)
def get_submission(sid: str, request: Request, part: str = "all") -> Response:
    """JSON, or with `Accept: text/turtle` the named graph (`?part=submission|report` for one part of it)."""
    if part not in PARTS:
        raise UnprocessableInput(f"part must be one of {', '.join(PARTS)}", {"field": "part", "value": part})
    stored = registry.load_submission(request.app.state.store, sid)
    if wants_turtle(request):
        return Response(turtle(stored[PARTS[part]]), media_type="text/turtle")
    return JSONResponse(submission_json(request, stored))


def submission_json(request: Request, stored: dict[str, Any]) -> dict[str, Any]:
    store = request.app.state.store
    lang = pick_lang(request)
    report = stored["report"]
    top = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
    conforms = report.value(top, SH.conforms) if top is not None else None
    out = {k: stored[k] for k in ("id", "iri", "graph", "projectKey", "submittedAt", "corpusVersion", "asOf",
                                  "format", "subject")}
    out["conforms"] = bool(conforms.toPython()) if isinstance(conforms, Literal) else None
    out["results"] = stored_results(store, report, stored["data"], lang)
    out["lang"] = lang
    out["receipt"] = stored["receipt"]
    settings = request.app.state.settings  # the printable report, opened by this link without a token
    out["permalink"] = permalink(server_secret(settings.data_dir, settings.permalink_secret), stored["id"])
    return out


def stored_results(store: Any, report: Graph, data: Graph, lang: str) -> list[dict[str, Any]]:
    """The JSON results of a stored (enriched) report: its own messages and clause links."""
    b, cat = get_bundle(store), catalog(store)
    top = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
    out = []
    for r in report.objects(top, SH.result):
        msgs = {m.language: str(m) for m in report.objects(r, SH.resultMessage) if isinstance(m, Literal)}
        clause = report.value(r, PROV.wasDerivedFrom)
        ref = cat.clause_ref(str(clause)) if clause is not None else None
        path = report.value(r, SH.resultPath)
        focus = report.value(r, SH.focusNode)
        out.append({
            "severity": SEVERITY.get(report.value(r, SH.resultSeverity), "Violation"),
            "message": msgs.get(lang) or next(iter(msgs.values()), ""),
            "focusNode": str(focus) if focus is not None else None,
            "path": str(path) if isinstance(path, URIRef) else None,
            "value": term_json(report.value(r, SH.value)),
            "sourceShape": str(report.value(r, SH.sourceShape)),
            "clause": None if ref is None else {
                "iri": str(clause), "documentNumber": ref.get("documentNumber"),
                "label": ref.get("fullLabel") or ref.get("label"), "text": b.clause_text.get(str(clause)),
                "document": ref.get("document")},
        })
    out.sort(key=lambda x: (x["sourceShape"], x["focusNode"] or "", str(x["value"]), x["message"]))  # one order
    return out


# -- awards ------------------------------------------------------------------
AWARD_FIELDS = {"project", "submission", "measure", "amount", "date", "creditCode", "external"}
MAX_AWARD = Decimal(1_000_000)  # 万元: 100 亿元, far above any cap of the corpus


def award_fields(store: Any, data: Any) -> dict[str, Any]:
    """The award of a JSON body, checked field by field (422 naming the field)."""
    if not isinstance(data, dict):
        raise UnprocessableInput("an award is a JSON object {project, measure, amount, date}", {"field": "(root)"})
    unknown = sorted(set(data) - AWARD_FIELDS)
    if unknown:
        raise UnprocessableInput(f"unknown field {unknown[0]}", {"field": unknown[0], "known": sorted(AWARD_FIELDS)})
    cc = data.get("creditCode")
    if cc is not None and (not isinstance(cc, str) or not cc.strip()):
        raise UnprocessableInput("creditCode must be a non-empty string", {"field": "creditCode"})
    if "submission" in data:
        stored = registry.load_submission(store, str(data["submission"]))
        subj = URIRef(stored["subject"])
        key = project_key(stored["data"], subj)
        cc = cc or next((str(o) for a in stored["data"].objects(subj, PKG.applicant)
                         for o in stored["data"].objects(a, PKG.creditCode)), None)
    else:
        key, cc = _project(store, data.get("project"), cc)
    measure = build_index(store).measure(data["measure"]) if isinstance(data.get("measure"), str) else None
    if measure is None:
        raise UnprocessableInput(f"unknown measure {json.dumps(data.get('measure'), ensure_ascii=False)}",
                                 {"field": "measure"})
    amount = data.get("amount")
    try:
        if isinstance(amount, bool) or not isinstance(amount, (int, float)):
            raise InvalidOperation
        dec = Decimal(repr(amount)) if isinstance(amount, float) else Decimal(amount)
        if not dec.is_finite() or dec <= 0:
            raise InvalidOperation
    except InvalidOperation:
        raise UnprocessableInput("amount must be a positive number (万元)", {"field": "amount", "value": amount}) from None
    try:
        when = date.fromisoformat(data["date"]) if isinstance(data.get("date"), str) else None
    except ValueError:
        when = None
    if when is None:
        raise UnprocessableInput("date must be YYYY-MM-DD", {"field": "date", "value": data.get("date")})
    if not date(2000, 1, 1) <= when <= date.today() + timedelta(days=366):
        raise UnprocessableInput("date must be the decision date: from 2000-01-01 to a year from today",
                                 {"field": "date", "value": data.get("date")})
    if dec > MAX_AWARD:
        raise UnprocessableInput(f"amount over {MAX_AWARD} 万元", {"field": "amount", "value": amount})
    external = data.get("external", False)
    if not isinstance(external, bool):
        raise UnprocessableInput("external must be true or false", {"field": "external"})
    if "submission" not in data and not external and not registry.project_known(store, key):
        raise UnprocessableInput(
            f"no stored submission has the project {key!r}: give the submission's id (\"submission\"), its JSON "
            "`id`, creditCode/projectCode as submitted, or mark the award \"external\": true",
            {"field": "project", "value": key})
    return {"project_key": key, "measure": measure, "amount": dec, "when": when, "credit_code": cc}


def _project(store: Any, p: Any, cc: str | None) -> tuple[str, str | None]:
    """The project key an award is about, resolved exactly as a submission's key is (validation.project_key):
    creditCode/projectCode, else the subject IRI, which a JSON-form `id` or a stored submission's id names."""
    if isinstance(p, dict) and isinstance(p.get("creditCode"), str) and isinstance(p.get("projectCode"), str):
        return f"{p['creditCode']}/{p['projectCode']}", cc or p["creditCode"]
    if isinstance(p, str) and p.strip() and len(p) <= 500:
        if "/" in p and "://" not in p:  # creditCode/projectCode
            return p, cc or p.split("/", 1)[0]
        if "://" in p:  # a subject IRI
            return registry.key_of_subject(store, p) or p, cc
        if p.isalnum() and len(p) == 32 and registry.exists(store, p):  # a stored submission's id
            stored = registry.load_submission(store, p)
            return stored["projectKey"], cc
        iri = subject_iri(p)  # the JSON form's `id`: the key of its stored submission (creditCode/projectCode)
        return registry.key_of_subject(store, iri) or iri, cc
    raise UnprocessableInput("project is required: the project key creditCode/projectCode, the subject IRI, "
                             "or {creditCode, projectCode}", {"field": "project"})


@router.post("/awards", status_code=201, summary="Record a grant made (project, measure, amount, date)",
             dependencies=[requires("award")], responses=AUTH_RESPONSES, openapi_extra=openapi.AWARD_BODY)
async def post_award(request: Request) -> Response:
    body, _fmt = await read_body(request, {"application/json": "json"})
    key = _key(request)
    store = request.app.state.store

    def work() -> tuple[dict[str, Any], bool]:
        from policykg.submission import check_bytes

        fields = award_fields(store, load_json(check_bytes(body, "json")))
        same = registry.award_id(fields["project_key"], fields["measure"], fields["amount"], fields["when"])
        return registry.record_award(store, **fields, body_sha=same, idempotency_key=key)  # the award, not its bytes

    award, created = await run_in_threadpool(work)
    return JSONResponse({**award, "created": created}, status_code=201 if created else 200)


@router.get("/awards", summary="The awards of a project (?project=) or an enterprise (?creditCode=)",
            dependencies=[requires("read-registry")], responses=AUTH_RESPONSES)
def get_awards(request: Request, project: str | None = None, creditCode: str | None = None) -> list[dict]:  # noqa: N803
    store = request.app.state.store
    if project:
        rows = registry.awards_for_project(store, project)
    elif creditCode:
        rows = registry.awards_for_enterprise(store, creditCode)
    else:
        raise UnprocessableInput("give ?project= or ?creditCode=", {"field": "project"})
    return [{**a, "amount": float(a["amount"])} for a in rows]
