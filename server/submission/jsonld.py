"""JSON-LD other than the JSON form: parsed with rdflib, but never with a @context fetched (docs/architecture.md (security)).

Every @context in the document must be ours – named by its URL, replaced here by the object we
hold – or inline and self-contained; any other URL, or an @import, is refused (403) before
rdflib sees the document.
"""
from __future__ import annotations

import json
from typing import Any

import rdflib

from policykg.corpus import PolicyIndex
from policykg.errors import Forbidden
from policykg.submission.jsonform import CONTEXT, CONTEXT_URL, is_json_form, json_to_graph


def _safe_contexts(obj: Any) -> Any:
    """A copy of JSON-LD `obj` in which every @context is ours (URL replaced by the object) or inline and
    self-contained; any other URL or an @import raises Forbidden, so nothing is ever fetched."""
    if isinstance(obj, list):
        return [_safe_contexts(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out = {}
    for k, v in obj.items():
        if k == "@context":
            out[k] = _safe_context_value(v)
        else:
            out[k] = _safe_contexts(v)
    return out


def _safe_context_value(v: Any) -> Any:
    if v is None:
        return v
    if isinstance(v, str):
        if v == CONTEXT_URL:
            return CONTEXT["@context"]
        raise Forbidden("remote @context is not fetched: only the policykg context is accepted",
                        {"field": "@context", "value": v, "allowed": CONTEXT_URL})
    if isinstance(v, list):
        return [_safe_context_value(x) for x in v]
    if isinstance(v, dict):
        if "@import" in v:
            raise Forbidden("@import in a @context is not accepted", {"field": "@context.@import"})
        return {k: _safe_contexts(x) if isinstance(x, dict) else x for k, x in v.items()}
    raise Forbidden("malformed @context", {"field": "@context"})


def safe_jsonld_graph(data: Any) -> rdflib.Graph:
    """Plain JSON-LD (full IRIs, or our context by URL) as a graph; never fetches a @context."""
    g = rdflib.Graph()
    g.parse(data=json.dumps(_safe_contexts(data), ensure_ascii=False), format="json-ld")
    return g


def jsonld_to_graph(data: Any) -> rdflib.Graph:
    """Plain JSON-LD (full IRIs, or our context by URL) as a graph; never fetches a @context."""
    return safe_jsonld_graph(data)


def submission_graph(data: Any, index: PolicyIndex) -> rdflib.Graph:
    """Either route: the JSON form (checked field by field) or JSON-LD."""
    return json_to_graph(data, index) if is_json_form(data) else jsonld_to_graph(data)
