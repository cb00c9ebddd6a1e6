"""GET|POST /sparql: the SPARQL 1.1 Protocol query endpoint (docs/api.md). Read-only.

`query` by GET, by POST form-encoded, or by POST `application/sparql-query`;
`default-graph-uri` / `named-graph-uri` replace the query's own FROM clauses.

The dataset is the corpus only: the default graph is the union of the corpus graphs
(each policy document, the ontology, the shapes, the query library, the corpus
metadata) and each of them is a named graph that FROM / FROM NAMED / GRAPH /
default-graph-uri / named-graph-uri can address. The registry (submissions,
awards, idempotency keys: applicants' credit codes and amounts) is not part of it:
a registry graph named in FROM, GRAPH or a protocol parameter reads as empty, like
a graph the store does not hold (no 403, so that a query cannot probe which
submissions exist). Only the curated library queries whose header says
`dataset: corpus+registry` (registry-*.rq, run by GET /api/queries/{name}) read it.
On the embedded store the engine is given this dataset explicitly (the query's own
FROM never widens it); with a remote store, /sparql is answered from a copy of the
corpus in the query workers, since Virtuoso's dataset clauses cannot be trusted to
do it (server/store/remote.py).

Results are serialised by the engine in the format negotiated from `Accept`
(q-values) or `format=`. Updates, SERVICE and extension functions are refused (403);
syntax errors are 400 with line and column, and so are brackets nested more than
64 deep (sparql_guard.MAX_NESTING); an impossible Accept is 406; a query past the
time limit is stopped (503). An answer over the row cap (`max_result_rows`) is 200 with its
first rows, and one over `max_result_bytes` is cut at the last whole row that fits: both say
`X-Result-Truncated: true` (and the older `X-Truncated: true`), name the cap that cut
(`X-Max-Result-Rows` or `X-Max-Result-Bytes`), and flag it in the body where the format
allows (policykg.sparql.truncation).
Query workers are shared fairly (policykg.endpoint.fair): a client (by address) with
`query_max_per_client` queries running or waiting gets 503 with Retry-After for the next,
and so does a request that finds `query_max_waiting` others waiting, or that waited the
query time limit; a freed worker goes to the waiting client with the fewest running. An answer already
given under the same corpus version, or a query whose cost is bounded in advance (sparql/cost.py), is
answered in this process without a worker (policykg.endpoint.fastpath; a repeated GET even before
routing, api/sparql_lane.py). Answers carry
`Access-Control-Allow-Origin: *` so that browser tools such as YASGUI can use the
endpoint from another origin.
"""
from __future__ import annotations

import asyncio
import functools
import math
import threading
import urllib.parse
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from policykg.api.dataset import service_description
from policykg.api.sparql_lane import lane_key, lane_request
from policykg.api.validate import capped_body
from policykg.endpoint import Busy, Executor, FairGate, RawAnswer, Stopped, make_executor
from policykg.errors import BadInput, Forbidden, PayloadTooLarge, UnsupportedMediaType
from policykg.namespaces import BASE, PREFIXES
from policykg.sparql import Answer, QueryInfo, QueryJob, inspect, negotiate

router = APIRouter(tags=["sparql"])
_LOCK = threading.Lock()
TRUNCATION_HEADERS = "X-Result-Truncated, X-Truncated, X-Result-Count, X-Max-Result-Rows, X-Max-Result-Bytes"
CORS = {"Access-Control-Allow-Origin": "*", "Vary": "Accept", "Access-Control-Expose-Headers": TRUNCATION_HEADERS}
ALLOW = "GET, HEAD, POST, OPTIONS"


def executor(app: FastAPI) -> Executor:
    """The app's query executor, started on first use and closed with the app."""
    ex = getattr(app.state, "sparql_executor", None)
    if ex is None:
        with _LOCK:
            ex = getattr(app.state, "sparql_executor", None)
            if ex is None:
                ex = make_executor(app.state.store, app.state.settings, getattr(app.state, "registry_copies", None))
                app.state.sparql_executor = ex
    return ex


def _gate(app: FastAPI) -> FairGate:
    """The fair share of the query workers (policykg.endpoint.fair), made on first use."""
    gate = getattr(app.state, "sparql_gate", None)
    if gate is None:
        s = app.state.settings
        gate = app.state.sparql_gate = FairGate(s.query_workers + s.query_workers_extra, s.query_max_per_client,
                                                s.query_max_waiting)
    return gate


@functools.lru_cache(maxsize=256)
def _inspect_cached(text: str) -> QueryInfo:
    return inspect(text, PREFIXES)


def _inspect(text: str) -> QueryInfo:
    """The guard's reading of a query text, cached for texts up to 2 KB (256 of them, with their tokens:
    ~15 MB at most); a refusal is raised again each time (it is not cached)."""
    return _inspect_cached(text) if len(text) <= 2048 else inspect(text, PREFIXES)


