"""The `checked` object of the JSON report, read from the report graph's pkg:checked scopes (validation_checked).

The report graph is the one source: the Turtle report and the JSON say the same, and a caller that
adds findings to an outcome (the registry) keeps what was checked. One submission: its scope's fields;
several: the union of their documents and measures, the date when they share it, and `submissions`.
"""
from __future__ import annotations

from typing import Any

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from policykg.namespaces import ELI, PKG, SH


def _text(g: Graph, s: Node, p: URIRef, lang: str | None = None) -> str | None:
    vals = [o for o in g.objects(s, p) if isinstance(o, Literal)]
    if lang:
        vals = [o for o in vals if o.language == lang] or [o for o in vals if o.language == "zh"] or vals
    return str(vals[0]) if vals else None


def _detail(g: Graph, n: Node, p: URIRef, key: URIRef, iri: Node) -> Node:
    """The scope's detail node about `iri` (the node itself when there is none)."""
    return next((x for x in g.objects(n, p) if g.value(x, key) == iri), iri)


def _doc(g: Graph, n: Node, d: Node, day: str, lang: str) -> dict[str, Any]:
    x = _detail(g, n, PKG.documentDetail, PKG.document, d)
    start, end = _text(g, x, ELI.first_date_entry_in_force), _text(g, x, ELI.date_no_longer_in_force)
    out = {"iri": str(d), "number": _text(g, x, ELI.id_local), "title": _text(g, x, ELI.title, lang),
           "validFrom": start, "validUntil": end, "validityClause": _text_iri(g, x, PKG.validityDerivedFrom)}
    if start and day < start:
        out["state"] = "not-yet-in-force"
    elif end and day > end:
        out["state"] = "expired"
    else:
        out["state"] = "in-force"
    return out


def _text_iri(g: Graph, s: Node, p: URIRef) -> str | None:
    o = g.value(s, p)
    return str(o) if o is not None else None


def scope_json(g: Graph, n: Node, lang: str) -> dict[str, Any]:
    day = _text(g, n, PKG.asOf) or ""
    by_type = set(g.objects(n, PKG.measureByApplication))
    docs_in = sorted(g.objects(n, PKG.documentInForce), key=str)
    docs_out = sorted(g.objects(n, PKG.documentNotInForce), key=str)
    measures = []
    for m in sorted(g.objects(n, PKG.measureEvaluated), key=str):
        x = _detail(g, n, PKG.measureDetail, PKG.measure, m)
        doc = g.value(x, PKG.definedIn)
        measures.append({"iri": str(m), "slug": _text(g, x, PKG.slug), "label": _text(g, x, RDFS.label, lang),
                         "document": str(doc) if doc is not None else None,
                         "documentInForce": doc is None or doc not in docs_out,
                         "how": "application" if m in by_type else "requested"})
    return {
        "focusNode": str(g.value(n, SH.focusNode)),
        "submissionTypes": sorted(str(t).rsplit("#", 1)[-1] for t in g.objects(n, PKG.submissionType)),
        "asOf": day, "asOfSource": _text(g, n, PKG.asOfSource),
        "documentsInForce": [_doc(g, n, d, day, lang) for d in docs_in],
        "documentsNotInForce": [_doc(g, n, d, day, lang) for d in docs_out],
        "measuresEvaluated": measures,
        "shapesApplied": int(g.value(n, PKG.shapesApplied) or 0),
        "rulesInForceApplied": int(g.value(n, PKG.rulesInForceApplied) or 0),
        "status": _text(g, n, PKG.validationStatus),
    }


def checked_json(report: Graph, lang: str = "zh") -> dict[str, Any] | None:
    top = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
    scopes = sorted((scope_json(report, n, lang) for n in report.objects(top, PKG.checked)),
                    key=lambda x: x["focusNode"]) if top is not None else []
    if not scopes:
        return None
    if len(scopes) == 1:
        return {**scopes[0], "submissions": scopes}

    def union(key: str) -> list[dict[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        for s in scopes:
            for x in s[key]:
                seen.setdefault(x["iri"], x)
        return [seen[k] for k in sorted(seen)]

    dates = {s["asOf"] for s in scopes}
    return {"focusNode": None, "submissionTypes": sorted({t for s in scopes for t in s["submissionTypes"]}),
            "asOf": dates.pop() if len(dates) == 1 else None,
            "asOfSource": scopes[0]["asOfSource"] if len({s["asOfSource"] for s in scopes}) == 1 else "per-submission",
            "documentsInForce": union("documentsInForce"), "documentsNotInForce": union("documentsNotInForce"),
            "measuresEvaluated": union("measuresEvaluated"),
            "shapesApplied": sum(s["shapesApplied"] for s in scopes),
            "rulesInForceApplied": sum(s["rulesInForceApplied"] for s in scopes),
            "status": "not-evaluated" if any(s["status"] == "not-evaluated" for s in scopes) else "evaluated",
            "submissions": scopes}
