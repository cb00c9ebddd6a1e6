"""Documents, clauses and measures one by one (docs/api.md): JSON, or HTML for browsers.

Ids: a document slug (`jfgg-2023-12`), an IRI path (`doc/jfgg/2023/12`, `doc/jfgg/2023/12/2/4/1`),
a slug followed by a clause path (`jfgg-2023-12/2/4/1`), a measure slug, or `?iri=` a full IRI.
An unknown id is a 404 `{error, detail}`. `Accept: application/json` (or `?format=json`) gives
JSON; a browser (`Accept: text/html…`) gets the page.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from policykg.errors import BadInput
from policykg.provenance import (
    catalog,
    clause_detail,
    document_detail,
    kind_of,
    kinds,
    list_measures,
    measure_detail,
    resolve,
    search_clauses,
    trace,
)
from policykg.web import page_url

ONTOLOGY_NS = "https://w3id.org/policykg/ontology#"
router = APIRouter(prefix="/api", tags=["provenance"])


def wants_html(request: Request) -> bool:
    fmt = request.query_params.get("format")
    if fmt in ("json", "html"):
        return fmt == "html"
    accept = request.headers.get("accept", "").lower()
    if "text/html" not in accept:
        return False
    json_at = accept.find("application/json")
    return json_at < 0 or accept.find("text/html") < json_at


def _id(ident: str | None, iri: str | None) -> str:
    if iri:
        return iri
    if not ident:
        raise BadInput("give an id in the path or ?iri=", None)
    return ident


def _respond(request: Request, data: Any, template: str, **ctx: Any) -> Response:
    if wants_html(request):
        from policykg.web import render

        return render(template, request=request, data=data, **ctx)
    return JSONResponse(data)


@router.get("/documents/{ident:path}", summary="One document: metadata, validity, citations, clause tree")
def get_document(request: Request, ident: str, iri: str | None = Query(None)) -> Response:
    store = request.app.state.store
    data = document_detail(store, resolve(store, _id(ident, iri), "document"))
    return _respond(request, data, "document.html")


@router.get("/clauses", summary="One clause by ?iri=")
def get_clause_by_iri(request: Request, iri: str = Query(...)) -> Response:
    return get_clause(request, "", iri)


@router.get("/clauses/{ident:path}", summary="One clause: verbatim text, place, what derives from it")
def get_clause(request: Request, ident: str, iri: str | None = Query(None)) -> Response:
    store = request.app.state.store
    data = clause_detail(store, resolve(store, _id(ident, iri), "clause"))
    return _respond(request, data, "clause.html")


@router.get("/measures", summary="Every support measure with its parameters and clause")
def get_measures(request: Request, projectType: str | None = Query(None),  # noqa: N803 (JSON name)
                 document: str | None = Query(None)) -> Response:
    store = request.app.state.store
    doc = resolve(store, document, "document") if document else None
    data = list_measures(store, projectType, doc)
    return _respond(request, data, "measures.html", projectType=projectType, cat=catalog(store))


@router.get("/measures/{ident:path}", summary="One measure: parameters, criteria, exclusivity, comparison")
def get_measure(request: Request, ident: str, iri: str | None = Query(None)) -> Response:
    store = request.app.state.store
    data = measure_detail(store, resolve(store, _id(ident, iri), "measure"))
    return _respond(request, data, "measure.html", cat=catalog(store))


@router.get("/search", summary="Clauses whose verbatim text contains q (Chinese substring search)")
def search(request: Request, q: str = Query("", max_length=200)) -> Response:
    data = search_clauses(request.app.state.store, q)
    return _respond(request, data, "search.html", q=q)


@router.get("/trace/{ident:path}", summary="The chain from a measure or clause to its document and authority")
def get_trace(request: Request, ident: str) -> dict:
    return trace(request.app.state.store, ident)


@router.get("/resolve", summary="Redirect any corpus IRI to the page that shows it")
def resolve_iri(request: Request, iri: str = Query(..., max_length=500)) -> Response:
    store = request.app.state.store
    if iri.startswith(ONTOLOGY_NS) and len(iri) > len(ONTOLOGY_NS):  # a vocabulary term: its entry on /ontology
        return RedirectResponse("/ontology#" + quote(iri[len(ONTOLOGY_NS):], safe=""), status_code=303)
    ks = kinds(store, iri)
    kind = kind_of(ks) if ks else None
    if kind in ("document", "clause", "measure", "query"):
        return RedirectResponse(page_url(iri, kind), status_code=303)
    target = resolve(store, iri)  # NotFound for anything unknown
    rows = store.select("SELECT ?x ?c WHERE { ?x <http://www.w3.org/ns/prov#wasDerivedFrom> ?c }",
                        {"x": _node(target)})
    if rows:  # a criterion, shape, rule…: show the clause it comes from
        return RedirectResponse(page_url(rows[0]["c"].value, "clause"), status_code=303)
    raise BadInput("this resource has no page", {"iri": iri, "kind": kind})


def _node(iri: str) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(iri)
