"""The `checked` object of the JSON report, read from the report graph's pkg:checked scopes (validation_checked),
or made from the scopes themselves (checked_data, engine="compiled": no graph is written for a JSON answer).

The Turtle report and the JSON say the same (tests/validation/test_checked_data.py), and a caller that
adds findings to an outcome's graph (the registry) keeps what was checked. One submission: its scope's fields;
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
    return combine([scope_json(report, n, lang) for n in report.objects(top, PKG.checked)] if top is not None else [])


def combine(scopes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The `checked` object of one or several submissions' scopes."""
    scopes = sorted(scopes, key=lambda x: x["focusNode"])
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


def _pick(written: list[tuple[str, str]], lang: str) -> str | None:
    """As _text reads language-tagged literals: `lang`, else zh, else any."""
    vals = [t for lg, t in written if lg == lang] or [t for lg, t in written if lg == "zh"] or [t for _lg, t in written]
    return vals[0] if vals else None


def _doc_data(b: Any, d: Any, day: str, lang: str) -> dict[str, Any]:
    zh, en = b.label(d.iri, "zh"), b.label(d.iri, "en")
    titles = ([("zh", zh)] if zh else []) + ([("en", en)] if en and en != zh else [])
    start, end = (d.start.isoformat() if d.start else None), (d.end.isoformat() if d.end else None)
    state = "not-yet-in-force" if start and day < start else "expired" if end and day > end else "in-force"
    return {"iri": str(d.iri), "number": d.number or None, "title": _pick(titles, lang), "validFrom": start,
            "validUntil": end, "validityClause": str(d.clause) if d.clause is not None else None, "state": state}


def scope_data(b: Any, c: Any, lang: str) -> dict[str, Any]:
    """scope_json of the scope `c` (validation/checked.Checked) without its graph."""
    day = c.as_of.isoformat()
    out_iris = {d.iri for d in c.not_in_force}
    measures = []
    for m, by_type in sorted(c.measures, key=lambda x: str(x[0])):
        own = [(p, o) for s, p, o in b.context.get(m, ()) if s == m and p in (PKG.slug, RDFS.label, PKG.definedIn)]
        slug = next((str(o) for p, o in own if p == PKG.slug and isinstance(o, Literal)), None)
        labels = [(o.language or "", str(o)) for p, o in own if p == RDFS.label and isinstance(o, Literal)]
        doc = next((o for p, o in own if p == PKG.definedIn), None)
        measures.append({"iri": str(m), "slug": slug, "label": _pick(labels, lang) if labels else None,
                         "document": str(doc) if doc is not None else None,
                         "documentInForce": doc is None or doc not in out_iris,
                         "how": "application" if by_type else "requested"})
    return {
        "focusNode": str(c.focus),
        "submissionTypes": sorted(str(t).rsplit("#", 1)[-1] for t in c.types),
        "asOf": day, "asOfSource": c.source,
        "documentsInForce": [_doc_data(b, d, day, lang) for d in sorted(c.in_force, key=lambda d: str(d.iri))],
        "documentsNotInForce": [_doc_data(b, d, day, lang) for d in sorted(c.not_in_force, key=lambda d: str(d.iri))],
        "measuresEvaluated": measures,
        "shapesApplied": c.shapes, "rulesInForceApplied": c.rules_in_force, "status": c.status,
    }


def checked_data(b: Any, scopes: list[Any], lang: str = "zh") -> dict[str, Any] | None:
    """checked_json of a report on which `scopes` were written (checked_graph.to_graph), without the graph."""
    return combine([scope_data(b, c, lang) for c in scopes])
