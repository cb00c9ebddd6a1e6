"""POST /api/validate and POST /api/validate/batch (docs/api.md).

The body is the JSON form, JSON-LD, Turtle, N-Triples or RDF/XML by Content-Type; the
answer is the JSON report (messages in the language of Accept-Language, zh by default)
with a reproducibility receipt, or with `Accept: text/turtle` the enriched SHACL
report graph. `?asOf=YYYY-MM-DD` evaluates against the policies in force that day
(default: each submission's application date, else today). Validation also reads the
registry (server/registry/checks.py) for a caller with a valid token of any role; for an
anonymous caller it does not (the answer could reveal another enterprise's awards and
requests): the registry checks are left out and `registryConsulted` is false. Bad input is
a 4xx `{error, detail}`, never a 500.
The work of each request is bounded (server/api/work.py): at most `max_triples` triples and
`max_blank_nodes` blank nodes per submission (413), `max_batch_items` per batch (413), and
`work_timeout_s` of work, after which it is stopped (503 with Retry-After).
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from policykg.access import OPTIONAL_TOKEN, TOKEN_RESPONSES, Caller, Principal
from policykg.api import i18n, openapi
from policykg.api.work import run_bounded, unstoppable
from policykg.corpus import build_index
from policykg.errors import BadInput, PayloadTooLarge, PolicyKGError, UnprocessableInput
from policykg.namespaces import PREFIXES
from policykg.registry import check, consulted
from policykg.submission import MEDIA_TYPES, Limits, Parsed, batch_items, media_format, parse_submission
from policykg.validation import Outcome, get_bundle, parse_as_of, receipt, submissions

router = APIRouter(prefix="/api", tags=["validation"])
TURTLE = "text/turtle"


async def capped_body(request: Request) -> bytes:
    """The body of a request (match, reforms, a SPARQL POST), read no further than the limit (413 past it)."""
    limit = request.app.state.settings.max_body_bytes
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise PayloadTooLarge(f"request body over {limit} bytes", {"maxBytes": limit})
    return bytes(data)


async def read_body(request: Request, allowed: dict[str, str] | None = None) -> tuple[bytes, str]:
    """(body, format): 415 on the Content-Type before reading, 413 as soon as the body passes the limit."""
    fmt = media_format(request.headers.get("content-type"), allowed or MEDIA_TYPES)
    limit = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"body of {declared} bytes exceeds the limit of {limit}", {"limit": limit})
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"body exceeds the limit of {limit} bytes", {"limit": limit})
        chunks.append(chunk)
    return b"".join(chunks), fmt


def limits(request: Request) -> Limits:
    """The size limits of one submission, from the settings."""
    s = request.app.state.settings
    return Limits(max_triples=s.max_triples, max_blank_nodes=s.max_blank_nodes)


def pick_lang(request: Request) -> str:
    """zh (default) or en, by Accept-Language and its q-values."""
    best, best_q = "zh", -1.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        lang = "en" if tag.startswith("en") else "zh" if tag.startswith("zh") else None
        if lang and q > best_q:
            best, best_q = lang, q
    return best


def wants_turtle(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return TURTLE in accept and ("application/json" not in accept or accept.find(TURTLE) < accept.find("application/json"))


def as_of_param(request: Request) -> date | None:
    return parse_as_of(request.query_params.get("asOf"))


def engine_param(request: Request) -> str:
    """`?engine=compiled` (default: the shapes compiled once, server/validation/compiled/), `fast` (core shapes in
    pySHACL, SHACL-SPARQL on pyoxigraph) or `pyshacl` (the reference)."""
    engine = request.query_params.get("engine", "compiled")
    if engine not in ("compiled", "fast", "pyshacl"):
        raise BadInput("engine must be compiled, fast or pyshacl", {"field": "engine", "value": engine})
    return engine


def warm(store: Any) -> None:
    """Build the caches every request shares (shapes bundle, policy index) without being stopped halfway."""
    with unstoppable():
        get_bundle(store)
        build_index(store)


def checked(store: Any, parsed: Parsed, as_of: date | None, engine: str = "compiled",
            graph_sha256: str | None = None) -> tuple[Outcome, dict[str, Any]]:
    """The outcome (validation + registry) of one parsed submission and its receipt (`graph_sha256`: its graph's
    hash, when the caller has computed it)."""
    b = get_bundle(store)
    if not submissions(b, parsed.graph):
        known = ", ".join(sorted(str(c).rsplit("#", 1)[-1] for c in b.submission_classes))
        raise UnprocessableInput(f"no submission in the data: give a node of a submission type ({known})",
                                 {"field": "type", "known": known.split(", ")})
    seen = consulted(store)  # before the check: a write during it moves the sequence (the registry refuses to store)
    outcome = check(store, parsed.graph, as_of, engine, graph_sha256=graph_sha256)
    dates = sorted(set(outcome.as_of.values()))
    used = as_of or (date.fromisoformat(dates[0]) if len(dates) == 1 else None)
    rec = receipt(store, input_sha256=parsed.sha256, as_of=used, corpus=outcome.shapes_version, mode=outcome.engine,
                  registry=seen)
    if used is None and dates:
        rec["asOf"] = outcome.as_of
    return outcome, rec


def report_json(outcome: Outcome, rec: dict[str, Any], lang: str) -> dict[str, Any]:
    out = outcome.to_json(lang)
    out["results"] = [{k: v for k, v in r.items() if not k.startswith("_")} for r in out["results"]]
    out["lang"] = lang
    out["receipt"] = rec
    return out


def turtle(graph: Any) -> bytes:
    for k, v in PREFIXES.items():
        graph.bind(k, v, override=True)
    return graph.serialize(format="turtle", encoding="utf-8")


def respond(request: Request, outcome: Outcome, rec: dict[str, Any], extra: dict[str, Any] | None = None,
            status: int = 200) -> Response:
    if wants_turtle(request):
        return Response(turtle(outcome.report_graph), status_code=status, media_type=TURTLE,
                        headers={"X-Input-SHA256": rec["inputSha256"], "X-Corpus-Version": rec["corpusVersion"] or ""})
    return JSONResponse({**(extra or {}), **report_json(outcome, rec, pick_lang(request))}, status_code=status)


def validation_store(request: Request, who: Principal | None) -> Any:
    """The store with the registry for a caller with a token, without it for an anonymous one."""
    return request.app.state.store if who is not None else request.app.state.public_store


@router.post("/validate", summary="Validate one submission; every finding traced to its clause",
             responses=TOKEN_RESPONSES, openapi_extra={**OPTIONAL_TOKEN, **openapi.SUBMISSION_BODY})
async def validate_one(request: Request, who: Caller) -> Response:
    body, fmt = await read_body(request)
    as_of, engine = as_of_param(request), engine_param(request)
    store = validation_store(request, who)
    limit = request.app.state.settings.max_body_bytes

    bounds = limits(request)

    def work() -> tuple[Outcome, dict[str, Any]]:
        warm(store)
        parsed = parse_submission(body, request.headers.get("content-type"), limit, store, bounds)
        return checked(store, parsed, as_of, engine)

    outcome, rec = await run_bounded(request, work)
    return respond(request, outcome, rec, {"registryConsulted": who is not None})


@router.post("/validate/batch", summary="Validate many submissions: a JSON list, or N-Quads with one graph each",
             responses=TOKEN_RESPONSES, openapi_extra={**OPTIONAL_TOKEN, **openapi.BATCH_BODY})
async def validate_batch(request: Request, who: Caller) -> Response:
    allowed = {"application/json": "json-form", "application/ld+json": "json-ld",
               "application/n-quads": "n-quads"}
    body, fmt = await read_body(request, allowed)
    as_of = as_of_param(request)
    store = validation_store(request, who)
    lang = pick_lang(request)
    error_lang = i18n.error_lang(request.headers.get("accept-language"))  # an item's error, as a request's
    bounds, max_items = limits(request), request.app.state.settings.max_batch_items

    def work() -> dict[str, Any]:
        warm(store)
        reports, ok, bad = [], 0, 0
        for item in batch_items(body, fmt, store, max_items, bounds):
            entry: dict[str, Any] = {"index": item.index, "name": item.name}
            try:
                if item.error is not None:
                    raise item.error
                outcome, rec = checked(store, item.parsed, as_of)  # type: ignore[arg-type]
                entry.update(report_json(outcome, rec, lang))
                ok += outcome.conforms
            except PolicyKGError as e:
                bad += 1
                entry.update({"status": e.status, **i18n.localise(e.to_json(), error_lang)})
            reports.append(entry)
        return {"count": len(reports), "conforming": ok, "errors": bad, "registryConsulted": who is not None,
                "reports": reports}

    return JSONResponse(json.loads(json.dumps(await run_bounded(request, work), default=str)))
