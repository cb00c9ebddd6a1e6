"""The JSON submission form (docs/submission.md) as RDF.

The JSON form is JSON-LD under our own @context (`CONTEXT`, served at GET
/context.jsonld). A submission is checked field by field first (unknown type,
field, slug or measure, wrong JSON type, share outside 0..1 -> UnprocessableInput
naming the field), then normalised (numbers as decimal strings, slugs and
measures as IRIs, `id` as a subject IRI), and its triples written from the field tables (triples.py, the
JSON-LD parser's triples, tested equal); anything outside them is handed to rdflib's JSON-LD parser with
the context object we hold: no @context is ever fetched (docs/architecture.md (security)).
"""
from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

import rdflib

from policykg.corpus import PolicyIndex
from policykg.errors import Forbidden, UnprocessableInput
from policykg.submission.form_tables import (  # noqa: F401 - the tables, re-exported for the form's users
    COMMON,
    CONTEXT,
    CONTEXT_URL,
    DATA,
    DATATYPE,
    NESTED,
    NESTED_CLASS,
    NESTED_PROPERTY,
    PKG,
    PROPERTY,
    RENOVATION,
    TYPES,
    XSD,
)
from policykg.submission.triples import form_graph

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def subject_iri(ident: str) -> str:
    """The stable subject IRI of a JSON `id`: the id percent-encoded under /data/."""
    enc = quote(ident, safe="-_")
    return DATA + (enc.replace(".", "%2E") if enc.strip(".") == "" else enc)


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, fld: str, message: str) -> None:
        self.items.append({"field": fld, "message": message})

    def raise_if_any(self) -> None:
        if self.items:
            first = self.items[0]
            raise UnprocessableInput(f"{first['field']}: {first['message']}", self.items)


def _decimal(v: Any) -> Decimal | None:
    if isinstance(v, bool) or not isinstance(v, (int, float, Decimal)):
        return None
    try:
        d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _dec_text(d: Decimal) -> str:
    """The canonical xsd:decimal form (3000 -> "3000.0", 0.30 -> "0.3"), as Turtle's `3000.0` parses."""
    text = format(d, "f")
    if "." not in text:
        return text + ".0"
    text = text.rstrip("0")
    return text + "0" if text.endswith(".") else text


def _scalar(kind: str, v: Any, fld: str, err: _Errors, index: PolicyIndex) -> Any:
    """The normalised JSON-LD value of one field, or None (with an error recorded)."""
    if kind in ("decimal", "share"):
        d = _decimal(v)
        if d is None:
            err.add(fld, f"must be a number, got {json.dumps(v, ensure_ascii=False)}")
            return None
        if d < 0:
            err.add(fld, f"must not be negative, got {v}")
        if kind == "share" and d > 1:
            err.add(fld, f"is a share, a decimal in 0..1 (30% = 0.3), got {v}")
        return _dec_text(d)
    if kind == "integer":
        d = _decimal(v)
        if d is None or d != d.to_integral_value():
            err.add(fld, f"must be an integer, got {json.dumps(v, ensure_ascii=False)}")
            return None
        return str(int(d))
    if kind == "boolean":
        if not isinstance(v, bool):
            err.add(fld, f"must be true or false, got {json.dumps(v, ensure_ascii=False)}")
        return v
    if kind == "string":
        if not isinstance(v, str):
            err.add(fld, f"must be a string, got {json.dumps(v, ensure_ascii=False)}")
        return v
    if kind == "date":
        if not isinstance(v, str) or not DATE_RE.match(v):
            err.add(fld, f"must be a date YYYY-MM-DD, got {json.dumps(v, ensure_ascii=False)}")
            return None
        try:
            date.fromisoformat(v)
        except ValueError:
            err.add(fld, f"is not a valid date: {v}")
        return v
    if kind.startswith("enum:"):
        allowed = kind[5:].split("|")
        if v not in allowed:
            err.add(fld, f"must be one of {', '.join(allowed)}, got {json.dumps(v, ensure_ascii=False)}")
        return v
    if kind.startswith("concept:"):
        scheme = kind.split(":", 1)[1]
        if not isinstance(v, str) or index.concept(scheme, v) is None:
            known = ", ".join(sorted(index.concepts.get(scheme, {})))
            err.add(fld, f"unknown {scheme} {json.dumps(v, ensure_ascii=False)} (known: {known})")
        return v
    if kind == "measure":
        iri = index.measure(v) if isinstance(v, str) else None
        if iri is None:
            err.add(fld, f"unknown measure {json.dumps(v, ensure_ascii=False)}")
        return iri
    raise AssertionError(kind)  # pragma: no cover - the tables above name every kind


