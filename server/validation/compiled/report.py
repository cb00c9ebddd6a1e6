"""Results of the compiled validator as the JSON results of messages.results, and the report graph on demand.

The JSON results (messages filled, clauses attached, sorted) are built directly from the
plain results; the rdflib report graph – what the Turtle answer and the registry's stored
record need – is written only when `Outcome.report_graph` is read (engine.LazyReportOutcome), with
the same triples as the pySHACL report after engine.validate has enriched it.
"""
from __future__ import annotations

from typing import Any

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import SimpleMemory

from policykg.namespaces import PKG, SH
from policykg.validation.bundle import Bundle
from policykg.validation.compiled.facts import Facts
from policykg.validation.compiled.validator import Raw, Validator
from policykg.validation.messages import SEVERITY, _matches, clause_ref, fill, term_json

PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")


def _by_lang(texts: list[Literal], templates: list[Literal]) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in texts or templates:
        lang = m.language or next((t.language for t in templates if _matches(str(t), str(m))), None)
        out.setdefault(lang or "en", str(m))
    return out


def results(b: Bundle, store: Any, v: Validator, f: Facts, raw: list[Raw]) -> list[tuple[dict[str, Any], Raw]]:
    out = []
    for r in raw:
        msgs = {lang: fill(b, t, lang, f, r.focus, r.value, r.path)  # type: ignore[arg-type]
                for lang, t in _by_lang(r.messages, r.messages).items()}
        if r.shape not in v.clauses:
            v.clauses[r.shape] = clause_ref(b, store, r.shape)
        clause = v.clauses[r.shape]
        out.append(({
            "severity": SEVERITY.get(r.severity, "Violation"),
            "message": {"zh": msgs.get("zh") or msgs.get("en", ""), "en": msgs.get("en") or msgs.get("zh", "")},
            "focusNode": str(r.focus),
            "path": str(r.path) if isinstance(r.path, URIRef) else None,
            "value": term_json(r.value),
            "sourceShape": str(r.shape),
            "sourceConstraintComponent": str(r.component),
            "clause": dict(clause) if isinstance(clause, dict) else None,
        }, r))
    out.sort(key=lambda x: (x[0]["sourceShape"], x[0]["focusNode"] or "", str(x[0]["value"]),
                            x[0]["message"]["en"]))
    return out


def report_graph(b: Bundle, pairs: list[tuple[dict[str, Any], Raw]], conforms: bool) -> Graph:
    """The enriched SHACL report of engine.validate, written from the plain results."""
    g = Graph(store=SimpleMemory())  # no contexts: adds and reads ×2 faster, the same Graph API
    top = BNode()
    g.add((top, RDF.type, SH.ValidationReport))
    g.add((top, SH.conforms, Literal(conforms)))
    g.add((top, PKG.shapesVersion, Literal(b.version)))
    for x, r in pairs:
        n = BNode()
        g.add((top, SH.result, n))
        g.add((n, RDF.type, SH.ValidationResult))
        g.add((n, SH.focusNode, r.focus))
        g.add((n, SH.sourceShape, r.shape))
        g.add((n, SH.sourceConstraintComponent, r.component))
        g.add((n, SH.resultSeverity, r.severity))
        if r.constraint is not None:
            g.add((n, SH.sourceConstraint, r.constraint))
        if r.value is not None:
            g.add((n, SH.value, r.value))
        if r.path is not None:
            g.add((n, SH.resultPath, r.path))
            if isinstance(r.path, BNode):  # a sequence path: its list, as pySHACL copies it
                for t in _list_triples(b.shapes, r.path):
                    g.add(t)
        for lang in ("zh", "en"):
            g.add((n, SH.resultMessage, Literal(x["message"][lang], lang=lang)))
        if x["clause"]:
            g.add((n, PROV_DERIVED, URIRef(x["clause"]["iri"])))
    return g


def _list_triples(shapes: Graph, head: BNode) -> list[tuple[Any, Any, Any]]:
    out, node = [], head
    while node is not None and node != RDF.nil:
        out += list(shapes.triples((node, None, None)))
        node = shapes.value(node, RDF.rest)
    return out
