"""The dataset describes itself: /ontology (the vocabulary: HTML, Turtle, JSON-LD), /.well-known/void
(VoID), the SPARQL 1.1 Service Description at /sparql, and /dump.nq (the public dataset, with its SHA-256).

Everything here reads the corpus graphs only and is cached per corpus version.
"""
from __future__ import annotations

import hashlib
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from policykg.api import openapi
from policykg.api.provenance import wants_html
from policykg.namespaces import PREFIXES
from policykg.provenance import vocabulary
from policykg.sparql import negotiate
from policykg.store import VERSION_Q, is_corpus_graph
from policykg.web import render

router = APIRouter(tags=["dataset"])

VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
DATASET = "https://w3id.org/policykg/dataset"
ONTOLOGY = "https://w3id.org/policykg/ontology"
VOCABULARIES = ["https://w3id.org/policykg/ontology#", "http://data.europa.eu/eli/ontology#",
                "http://www.w3.org/ns/prov#", "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/shacl#",
                "http://purl.org/dc/terms/", "http://www.w3.org/ns/org#"]
# one document, one clause, one measure, one shape of the corpus, read from the store
EXAMPLES_Q = """PREFIX eli: <http://data.europa.eu/eli/ontology#> PREFIX pkg: <https://w3id.org/policykg/ontology#>
SELECT ?x WHERE { { SELECT ?x { ?x a eli:LegalResource ; pkg:inCorpus true } ORDER BY ?x LIMIT 1 }
  UNION { SELECT ?x { ?x a eli:LegalResourceSubdivision ; eli:is_part_of/pkg:inCorpus true } ORDER BY ?x LIMIT 1 }
  UNION { SELECT ?x { ?x pkg:slug ?s ; pkg:definedIn ?d } ORDER BY ?x LIMIT 1 } }"""
RESULT_FORMATS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _cached(request: Request, key: str, build: Any) -> Any:
    """`build(store)` once per corpus version (the store's version triple)."""
    store = request.app.state.store
    rows = store.select(VERSION_Q)
    version = rows[0]["v"].value if rows else ""
    cache = request.app.state.__dict__.setdefault("dataset_cache", {})
    if cache.get(key, (None,))[0] != version:
        cache[key] = (version, build(store))
    return cache[key][1]


def _public_graphs(store: Any) -> list[str]:
    if hasattr(store, "corpus_graphs"):  # listed, not a scan of every registry graph
        return sorted(g.value for g in store.corpus_graphs())
    return sorted(g for g in store.named_graphs() if is_corpus_graph(g))


def _dump(store: Any) -> tuple[bytes, str]:
    quads = sorted((q for g in _public_graphs(store) for q in store.graph_quads(g)), key=str)
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    return data, hashlib.sha256(data).hexdigest()


def _graph_answer(request: Request, triples: list[ox.Triple]) -> Response:
    fmt = negotiate("CONSTRUCT", request.headers.get("accept"), request.query_params.get("format"))
    prefixes = {**PREFIXES, "void": VOID, "sd": SD} if fmt.key in ("turtle", "rdfxml") else None
    body = ox.serialize(triples, format=fmt.engine, prefixes=prefixes) if prefixes else ox.serialize(triples, format=fmt.engine)
    return Response(b"" if request.method == "HEAD" else body, media_type=fmt.media_type,
                    headers={"Access-Control-Allow-Origin": "*", "Vary": "Accept"})


# -- /ontology -----------------------------------------------------------------------------
@router.head("/ontology", include_in_schema=False)
@router.get("/ontology", summary="The vocabulary: every class and property "
                  "with zh/en labels, comment, domain, range, unit (HTML, or Turtle/JSON-LD by Accept)",
             response_class=Response, responses=openapi.answers("text/html", *openapi.GRAPH_TYPES))
async def ontology(request: Request) -> Response:
    if wants_html(request) and request.query_params.get("format") is None:
        terms = await run_in_threadpool(_cached, request, "vocabulary", lambda s: vocabulary(s, dict(PREFIXES)))
        return render("ontology.html", request=request, terms=terms, prefixes=PREFIXES)
    quads = await run_in_threadpool(_cached, request, "ontology-triples",
                                    lambda s: s.graph_quads("https://w3id.org/policykg/graph/ontology"))
    return _graph_answer(request, sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str))