def _nested(kind: str, v: Any, fld: str, err: _Errors, index: PolicyIndex) -> Any:
    if kind.startswith("concepts:"):
        if not isinstance(v, list):
            err.add(fld, "must be a list of slugs")
            return None
        return [_scalar("concept:" + kind.split(":", 1)[1], x, f"{fld}[{i}]", err, index) for i, x in enumerate(v)]
    many = kind in ("requests", "prior", "extensions")
    items = v if many else [v]
    if many and not isinstance(v, list):
        err.add(fld, "must be a list of objects")
        return None
    out = []
    for i, item in enumerate(items):
        where = f"{fld}[{i}]" if many else fld
        if not isinstance(item, dict):
            err.add(where, "must be an object")
            continue
        node: dict[str, Any] = {"type": NESTED_CLASS[kind]}
        spec = NESTED[kind]
        for k, x in item.items():
            if k not in spec:
                err.add(f"{where}.{k}", f"unknown field (known: {', '.join(spec)})")
            elif x is not None:
                node[k] = _scalar(spec[k], x, f"{where}.{k}", err, index)
        if kind == "requests" and "measure" not in item:
            err.add(f"{where}.measure", "is required")
        if kind == "prior" and "measure" not in item and "source" not in item:
            err.add(f"{where}", "needs a measure (slug or IRI) or a source (text)")
        if kind == "prior" and "amount" not in item:
            err.add(f"{where}.amount", "is required")
        out.append(node)
    return out if many else (out[0] if out else None)


def normalise(data: Any, index: PolicyIndex) -> dict[str, Any]:
    """The JSON form checked and rewritten as JSON-LD under CONTEXT (raises UnprocessableInput)."""
    nodes = data if isinstance(data, list) else [data]
    err = _Errors()
    if not nodes or not all(isinstance(n, dict) for n in nodes):
        raise UnprocessableInput("a submission is a JSON object (or a list of objects)", [{"field": "", "message":
                                 "expected an object"}])
    graph = []
    for i, node in enumerate(nodes):
        pre = f"[{i}]." if isinstance(data, list) else ""
        _check_context(node.get("@context"))
        t = node.get("type")
        if t not in TYPES:
            err.add(pre + "type", f"unknown type {json.dumps(t, ensure_ascii=False)} (known: {', '.join(TYPES)})")
            continue
        ident = node.get("id")
        if not isinstance(ident, str) or not ident:
            err.add(pre + "id", "is required: a non-empty string, unique within the submission")
            continue
        fields = {**COMMON, **TYPES[t]}
        out: dict[str, Any] = {"id": subject_iri(ident), "type": t}
        for k, v in node.items():
            if k in ("@context", "id", "type") or v is None:
                continue
            if k not in fields:
                err.add(pre + k, f"unknown field for {t}")
                continue
            kind = fields[k]
            simple = kind in DATATYPE or kind in ("string",) or kind.startswith(("enum:", "concept:"))
            out[k] = _scalar(kind, v, pre + k, err, index) if simple else _nested(kind, v, pre + k, err, index)
        graph.append(out)
    err.raise_if_any()
    return {**CONTEXT, "@graph": graph}


def _check_context(ctx: Any) -> None:
    """Only our own @context, named by its URL or given inline, is accepted (docs/architecture.md (security))."""
    if ctx is None or ctx == CONTEXT_URL or ctx == CONTEXT["@context"] or ctx == CONTEXT:
        return
    raise Forbidden("only the policykg @context is accepted", {"field": "@context", "allowed": CONTEXT_URL})


def json_to_graph(data: Any, index: PolicyIndex) -> rdflib.Graph:
    """The RDF graph of a JSON-form submission (parsed Python JSON)."""
    nodes = data if isinstance(data, list) else [data]
    for i, node in enumerate(nodes):
        t = node.get("type") if isinstance(node, dict) else None
        if t is not None and not isinstance(t, str):  # ["RenovationProject"] is not a type name
            pre = f"[{i}]." if isinstance(data, list) else ""
            raise UnprocessableInput(f"{pre}type: must be one type name (a string), got {json.dumps(t)}",
                                     [{"field": pre + "type", "message": f"must be a string (known: {', '.join(TYPES)})"}])
    doc = normalise(data, index)
    direct = form_graph(doc)  # the JSON-LD parser's triples, without processing the context again (triples.py)
    if direct is not None:
        return direct
    g = rdflib.Graph()
    g.parse(data=json.dumps(doc, ensure_ascii=False), format="json-ld")
    return g


def is_json_form(data: Any) -> bool:
    """True for the JSON form (objects with our `type` names), False for other JSON-LD."""
    nodes = data if isinstance(data, list) else [data]
    return bool(nodes) and all(isinstance(n, dict) and "type" in n and "@type" not in n for n in nodes)
