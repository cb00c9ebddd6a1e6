"""GET /api/queries and GET /api/queries/{name}?param=…: the named query library (docs/api.md).

The library is the folder queries/ (one .rq per question, strict `#+ ` header).
Running one binds its parameters as typed terms (never spliced) and answers like
/sparql does: the same engine serialisation, content negotiation (`Accept`, or
`format=` for browsers), time limit and row cap. A concept parameter must name a
concept of its scheme (400 otherwise, with the known slugs). A query reads the corpus
graphs only, as on /sparql, unless its header says `dataset: corpus+registry` (the
curated registry-*.rq queries): those also read the registry's awards and
submissions, and say so in their metadata (`"dataset"` in GET /api/queries).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from policykg.access import AUTH_RESPONSES, OPTIONAL_TOKEN, authorize_async, bearer
from policykg.api.sparql import run_query
from policykg.errors import BadInput, NotFound
from policykg.sparql import NamedQuery, load_library

router = APIRouter(prefix="/api", tags=["queries"])
RESERVED = {"format"}  # query-string keys that are not query parameters
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
    return await run_query(request, q.text, bindings=bindings, format_param=request.query_params.get("format"),
                           registry=q.reads_registry)