_negotiate = functools.lru_cache(maxsize=256)(negotiate)  # a 406 is raised again each time: not cached


def _iri(value: str, param: str) -> str:
    try:
        return ox.NamedNode(value).value
    except ValueError:
        raise BadInput(f"{param} must be an absolute IRI", {"param": param, "value": value}) from None


async def run_query(request: Request, text: str, *, default_graphs: list[str] | None = None,
                    named_graphs: list[str] | None = None, bindings: dict[str, Any] | None = None,
                    format_param: str | None = None, registry: bool = False,
                    page: tuple[int, int] | None = None, computed: Any = None, reads: str | None = None) -> Response:
    """Check, negotiate, run in a worker, answer: shared by /sparql and /api/queries/{name}.

    The query reads the corpus graphs only, unless `registry` (a curated library query
    whose header says `dataset: corpus+registry`), which reads every graph. `page`: (limit, offset) of a library
    query, appended to its text (curated texts end with their ORDER BY); a full page links to the next. `computed`:
    a function of the job that gives the answer instead of the engine (a library query answered in Python, the
    same rows: api/queries.py). `reads`: the library query's `reads` header (which copy of the registry may answer it).
    """
    settings = request.app.state.settings
    size = len(text.encode("utf-8"))
    if size > settings.max_query_bytes:
        raise PayloadTooLarge(f"the query text is over {settings.max_query_bytes} bytes; shorten it",
                              {"maxQueryBytes": settings.max_query_bytes, "bytes": size})
    # 403 (and 400 for deep nesting) before anything runs; the lexer is Python (~5 µs a token): a text
    # longer than the cached ones is read in a thread, so that it never holds the event loop (/health)
    info = _inspect(text) if len(text) <= 2048 else await run_in_threadpool(inspect, text, PREFIXES)
    fmt = _negotiate(info.form, request.headers.get("accept"), format_param)  # 406 before anything runs
    dg = [_iri(g, "default-graph-uri") for g in default_graphs or []]
    ng = [_iri(g, "named-graph-uri") for g in named_graphs or []]
    ex = getattr(request.app.state, "sparql_executor", None) or await run_in_threadpool(executor, request.app)
    retry_after = max(1, math.ceil(settings.query_timeout_s / 2))
    client = request.client.host if request.client else "?"
    version = ex.fast.version  # the corpus version the answer is for
    public = None if registry else ex.fast.cached_graphs() or await run_in_threadpool(ex.public_graphs)
    job = QueryJob(
        text=text, fmt=fmt.key, form=info.form, max_rows=settings.max_result_rows,
        max_bytes=settings.max_result_bytes,
        union_default=not info.has_dataset, protocol_dataset=bool(dg or ng),
        default_graphs=tuple(dg), named_graphs=tuple(ng), bindings=bindings or {},
        base_iri=BASE, prefixes=dict(PREFIXES), public_graphs=public,
        query_from=info.from_graphs, query_from_named=info.from_named, reads=reads,
    )
    # the light path (policykg.endpoint.fastpath): a cached answer, or a cheap query in this process
    if page is not None:
        job.text = f"{job.text.rstrip()}\nLIMIT {page[0]} OFFSET {page[1]}"
    if computed is not None:
        answer = await run_in_threadpool(computed, job)
        return _paged(request, Response(answer.body, media_type=answer.media_type,
                                        headers=answer_headers(answer, settings)), answer, page)
    answer: Answer | None = ex.fast.lookup(job)
    if answer is None and public is not None and not job.protocol_dataset and not info.has_dataset:
        # known to be tiny: here on the event loop (a thread hop costs more under load); else from a thread
        got = ex.fast.cheap(job, info, inline=True)
        if got is True:
            got = await run_in_threadpool(ex.fast.cheap, job, info)
        answer = got if isinstance(got, Answer) else None
    if answer is None:
        try:
            async with _gate(request.app).hold(client, settings.query_timeout_s, retry_after):
                answer = await _watched(request, ex, job)
        except Stopped:  # nobody is listening; the answer is for the log
            return JSONResponse({"error": "the client went away; its query was stopped", "detail": None},
                                status_code=503, headers={**CORS, "Retry-After": "1"})
        except Busy as e:
            return JSONResponse(e.to_json(), status_code=e.status,
                                headers={**CORS, "Retry-After": str(e.retry_after)})
    response = _paged(request, Response(answer.body, media_type=answer.media_type,
                                        headers=answer_headers(answer, settings)), answer, page)
    if not registry and lane_request(request.scope):  # the same request again: answered before routing
        ex.fast.raw_remember(lane_key(request.scope), RawAnswer(response.raw_headers, answer.body), version)
    return response


