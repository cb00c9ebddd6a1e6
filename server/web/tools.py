"""Helpers of the tool pages: call our own HTTP API in-process, build a submission from a form.

The validation and SPARQL pages use the public API (docs/api.md) exactly as any
client would — POST /api/validate, /api/eligibility, /sparql, /api/queries — but
in-process through ASGI, so the page renders the answer server-side with Jinja
autoescaping (no user text is ever put into the page by script).
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from policykg.web.formspec import FORM_TYPE, bool_value, form_fields

FORMATS = {  # name -> (Content-Type, label)
    "json": ("application/json", "JSON 表单 JSON form"),
    "jsonld": ("application/ld+json", "JSON-LD"),
    "turtle": ("text/turtle", "Turtle"),
    "ntriples": ("application/n-triples", "N-Triples"),
}
REQUEST_ROWS = 3  # funding-request rows of the form


@dataclass
class ApiAnswer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None

    @property
    def error(self) -> str:
        j = self.json()
        if isinstance(j, dict) and "error" in j:
            detail = j.get("detail")
            return str(j["error"]) + (f" — {json.dumps(detail, ensure_ascii=False)}" if detail else "")
        return self.body.decode("utf-8", "replace")[:500]


async def call_api(request: Request, method: str, path: str, body: bytes = b"",
                   headers: dict[str, str] | None = None, query: dict[str, Any] | None = None) -> ApiAnswer:
    """One request to this same app through ASGI (routing, error handlers and limits included)."""
    headers = dict(headers or {})
    if "authorization" in request.headers and not any(k.lower() == "authorization" for k in headers):
        headers["authorization"] = request.headers["authorization"]  # the page acts for its caller
    hdrs = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    hdrs.append((b"content-length", str(len(body)).encode()))
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode("utf-8"), "root_path": "",
        "query_string": urlencode(query or {}, doseq=True).encode("ascii"), "headers": hdrs,
        "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 80),
    }
    if "state" in request.scope:
        scope["state"] = request.scope["state"]
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    out: dict[str, Any] = {"status": 500, "headers": [], "body": []}

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        # the in-process caller never goes away: wait (a check for a disconnect is cancelled at once and sees none),
        # where answering http.disconnect made a bounded work longer than 0.2 s stop as if the client had left
        await asyncio.Event().wait()
        return {"type": "http.disconnect"}  # pragma: no cover - never reached

    async def send(msg: dict[str, Any]) -> None:
        if msg["type"] == "http.response.start":
            out["status"], out["headers"] = msg["status"], msg.get("headers", [])
        elif msg["type"] == "http.response.body":
            out["body"].append(msg.get("body", b""))

    await request.app(scope, receive, send)
    ctype = next((v.decode("latin-1") for k, v in out["headers"] if k.lower() == b"content-type"), "")
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in out["headers"]}
    return ApiAnswer(out["status"], ctype, b"".join(out["body"]), headers)


def has_route(request: Request, path: str, method: str = "GET") -> bool:
    """Whether a module serving `method path` is installed (the validation and SPARQL modules are separate)."""
    from starlette.routing import Match

    scope = {"type": "http", "path": path, "method": method, "root_path": "", "headers": [], "query_string": b""}
    return any(r.matches(scope)[0] == Match.FULL for r in request.app.routes)


def guess_format(text: str) -> str:
    s = text.lstrip()
    if s.startswith(("{", "[")):
        try:
            data = json.loads(s)
        except json.JSONDecodeError:
            return "json"
        blob = data if isinstance(data, dict) else (data[0] if data and isinstance(data[0], dict) else {})
        return "jsonld" if "@context" in blob or "@graph" in blob or "@id" in blob else "json"
    if s.startswith("<") and "> <" in s.split("\n", 1)[0]:
        return "ntriples"
    return "turtle"


def form_to_submission(form: dict[str, str]) -> dict[str, Any]:
    """The RenovationProject form as the JSON form of docs/submission.md.

    Every field of formspec.form_fields() is read by its kind; empty fields and unset
    declarations (a tri-state checkbox left alone) are left out, never sent as false.
    """
    sub: dict[str, Any] = {"id": (form.get("id") or "web-project").strip(), "type": FORM_TYPE}
    for f, kind in form_fields().items():
        if kind == "boolean":
            b = bool_value(form, f)
            if b is not None:
                sub[f] = b
            continue
        v = form.get(f, "").strip()
        if not v:
            continue
        if kind == "integer":
            try:
                sub[f] = int(v)
            except ValueError:
                sub[f] = v  # the API names the bad field
        elif kind in ("decimal", "share"):
            sub[f] = _number(v)
        else:
            sub[f] = v
    applicant = {k: form[f].strip() for k, f in (("name", "applicantName"), ("creditCode", "creditCode"))
                 if form.get(f, "").strip()}
    if applicant:
        sub["applicant"] = applicant
    requests = []
    for i in range(1, REQUEST_ROWS + 1):
        m, amount = form.get(f"request{i}", "").strip(), form.get(f"amount{i}", "").strip()
        if m:
            requests.append({"measure": m, "amount": _number(amount)})
    if requests:
        sub["requests"] = requests
    prior_src, prior_m = form.get("priorSource", "").strip(), form.get("priorMeasure", "").strip()
    if prior_src or prior_m:
        prior: dict[str, Any] = {"measure": prior_m} if prior_m else {}
        if prior_src:
            prior["source"] = prior_src
        prior["amount"] = _number(form.get("priorAmount", "").strip())
        sub["priorMunicipalFunding"] = [prior]
    return sub


def _number(v: str) -> Any:
    try:
        return float(v) if v else 0
    except ValueError:
        return v


# Both a results type and a graph type: the endpoint picks by the query's form (SELECT/ASK → JSON,
# CONSTRUCT/DESCRIBE → N-Triples), so the page never has to parse the query to know which it is.
ANY_RESULT = "application/sparql-results+json, application/n-triples"


def with_truncation(ans: ApiAnswer, result: dict[str, Any]) -> dict[str, Any]:
    """The result table, marked `truncated` when the endpoint cut the answer (X-Result-Truncated: the
    first rows of a longer answer), so that the page says so."""
    result["truncated"] = ans.headers.get("x-result-truncated") == "true"
    return result


def with_labels(store: Any, result: dict[str, Any], limit: int = 500) -> dict[str, Any]:
    """Each IRI cell of a result table gets `labels` ({zh, en}) where the corpus graphs have them
    (the first `limit` distinct IRIs: a page, not the whole of a 10,000-row answer)."""
    from policykg.provenance import iri_labels

    cells = [c for row in result.get("rows", []) for c in row if isinstance(c, dict) and c.get("type") == "uri"]
    try:
        found = iri_labels(store, list(dict.fromkeys(c["value"] for c in cells))[:limit])
    except ValueError:  # not an IRI the engine can write: no labels rather than no table
        return result
    for c in cells:
        if c["value"] in found:
            c["labels"] = found[c["value"]]
    return result


def is_graph(ans: ApiAnswer) -> bool:
    return ans.content_type.split(";")[0].strip().lower() == "application/n-triples"


def graph_table(body: bytes) -> dict[str, Any]:
    """An N-Triples answer (CONSTRUCT/DESCRIBE) as {graph, columns, rows} of {type, value, xml:lang}."""
    import pyoxigraph as ox

    rows = []
    for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
        rows.append([_term(t.subject), _term(t.predicate), _term(t.object)])
    rows.sort(key=lambda r: tuple(c["value"] for c in r))
    return {"graph": True, "columns": ["subject", "predicate", "object"], "rows": rows}


def _term(t: Any) -> dict[str, Any]:
    import pyoxigraph as ox

    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": "_:" + t.value}
    if isinstance(t, ox.Literal):
        cell: dict[str, Any] = {"type": "literal", "value": t.value}
        if t.language:
            cell["xml:lang"] = t.language
        return cell
    return {"type": "literal", "value": str(t)}  # a quoted triple (RDF-star)
