"""GET /api/queries and GET /api/queries/{name}?param=…: the named query library (docs/api.md).

The library is the folder queries/ (one .rq per question, strict `#+ ` header).
Running one binds its parameters as typed terms (never spliced) and answers like
/sparql does: the same engine serialisation, content negotiation (`Accept`, or
`format=` for browsers), time limit and row cap. A concept parameter must name a
concept of its scheme (400 otherwise, with the known slugs). A query reads the corpus
graphs only, as on /sparql, unless its header says `dataset: corpus+registry` (the
curated registry-*.rq queries): those also read the registry's awards and
submissions, and say so in their metadata (`"dataset"` in GET /api/queries).

`limit` and `offset` page an answer (in the query's own order; a full page has a `Link: …; rel="next"`); the
registry's queries are always paged, 1,000 rows a page by default. registry-measure-candidates is
answered on the embedded store from the sieve's index of stored projects (matching/library.py: the same rows,
~0.2 s at 100,000 submissions where the engine takes ~90 s and cannot be stopped).
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from policykg.access import AUTH_RESPONSES, OPTIONAL_TOKEN, authorize_async, bearer
from policykg.api.sparql import run_query
from policykg.errors import BadInput, NotFound
from policykg.matching import library as library_rows
from policykg.sparql import NamedQuery, load_library

router = APIRouter(prefix="/api", tags=["queries"])
RESERVED = {"format", "limit", "offset"}  # query-string keys that are not query parameters
MAX_OFFSET = 10**9
REGISTRY_PAGE = 1000  # rows of a registry query's page when no limit is given (a full one links to the next)
CONCEPTS_Q = """SELECT ?c ?n ?prefix WHERE { ?c <http://www.w3.org/2004/02/skos/core#notation> ?n .
  FILTER(STRSTARTS(STR(?c), ?prefix)) }"""


def library(root: Path) -> dict[str, NamedQuery]:
    files = sorted((root / "queries").glob("*.rq"))
    return _cached(root, tuple((f.name, f.stat().st_mtime_ns) for f in files))


@lru_cache(maxsize=4)
def _cached(root: Path, stamp: tuple[tuple[str, int], ...]) -> dict[str, NamedQuery]:
    return load_library(root)


def _root(request: Request) -> Path:
    return Path(request.app.state.settings.corpus_root)


@router.get("/queries", summary="The named query library: metadata of every query")
def list_queries(request: Request, tag: str | None = None) -> list[dict[str, Any]]:
    queries = library(_root(request)).values()
    return [q.to_json() for q in queries if tag is None or tag in q.tags]


def _check_concepts(request: Request, q: NamedQuery, bindings: dict[str, Any]) -> None:
    """A concept slug that is not a concept of its scheme is a 400 naming the known ones."""
    store = request.app.state.store
    for p in q.params:
        term = bindings.get(p.name)
        if p.type != "concept" or term is None:
            continue
        rows = store.select(CONCEPTS_Q, {"prefix": ox.Literal(term.value.rsplit("/", 1)[0] + "/")})
        known = {r["c"].value: r["n"].value for r in rows}
        if term.value not in known:
            raise BadInput(f"parameter {p.name!r}: {term.value.rsplit('/', 1)[-1]!r} is not a {p.scheme} concept",
                           {"param": p.name, "known": sorted(known.values())})


@router.get("/queries/{name}", summary="Run a named query with its parameters (registry-*: a token)",
            response_class=Response, responses=AUTH_RESPONSES, openapi_extra=OPTIONAL_TOKEN,
            dependencies=[Depends(bearer)])  # declares the scheme; registry-* queries check it below
async def run_named(request: Request, name: str) -> Response:
    q = library(_root(request)).get(name)
    if q is None:
        raise NotFound(f"no query {name!r} in the library", {"name": name})
    if q.reads_registry:  # applicants' data: reviewers, auditors and admins only (401 / 403 otherwise)
        await authorize_async(request, "read-registry")
    given: dict[str, str] = {}
    for k, v in request.query_params.multi_items():
        if k in RESERVED:
            continue
        if k in given:
            raise BadInput(f"parameter {k!r} given more than once", {"param": k})
        given[k] = v
    bindings = q.bindings(given)
    await run_in_threadpool(_check_concepts, request, q, bindings)
    page = _page(request, q.reads_registry)
    store = request.app.state.store
    computed = None
    if name == library_rows.QUERY and library_rows.answers_in_python(store):
        measure, day = bindings["measure"].value, date.fromisoformat(bindings["date"].value)
        computed = lambda job: library_rows.answer(store, measure, day, job, page)  # noqa: E731
    return await run_query(request, q.text, bindings=bindings, format_param=request.query_params.get("format"),
                           registry=q.reads_registry, page=page, computed=computed, reads=q.reads)


def _page(request: Request, registry: bool) -> tuple[int, int] | None:
    """(limit, offset) when asked, or for a registry query (its first page: REGISTRY_PAGE rows)."""
    cap = request.app.state.settings.max_result_rows
    raw = {k: request.query_params.getlist(k) for k in ("limit", "offset")}
    if not registry and not any(raw.values()):
        return None
    out = []
    first = min(REGISTRY_PAGE, cap) if registry else cap
    for k, lo, hi, default in (("limit", 1, cap, first), ("offset", 0, MAX_OFFSET, 0)):
        if len(raw[k]) > 1:
            raise BadInput(f"parameter {k!r} given more than once", {"param": k})
        text = raw[k][0] if raw[k] else str(default)
        if not (text.isascii() and text.isdigit() and len(text) <= 10) or not lo <= int(text) <= hi:
            raise BadInput(f"`{k}` must be an integer from {lo} to {hi}", {"param": k, "min": lo, "max": hi})
        out.append(int(text))
    return out[0], out[1]
