"""The tool pages: the sources with line anchors, validation, SPARQL, and the pictures.

Validation and SPARQL go through the public API in-process (tools.call_api), so these
pages show exactly what a client of POST /api/validate, /api/eligibility, /sparql and
/api/queries gets; if one of those modules is not installed the page says so.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from policykg.errors import BadInput, NotFound
from policykg.namespaces import BASE
from policykg.provenance import PFX, list_measures
from policykg.sparql import load_library
from policykg.web import editor, pictures
from policykg.web.eligibility_view import arrange
from policykg.web.formspec import build_groups
from policykg.web.pages import render
from policykg.web.tools import (
    ANY_RESULT,
    FORMATS,
    REQUEST_ROWS,
    ApiAnswer,
    call_api,
    form_to_submission,
    graph_table,
    guess_format,
    has_route,
    is_graph,
    with_labels,
    with_truncation,
)

router = APIRouter(include_in_schema=False)
LINES_Q = PFX + "SELECT ?f ?c ?line WHERE { ?c pkg:sourceFile ?f ; pkg:sourceLine ?line }"
RESULT_TYPES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                "ntriples": "application/n-triples", "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml"}
EXT = {"json": "srj", "xml": "srx", "csv": "csv", "tsv": "tsv", "turtle": "ttl", "ntriples": "nt",
       "jsonld": "jsonld", "rdfxml": "rdf"}
MAX_UPLOAD = 2 * 1024 * 1024


def _root(request: Request) -> Path:
    return Path(request.app.state.settings.corpus_root)


@router.get("/sources/{name}", response_class=HTMLResponse)
def source(request: Request, name: str, start: int | None = Query(None, alias="from"),
           end: int | None = Query(None, alias="to")) -> HTMLResponse:
    """The verbatim source text, one anchor per line (#L12), the cited lines highlighted."""
    folder = _root(request) / "policies" / "sources"
    files = {p.name: p for p in folder.glob("*.txt")}
    if name not in files:
        raise NotFound(f"no source file {name!r}", {"file": name, "known": sorted(files)})
    lines = files[name].read_text(encoding="utf-8").split("\n")
    starts: dict[int, str] = {}
    from policykg.provenance import pyval

    for r in request.app.state.store.select(LINES_Q, {"f": _lit(name)}):
        starts.setdefault(int(pyval(r["line"])), r["c"].value)
    return render("source.html", name=name, lines=lines, start=start or 0, end=end or start or 0, starts=starts)


def _lit(s: str) -> Any:
    import pyoxigraph as ox

    return ox.Literal(s)


# -- validation ----------------------------------------------------------------------------
def _validation_ctx(request: Request) -> dict[str, Any]:
    cat_measures = [m for m in list_measures(request.app.state.store) if m["projectTypes"]]
    from policykg.provenance import catalog

    cat = catalog(request.app.state.store)
    return {"formats": FORMATS, "measures": cat_measures, "request_rows": REQUEST_ROWS,
            "field_groups": build_groups(request.app.state.store, cat),
            "available": {"validate": has_route(request, "/api/validate", "POST"),
                          "eligibility": has_route(request, "/api/eligibility", "POST")}}


@router.get("/validate", response_class=HTMLResponse)
def validate_page(request: Request) -> HTMLResponse:
    return render("validate.html", mode="text", text="", fmt="auto", form={}, **_validation_ctx(request))


@router.post("/validate", response_class=HTMLResponse)
async def validate_submit(request: Request) -> HTMLResponse:
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    mode = fields.get("mode", "text")
    if mode == "form":
        text, fmt = json.dumps(form_to_submission(fields), ensure_ascii=False, indent=2), "json"
    else:
        text = fields.get("text", "")
        upload = form.get("file")
        if upload is not None and not isinstance(upload, str) and upload.filename:
            raw = await upload.read(MAX_UPLOAD + 1)
            if len(raw) > MAX_UPLOAD:
                raise BadInput("upload too large", {"max": MAX_UPLOAD})
            text = raw.decode("utf-8", "replace")
        fmt = fields.get("format", "auto")
    real_fmt = guess_format(text) if fmt not in FORMATS else fmt
    ctype = FORMATS[real_fmt][0]
    ctx = _validation_ctx(request)
    report = elig = None
    errors: list[str] = []
    if not text.strip():
        errors.append("请粘贴、上传或填写申报 paste, upload or fill in a submission")
    elif not ctx["available"]["validate"]:
        errors.append("校验接口未安装 the /api/validate module is not installed")
    else:
        hdrs = {"content-type": ctype, "accept": "application/json"}
        ans = await call_api(request, "POST", "/api/validate", text.encode(), hdrs)
        if ans.ok:
            report = ans.json()
        else:
            errors.append(f"校验 validation ({ans.status}): {ans.error}")
        if ctx["available"]["eligibility"]:
            ans = await call_api(request, "POST", "/api/eligibility", text.encode(), hdrs)
            if ans.ok:
                elig = ans.json()
            elif not errors:
                errors.append(f"资格 eligibility ({ans.status}): {ans.error}")
    if isinstance(elig, dict):
        _enrich_eligibility(request, elig)
    groups: dict[str, list[dict[str, Any]]] = {}
    for res in (report or {}).get("results", []) if isinstance(report, dict) else []:
        clause = res.get("clause") or {}
        groups.setdefault(clause.get("documentLabel") or clause.get("documentNumber") or "（未关联条款 no clause）",
                          []).append(res)
    return render("validate.html", mode=mode, text=text, fmt=fmt, form=fields, ctype=ctype, report=report,
                  groups=groups, elig=elig, errors=errors, **ctx)


def _enrich_eligibility(request: Request, elig: dict[str, Any]) -> None:
    from policykg.provenance import catalog

    arrange(elig, catalog(request.app.state.store))


@router.post("/validate/report")
async def validate_report(request: Request) -> Response:
    """The report of a submission as a download: JSON (with the eligibility) or the SHACL report in Turtle."""
    form = await request.form()
    text, ctype, fmt = str(form.get("text", "")), str(form.get("ctype", "application/json")), str(form.get("as", "json"))
    if ctype not in {v[0] for v in FORMATS.values()}:
        raise BadInput("unknown content type", {"ctype": ctype})
    accept = "text/turtle" if fmt == "turtle" else "application/json"
    ans = await call_api(request, "POST", "/api/validate", text.encode(), {"content-type": ctype, "accept": accept})
    if not ans.ok:
        auth = {"WWW-Authenticate": 'Bearer realm="policykg"'} if ans.status == 401 else None
        return Response(ans.body, status_code=ans.status, media_type="application/json", headers=auth)
    body = ans.body
    if fmt == "json":
        el = await call_api(request, "POST", "/api/eligibility", text.encode(), {"content-type": ctype,
                                                                                "accept": "application/json"})
        body = json.dumps({"validation": ans.json(), "eligibility": el.json() if el.ok else None},
                          ensure_ascii=False, indent=2).encode()
    name = "report.ttl" if fmt == "turtle" else "report.json"
    return Response(body, media_type=accept, headers={"content-disposition": f'attachment; filename="{name}"'})


# -- SPARQL --------------------------------------------------------------------------------
@router.get("/query", response_class=HTMLResponse)
async def query_page(request: Request, name: str | None = None, run: int = 0, query: str | None = None) -> HTMLResponse:
    """The library and the editor; `?query=…&run=1` is a permalink that reproduces a query and its results."""
    library = load_library(_root(request))
    chosen = library.get(name) if name else None
    if name and chosen is None:
        raise NotFound(f"no query {name!r}", {"name": name, "known": sorted(library)})
    params = {k[2:]: v for k, v in request.query_params.items() if k.startswith("p_")}  # "" = unbound
    result, error, status = None, None, 200
    if chosen is None and query is not None:
        if run:
            result, error = await _run_text(request, query)
        return _editor_page(request, library, query, result, error, run=bool(run))
    if chosen is not None and run:
        if not has_route(request, f"/api/queries/{chosen.name}"):
            error = "查询库接口未安装 the /api/queries module is not installed"
        else:
            ans = await call_api(request, "GET", f"/api/queries/{chosen.name}", query=params,
                                 headers={"accept": ANY_RESULT})
            result, error = _answer(ans, request.app.state.store)
            if ans.status in (401, 403):  # a registry query: the page answers like the API (applicants' data)
                status = ans.status
    return library_page(request, library, chosen, params, result, error, status)


def library_page(request: Request, library: dict, chosen: Any, params: dict[str, str], result: Any,
                 error: str | None, status: int = 200) -> HTMLResponse:
    """The page of a library query (a registry query's 401/403 answered as such, with its challenge)."""
    text = "\n".join(ln for ln in chosen.text.splitlines() if not ln.startswith("#+")).strip() if chosen else ""
    page = render("query.html", status=status, library=library, chosen=chosen, params=params, text=text,
                  choices=_choices(request), result=result, error=error, sparql=has_route(request, "/sparql", "POST"),
                  formats=RESULT_TYPES, editor=editor.config(library, request.app.state.store))
    if status == 401:
        page.headers["WWW-Authenticate"] = 'Bearer realm="policykg"'
    return page


def _choices(request: Request) -> dict[str, list[tuple[str, str]]]:
    """Values a parameter field can offer: concepts by scheme, and the documents (as IRI paths)."""
    from policykg.provenance import catalog

    cat = catalog(request.app.state.store)
    out: dict[str, list[tuple[str, str]]] = {}
    for iri, c in sorted(cat.concepts.items()):
        scheme = iri.split("/concept/", 1)[-1].rsplit("/", 1)[0] if "/concept/" in iri else ""
        if scheme and c.get("notation"):
            out.setdefault(scheme, []).append((c["notation"], f"{c.get('zh') or ''} {c.get('en') or ''}".strip()))
    out["document"] = sorted((iri.removeprefix(BASE), f"{d.get('number') or ''} {d.get('title') or ''}".strip())
                             for iri, d in cat.docs.items() if d.get("inCorpus"))
    return out


@router.post("/query", response_class=HTMLResponse)
async def query_run(request: Request) -> HTMLResponse:
    form = await request.form()
    text = str(form.get("query", ""))
    result, error = await _run_text(request, text)
    return _editor_page(request, load_library(_root(request)), text, result, error, run=True)


async def _run_text(request: Request, text: str) -> tuple[Any, str | None]:
    if not has_route(request, "/sparql", "POST"):
        return None, "SPARQL 端点未安装 the /sparql module is not installed"
    if not text.strip():
        return None, None
    ans = await call_api(request, "POST", "/sparql", text.encode(), {"content-type": "application/sparql-query",
                                                                    "accept": ANY_RESULT})
    return _answer(ans, request.app.state.store)


def _editor_page(request: Request, library: dict, text: str, result: Any, error: str | None, run: bool) -> HTMLResponse:
    return render("query.html", library=library, chosen=None, params={}, text=text, result=result, error=error,
                  sparql=has_route(request, "/sparql", "POST"), formats=RESULT_TYPES,
                  editor=editor.config(library, request.app.state.store),
                  permalink=editor.permalink(text) if text.strip() else None, run=run)


@router.get("/query/prefixes.json")
async def query_prefixes() -> Response:
    """Our prefixes, in prefix.cc's shape, for the editor's PREFIX completion (nothing is asked of prefix.cc)."""
    return Response(json.dumps(editor.config_prefixes(), ensure_ascii=False), media_type="application/json")


@router.api_route("/query/download", methods=["GET", "POST"])
async def query_download(request: Request) -> Response:
    data = dict(request.query_params)
    if "token" in data:
        raise BadInput("send the token in the form body or an Authorization header, never in a URL", {"param": "token"})
    if request.method == "POST":
        data.update({k: v for k, v in (await request.form()).items() if isinstance(v, str)})
    fmt = data.get("format", "csv")
    if fmt not in RESULT_TYPES:
        raise BadInput("unknown format", {"format": fmt, "known": sorted(RESULT_TYPES)})
    headers = {"accept": RESULT_TYPES[fmt]}
    if data.get("token", "").strip():  # a registry query's page: the token typed into its form
        headers["authorization"] = f"Bearer {data['token'].strip()}"
    if data.get("name"):
        params = {k[2:]: v for k, v in data.items() if k.startswith("p_")}
        ans = await call_api(request, "GET", f"/api/queries/{data['name']}", query=params, headers=headers)
    else:
        headers["content-type"] = "application/sparql-query"
        ans = await call_api(request, "POST", "/sparql", data.get("query", "").encode(), headers)
    if not ans.ok:
        auth = {"WWW-Authenticate": 'Bearer realm="policykg"'} if ans.status == 401 else None
        return Response(ans.body, status_code=ans.status, media_type="application/json", headers=auth)
    filename = f"{data.get('name') or 'results'}.{EXT[fmt]}"
    return Response(ans.body, media_type=ans.content_type or RESULT_TYPES[fmt],
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


def _answer(ans: ApiAnswer, store: Any) -> tuple[dict[str, Any] | None, str | None]:
    """(result, error) of an endpoint answer: a table of solutions, or of triples for CONSTRUCT/DESCRIBE,
    with labels beside IRIs and whether it was truncated."""
    if not ans.ok:
        return None, f"{ans.status}: {ans.error}"
    return with_truncation(ans, with_labels(store, graph_table(ans.body) if is_graph(ans) else table(ans.json()))), None


def table(data: Any) -> dict[str, Any]:
    """SPARQL JSON results (possibly wrapped in an object) as {columns, rows} of {value, type}."""
    if isinstance(data, dict) and "head" not in data:
        inner = next((v for v in data.values() if isinstance(v, dict) and "head" in v), None)
        if inner is not None:
            data = inner
        elif isinstance(data.get("rows"), list):
            data = data["rows"]
    if isinstance(data, dict) and "boolean" in data:
        return {"boolean": data["boolean"], "columns": [], "rows": []}
    if isinstance(data, dict) and "head" in data:
        cols = data["head"].get("vars", [])
        rows = [[b.get(c) for c in cols] for b in data.get("results", {}).get("bindings", [])]
        return {"columns": cols, "rows": rows}
    if isinstance(data, list) and data and isinstance(data[0], dict):
        cols = list(dict.fromkeys(k for row in data for k in row))
        return {"columns": cols, "rows": [[_cell(row.get(c)) for c in cols] for row in data]}
    return {"columns": [], "rows": [], "raw": json.dumps(data, ensure_ascii=False)[:5000]}


def _cell(v: Any) -> dict[str, Any] | None:
    if v is None or isinstance(v, dict):
        return v
    s = str(v)
    return {"type": "uri" if s.startswith(("http://", "https://")) else "literal", "value": s}


# -- pictures ------------------------------------------------------------------------------
@router.get("/graph", response_class=HTMLResponse)
def graph_page(request: Request) -> HTMLResponse:
    store = request.app.state.store
    return render("graph.html", g=pictures.citation_graph(store), mx=pictures.measures_matrix(store))


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request) -> HTMLResponse:
    return render("timeline.html", t=pictures.timeline(request.app.state.store))