def _paged(request: Request, response: Response, answer: Answer, page: tuple[int, int] | None) -> Response:
    """A page of a library query: its offset, and when it is full a link to the next (RFC 8288)."""
    if page is None:
        return response
    limit, offset = page
    response.headers["X-Result-Offset"] = str(offset)
    if answer.count >= limit and not answer.truncated:
        nxt = request.url.include_query_params(offset=offset + limit, limit=limit)
        response.headers["Link"] = f'<{nxt.path}?{nxt.query}>; rel="next"'
    return response


def answer_headers(answer: Answer, settings: Any) -> dict[str, str]:
    """CORS, the count, and for a cut answer the flag and the cap that cut it (the first rows, whole)."""
    headers = {**CORS, "X-Result-Count": str(answer.count)}
    if answer.truncated:
        headers.update({"X-Result-Truncated": "true", "X-Truncated": "true"})
        if answer.cut_by == "bytes":
            headers["X-Max-Result-Bytes"] = str(settings.max_result_bytes)
        else:
            headers["X-Max-Result-Rows"] = str(settings.max_result_rows)
    return headers


async def _watched(request: Request, ex: Executor, job: QueryJob) -> Answer:
    """`ex.run(job)` in a thread; when the client leaves meanwhile (checked every 0.25 s) its query
    worker is killed at once (Stopped), not left computing an answer nobody will read until the time limit."""
    stop = threading.Event()
    task = asyncio.ensure_future(run_in_threadpool(ex.run, job, stop))
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=0.25)
            if not task.done() and await request.is_disconnected():
                stop.set()
        return task.result()
    except asyncio.CancelledError:  # the request itself was cancelled (server shutting down, client gone)
        stop.set()
        raise


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise BadInput(f"`{name}` given {len(values)} times; give it once", {"param": name})
    return values[0] if values else None


async def _body(request: Request) -> bytes:
    limit = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body over {limit} bytes", {"maxBytes": limit})
    return await capped_body(request)  # an undeclared or understated length is cut at the limit too


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadInput("the request body is not UTF-8", {"offset": e.start}) from None


async def _dispatch(request: Request, params: dict[str, list[str]], text: str | None) -> Response:
    if "update" in params:
        raise Forbidden("SPARQL updates are not accepted: this endpoint is read-only", {"param": "update"})
    if text is None:
        text = _one(params, "query")
    if text is None:
        raise BadInput("missing `query` parameter (SPARQL 1.1 Protocol)", {"param": "query"})
    return await run_query(request, text, default_graphs=params.get("default-graph-uri", []),
                           named_graphs=params.get("named-graph-uri", []), format_param=_one(params, "format"))


def _url_params(request: Request) -> dict[str, list[str]]:
    # the raw query string (building request.url would cost more than the parse)
    return urllib.parse.parse_qs(request.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)


@router.head("/sparql", include_in_schema=False)
@router.get("/sparql", response_class=Response,
                  summary="SPARQL 1.1 query (GET ?query=); without a query, the Service Description")
async def sparql_get(request: Request) -> Response:
    params = _url_params(request)
    if not params:
        return await service_description(request)
    answer = await _dispatch(request, params, None)
    if request.method == "HEAD":  # the same status and headers as GET, without the body
        return Response(status_code=answer.status_code, headers={k: v for k, v in answer.headers.items()
                                                                 if k.lower() != "content-length"})
    return answer


@router.post("/sparql", summary="SPARQL 1.1 query (POST form or application/sparql-query)", response_class=Response)
async def sparql_post(request: Request) -> Response:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    params = _url_params(request)
    if ctype == "application/sparql-update":
        raise Forbidden("SPARQL updates are not accepted: this endpoint is read-only", {"contentType": ctype})
    if ctype == "application/x-www-form-urlencoded":
        form = urllib.parse.parse_qs(_decode(await _body(request)), keep_blank_values=True)
        if "query" in params:
            raise BadInput("`query` must be in the form body, not the URL, of a form POST", {"param": "query"})
        for k, v in form.items():
            params.setdefault(k, []).extend(v)
        return await _dispatch(request, params, None)
    if ctype == "application/sparql-query":
        return await _dispatch(request, params, _decode(await _body(request)))
    raise UnsupportedMediaType(
        "POST a query as application/x-www-form-urlencoded or application/sparql-query",
        {"contentType": ctype or None},
    )


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
async def sparql_other(request: Request) -> Response:
    return JSONResponse({"error": f"method {request.method} not allowed on /sparql (read-only)", "detail": None},
                        status_code=405, headers={"Allow": ALLOW})


@router.options("/sparql", include_in_schema=False)
async def sparql_options() -> Response:
    return Response(status_code=204, headers={
        **CORS, "Allow": ALLOW, "Access-Control-Allow-Methods": ALLOW,
        "Access-Control-Allow-Headers": "Accept, Content-Type", "Access-Control-Max-Age": "86400",
    })