# -- VoID --------------------------------------------------------------------------------------
def _void(store: Any, base: str) -> list[ox.Triple]:
    d = _n(DATASET)
    graphs = {g: len(store.graph_quads(g)) for g in _public_graphs(store)}
    t = [ox.Triple(d, RDF_TYPE, _n(VOID + "Dataset")),
         ox.Triple(d, _n(DCT + "title"), ox.Literal("policykg：北京城市更新与产业支持政策知识图谱", language="zh")),
         ox.Triple(d, _n(DCT + "title"), ox.Literal("policykg: Beijing urban-renewal and industrial-support policies",
                                                   language="en")),
         ox.Triple(d, _n(VOID + "sparqlEndpoint"), _n(base + "sparql")),
         ox.Triple(d, _n(VOID + "dataDump"), _n(base + "dump.nq")),
         ox.Triple(d, _n(VOID + "uriSpace"), ox.Literal("https://w3id.org/policykg/")),
         ox.Triple(d, _n(VOID + "triples"), ox.Literal(str(sum(graphs.values())), datatype=_n(XSD + "integer"))),
         ox.Triple(d, _n(DCT + "conformsTo"), _n(ONTOLOGY))]
    t += [ox.Triple(d, _n(VOID + "vocabulary"), _n(v)) for v in VOCABULARIES]
    t += [ox.Triple(d, _n(VOID + "exampleResource"), r["x"]) for r in store.select(EXAMPLES_Q)]
    for g, n in graphs.items():
        sub = _n(g + "#void")
        t += [ox.Triple(d, _n(VOID + "subset"), sub), ox.Triple(sub, RDF_TYPE, _n(VOID + "Dataset")),
              ox.Triple(sub, _n(SD + "name"), _n(g)),
              ox.Triple(sub, _n(VOID + "triples"), ox.Literal(str(n), datatype=_n(XSD + "integer")))]
    return t


@router.head("/.well-known/void", include_in_schema=False)
@router.get("/.well-known/void", summary="VoID description of the public dataset", response_class=Response,
            responses=openapi.answers(*openapi.GRAPH_TYPES))
async def void(request: Request) -> Response:
    base = str(request.base_url)
    triples = await run_in_threadpool(_cached, request, "void:" + base, lambda s: _void(s, base))
    return _graph_answer(request, triples)


@router.head("/dump.nq", include_in_schema=False)
@router.get("/dump.nq", summary="The public dataset (corpus graphs) as N-Quads; "
                  "its SHA-256 is in X-Content-SHA256 and at /dump.nq.sha256",
             response_class=Response, responses=openapi.answers("application/n-quads"))
async def dump(request: Request) -> Response:
    data, digest = await run_in_threadpool(_cached, request, "dump", _dump)
    return Response(b"" if request.method == "HEAD" else data, media_type="application/n-quads",
                    headers={"X-Content-SHA256": digest, "Content-Disposition": 'attachment; filename="policykg.nq"'})


@router.get("/dump.nq.sha256", summary="The SHA-256 of /dump.nq, as sha256sum prints it", response_class=Response,
            responses=openapi.answers("text/plain"))
async def dump_sha256(request: Request) -> Response:
    _, digest = await run_in_threadpool(_cached, request, "dump", _dump)
    return Response(f"{digest}  policykg.nq\n", media_type="text/plain")


# -- SPARQL 1.1 Service Description -------------------------------------------------------------
def _service(store: Any, base: str) -> list[ox.Triple]:
    s, dd = _n(base + "sparql"), ox.BlankNode("defaultDataset")
    t = [ox.Triple(s, RDF_TYPE, _n(SD + "Service")),
         ox.Triple(s, _n(SD + "endpoint"), s),
         ox.Triple(s, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
         ox.Triple(s, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
         ox.Triple(s, _n(SD + "defaultDataset"), dd),
         ox.Triple(dd, RDF_TYPE, _n(SD + "Dataset")),
         ox.Triple(dd, _n(VOID + "inDataset"), _n(DATASET))]
    t += [ox.Triple(s, _n(SD + "resultFormat"), _n("http://www.w3.org/ns/formats/" + f)) for f in RESULT_FORMATS]
    for g in _public_graphs(store):
        ng = ox.BlankNode("g" + hashlib.sha256(g.encode()).hexdigest()[:16])
        t += [ox.Triple(dd, _n(SD + "namedGraph"), ng), ox.Triple(ng, _n(SD + "name"), _n(g))]
    return t


async def service_description(request: Request) -> Response:
    """GET /sparql with no query: what the endpoint is (SPARQL 1.1 Service Description §3)."""
    base = str(request.base_url)
    triples = await run_in_threadpool(_cached, request, "sd:" + base, lambda st: _service(st, base))
    return _graph_answer(request, triples)
