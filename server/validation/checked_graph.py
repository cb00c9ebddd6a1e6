"""What was checked, written on a SHACL report graph (the Turtle/JSON-LD report and the registry's stored record):
the not-evaluated findings as sh:result, the scopes as pkg:checked (validation/checked.py computes them as plain
data; validation/checked_json.py reads them back from a graph, or from the data)."""
from __future__ import annotations

from datetime import date
from typing import Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from policykg.namespaces import ELI, PKG, PROV, SH
from policykg.validation.bundle import Bundle
from policykg.validation.checked import NOT_EVALUATED, Checked, Doc, account_data


def add_finding(report: Graph, f: dict[str, Any]) -> None:
    top = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
    if top is None:
        return
    r = BNode()
    report.add((top, SH.result, r))
    report.add((r, RDF.type, SH.ValidationResult))
    report.add((r, SH.focusNode, URIRef(f["focusNode"])))
    report.add((r, SH.value, Literal(f["value"], datatype=XSD.date)))
    report.add((r, SH.sourceShape, URIRef(f["sourceShape"])))
    report.add((r, SH.sourceConstraintComponent, NOT_EVALUATED))
    report.add((r, SH.resultSeverity, SH.Violation))
    for lang, text in f["message"].items():
        report.add((r, SH.resultMessage, Literal(text, lang=lang)))
    if f["clause"]:
        report.add((r, PROV.wasDerivedFrom, URIRef(f["clause"]["iri"])))


def to_graph(report: Graph, b: Bundle, checked: list[Checked]) -> None:
    """The checked scopes as pkg: triples on the report (the Turtle report says what was checked)."""
    top = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
    if top is None:
        return
    for c in checked:
        n = BNode()
        report.add((top, PKG.checked, n))
        report.add((n, RDF.type, PKG.CheckedScope))
        report.add((n, SH.focusNode, c.focus))
        report.add((n, PKG.asOf, Literal(c.as_of.isoformat(), datatype=XSD.date)))
        report.add((n, PKG.asOfSource, Literal(c.source)))
        for t in c.types:
            report.add((n, PKG.submissionType, t))
        for p, docs in ((PKG.documentInForce, c.in_force), (PKG.documentNotInForce, c.not_in_force)):
            for d in docs:
                report.add((n, p, d.iri))
                _doc_triples(report, b, n, d)
        for m, by_type in c.measures:
            report.add((n, PKG.measureByApplication if by_type else PKG.measureEvaluated, m))
            if by_type:
                report.add((n, PKG.measureEvaluated, m))
            x = BNode()  # details on a node of the report's own: never statements about the corpus IRI
            report.add((n, PKG.measureDetail, x))
            report.add((x, PKG.measure, m))
            for _s, p, o in b.context.get(m, ()):
                if _s == m and p in (PKG.slug, RDFS.label, PKG.definedIn):
                    report.add((x, p, o))
        report.add((n, PKG.shapesApplied, Literal(c.shapes)))
        report.add((n, PKG.rulesInForceApplied, Literal(c.rules_in_force)))
        report.add((n, PKG.validationStatus, Literal(c.status)))


def _doc_triples(report: Graph, b: Bundle, n: Node, d: Doc) -> None:
    x = BNode()
    report.add((n, PKG.documentDetail, x))
    report.add((x, PKG.document, d.iri))
    if d.number:
        report.add((x, ELI.id_local, Literal(d.number)))
    for lang in ("zh", "en"):
        t = b.label(d.iri, lang)
        if t and (lang == "zh" or t != b.label(d.iri, "zh")):
            report.add((x, ELI.title, Literal(t, lang=lang)))
    if d.start:
        report.add((x, ELI.first_date_entry_in_force, Literal(d.start.isoformat(), datatype=XSD.date)))
    if d.end:
        report.add((x, ELI.date_no_longer_in_force, Literal(d.end.isoformat(), datatype=XSD.date)))
    if d.clause:
        report.add((x, PKG.validityDerivedFrom, d.clause))


def account(store: Any, b: Bundle, data: Graph, dg: Graph, dates: dict[str, str], as_of: date | None,
            report: Graph, res: list[dict[str, Any]], subjects: list[URIRef]) -> list[dict[str, Any]]:
    """account_data for the engines that write a report graph (pySHACL, fast): the findings and the scopes
    written on `report`; the results, sorted."""
    from policykg.validation.targets import focus_nodes, split

    out, scopes, added = account_data(store, b, data, dg, dates, as_of, res, subjects, focus_nodes(split(b), dg))
    for f in added:
        add_finding(report, f)
    to_graph(report, b, scopes)
    return out
