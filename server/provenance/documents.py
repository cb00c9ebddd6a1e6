"""Documents and what derives from a clause: the lists and summaries the pages and the API show."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from policykg.provenance.catalog import (
    ANOMALY_Q,
    DCT,
    DERIVED_Q,
    DERIVED_WHERE,
    DOCS_Q,
    ELI,
    RDFS,
    SEP,
    SH,
    Catalog,
    P,
    Props,
    _v,
    describe,
    kind_of,
    props_of,
    pyval,
)
from policykg.provenance.measures import parameters
from policykg.provenance.words import fill

_LISTED: dict[tuple[int, str], list[dict[str, Any]]] = {}


def list_documents(store: Any) -> list[dict[str, Any]]:
    """Every document with its number, title, validity, authorities and clause count (per corpus version: the
    answer is kept, a copy of it returned)."""
    from policykg.corpus import store_version

    key = (id(getattr(store, "base", store)), store_version(store))
    if key not in _LISTED:
        if len(_LISTED) > 4:
            _LISTED.clear()
        _LISTED[key] = _list_documents(store)
    return [dict(d, authorities=list(d["authorities"])) for d in _LISTED[key]]


def _list_documents(store: Any) -> list[dict[str, Any]]:
    out = []
    for r in store.select(DOCS_Q):
        auths = _v(r, "auths")
        out.append(
            {
                "iri": _v(r, "doc"),
                "slug": _v(r, "slug"),
                "number": _v(r, "number"),
                "title": _v(r, "title"),
                "issued": _v(r, "issued"),
                "inForceFrom": _v(r, "from"),
                "inForceUntil": _v(r, "until"),
                "noEndDateStated": pyval(r.get("noEnd")) is True,
                "authorities": sorted(auths.split(SEP)) if auths else [],
                "clauseCount": int(_v(r, "clauses") or 0),
            }
        )
    return out


def summarize(iri: str, props: Props, cat: Catalog) -> dict[str, Any]:
    """One derived thing (measure, criterion, shape, query, …) as a small dict."""
    k = kind_of(props.types)
    out: dict[str, Any] = {"iri": iri, "category": k,
                           "label": props.one(RDFS + "label", "zh") or props.one(SH + "name", "zh")
                           or props.one(DCT + "title") or props.one(P + "slug"),
                           "labelEn": props.one(RDFS + "label", "en") or props.one(SH + "name", "en"),
                           "slug": props.one(P + "slug")}
    if k == "shape":  # the message with its placeholders in words: a page never shows `{$value}`
        out.update(message=fill(props.one(SH + "message", "zh"), "zh"), messageEn=fill(props.one(SH + "message", "en"), "en"),
                   severity=(props.one(SH + "severity") or "").rsplit("#", 1)[-1] or None,
                   encodes=sorted(props.all(P + "encodesProvision")))
    elif k == "query":
        out.update(name=props.one(DCT + "identifier"), description=props.one(DCT + "description"))
    elif k == "document":
        out.update(label=(cat.docs.get(iri) or {}).get("number") or props.one(ELI + "title", "zh"))
    if k in ("measure", "criterion", "target", "constraint", "rule", "provision"):
        out.update(parameters(props, cat, iri))
    return {k: v for k, v in out.items() if v not in (None, [], "") or k in ("iri", "category", "label")}


def derived(store: Any, root: str, cat: Catalog) -> list[dict[str, Any]]:
    """What derives from `root` or any clause under it, each with the clause it cites (`clause`)."""
    rb = {"root": ox.NamedNode(root)}
    via: dict[str, tuple[str, str, str]] = {}
    for r in store.select(DERIVED_Q, rb):
        x0 = pyval(r["x0"])
        x = pyval(r["owner"]) if r.get("owner") is not None else x0
        via.setdefault(x, (x0, r["c"].value, r["rel"].value.rsplit("#", 1)[-1]))
    props = describe(store, DERIVED_WHERE, rb)
    out = []
    for x, (x0, c, rel) in via.items():
        if x.startswith("_:") or x not in props:
            continue
        merged = Props(props.get(x0, {}))  # a property shape's message, its node shape's IRI and name
        for k, v in props[x].items():
            merged.setdefault(k, v)
        item = summarize(x, merged, cat)
        item.update(fromClause=cat.clause_ref(c), relation=rel, direct=(c == root))
        out.append(item)
    by_iri = {d["iri"]: d for d in out}
    for d in out:  # a shape checks what the provisions it encodes say, in their words
        if d["category"] == "shape":
            ws = [by_iri.get(e) or summarize(e, props_of(store, e), cat) for e in d.pop("encodes", [])]
            either = any(w.get("alternatives") for w in ws)  # an OR: any one of its alternatives
            for key, sep in (("checks", "；或 " if either else "；"), ("checksEn", "; or " if either else "; ")):
                text = sep.join(dict.fromkeys(w[key] for w in ws if w.get(key)))
                if text:
                    d[key] = text
    order = ["measure", "criterion", "constraint", "target", "rule", "shape", "query", "document"]
    out.sort(key=lambda d: (order.index(d["category"]) if d["category"] in order else 99, d["iri"]))
    return out


def anomalies(store: Any, root: str, cat: Catalog) -> list[dict[str, Any]]:
    """Source anomalies (duplicate label, missing number) of `root` and every clause under it."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in store.select(ANOMALY_Q, {"root": ox.NamedNode(root)}):
        a = out.setdefault((r["on"].value, pyval(r["a"])), {
            "iri": pyval(r["a"]), "kind": _v(r, "kind"), "missingLabel": _v(r, "missing"),
            "comment": None, "commentEn": None, "on": cat.clause_ref(r["on"].value)})
        c = r.get("comment")
        if c is not None:
            a["commentEn" if getattr(c, "language", None) == "en" else "comment"] = c.value
    return sorted(out.values(), key=lambda a: (a["on"]["iri"], a["iri"]))
