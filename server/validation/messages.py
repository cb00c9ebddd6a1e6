"""From a SHACL report graph to the JSON results, with the messages' placeholders filled.

pySHACL does not substitute {$value} in the messages of core constraints; SPARQL
constraints get {?var} filled by pySHACL but leave unbound ones. Here every remaining
{$value} / {?value} becomes the result's value (or "未填写" / "not given"), {pkg:x} the
focus node's values of pkg:x and {rdf:type} its types, each shown in the language of
the message (labels of concepts, measures and properties; 是/否 for booleans).
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from policykg.namespaces import PKG, PREFIXES, SH
from policykg.validation.bundle import Bundle

SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
MISSING = {"zh": "未填写", "en": "not given"}
BOOL = {"zh": ("是", "否"), "en": ("yes", "no")}
PLACEHOLDER = re.compile(r"\{([$?]value|[$?]this|pkg:[A-Za-z0-9_]+|rdf:type)\}")
NUMERIC = {XSD.decimal, XSD.integer, XSD.double, XSD.float, XSD.int, XSD.long}


def show(b: Bundle, v: Node, lang: str) -> str:
    if isinstance(v, Literal):
        if v.datatype == XSD.boolean:
            return BOOL[lang][0] if v.toPython() is True else BOOL[lang][1]
        if v.datatype in NUMERIC:
            try:
                return format(Decimal(str(v)).normalize(), "f")
            except ArithmeticError:
                return str(v)
        return str(v)
    if isinstance(v, URIRef):
        return b.label(v, lang) or str(v)
    return str(v)


def show_all(b: Bundle, vals: list[Node], lang: str) -> str:
    if not vals:
        return MISSING[lang]
    return ("、" if lang == "zh" else ", ").join(sorted(show(b, v, lang) for v in vals))


def fill(b: Bundle, text: str, lang: str, data: Graph, focus: Node, value: Node | None,
         path: Node | None) -> str:
    def one(m: re.Match[str]) -> str:
        key = m.group(1)
        if key in ("$value", "?value"):
            if value is not None:
                return show(b, value, lang)
            vals = list(data.objects(focus, path)) if isinstance(path, URIRef) else []
            return show_all(b, vals, lang)
        if key in ("$this", "?this"):
            return show(b, focus, lang)
        if key == "rdf:type":
            return show_all(b, list(data.objects(focus, RDF.type)), lang)
        return show_all(b, list(data.objects(focus, PKG[key[4:]] if hasattr(PKG, key[4:]) else
                                             URIRef(PREFIXES["pkg"] + key[4:]))), lang)

    return tidy_numbers(PLACEHOLDER.sub(one, text))


def messages(shapes: Graph, report: Graph, r: Node, shape: Node) -> dict[str, str]:
    """The result's messages by language: sh:resultMessage, else the shape's sh:message. pySHACL drops the
    language tag of the messages it fills from a SPARQL solution: those are matched to the templates."""
    templates = [m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)]
    constraint = report.value(r, SH.sourceConstraint)
    templates += [m for m in shapes.objects(constraint, SH.message) if isinstance(m, Literal)] if constraint else []
    out: dict[str, str] = {}
    for m in list(report.objects(r, SH.resultMessage)) or templates:
        if not isinstance(m, Literal):
            continue
        lang = m.language or next((t.language for t in templates if _matches(str(t), str(m))), None)
        out.setdefault(lang or "en", str(m))
    return out


def _matches(template: str, text: str) -> bool:
    parts = re.split(r"\{[$?][A-Za-z_][A-Za-z0-9_]*\}", template)
    return re.fullmatch(".*?".join(re.escape(p) for p in parts), text, re.DOTALL) is not None


DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d*?)0+(?![\d.])")


def tidy_numbers(text: str) -> str:
    """2400.00 -> 2400, 0.150 -> 0.15: the engines write decimals with different trailing zeros."""
    return DECIMAL.sub(lambda m: m.group(1) + ("." + m.group(2) if m.group(2) else ""), text)


def clause_ref(b: Bundle, store: Any, shape: Node) -> dict[str, Any] | None:
    from policykg.provenance import catalog

    clauses = b.shape_clauses.get(shape)  # type: ignore[arg-type]
    if not clauses:
        return None
    c = str(clauses[0])
    ref = catalog(store).clause_ref(c) or {}
    return {"iri": c, "documentNumber": ref.get("documentNumber"), "documentLabel": ref.get("documentLabel"),
            "label": ref.get("fullLabel") or ref.get("label"),
            "text": b.clause_text.get(c), "document": ref.get("document")}


def results(b: Bundle, store: Any, shapes: Graph, report: Graph, data: Graph) -> list[dict[str, Any]]:
    """The top-level results of `report` (never nested sh:detail), messages filled, sorted for stable output."""
    out = []
    top = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
    for r in report.objects(top, SH.result):
        shape = report.value(r, SH.sourceShape)
        focus = report.value(r, SH.focusNode)
        value = report.value(r, SH.value)
        path = report.value(r, SH.resultPath)
        msgs = {lang: fill(b, t, lang, data, focus, value, path) for lang, t in messages(shapes, report, r, shape).items()}
        out.append({
            "severity": SEVERITY.get(report.value(r, SH.resultSeverity), "Violation"),
            "message": {"zh": msgs.get("zh") or msgs.get("en", ""), "en": msgs.get("en") or msgs.get("zh", "")},
            "focusNode": str(focus) if focus is not None else None,
            "path": str(path) if isinstance(path, URIRef) else None,
            "value": term_json(value),
            "sourceShape": str(shape),
            "sourceConstraintComponent": str(report.value(r, SH.sourceConstraintComponent) or ""),
            "clause": clause_ref(b, store, shape),
            "_node": r,
        })
    out.sort(key=lambda x: (x["sourceShape"], x["focusNode"] or "", str(x["value"]), x["message"]["en"]))
    return out


def term_json(v: Node | None) -> Any:
    if v is None:
        return None
    if isinstance(v, Literal):
        py = v.toPython()
        if isinstance(py, bool):
            return py
        if v.datatype in NUMERIC and not v.ill_typed:  # "lots"^^xsd:decimal stays text, never a 500
            num = float(v) if v.datatype != XSD.integer else int(v)
            return num if math.isfinite(num) else str(v)  # NaN / INF are not JSON
        return str(v)
    return str(v)


def enrich(report: Graph, res: list[dict[str, Any]]) -> Graph:
    """The report graph with filled messages and each result linked to its clause (prov:wasDerivedFrom)."""
    prov = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    for x in res:
        r = x.pop("_node")
        report.remove((r, SH.resultMessage, None))
        for lang in ("zh", "en"):
            report.add((r, SH.resultMessage, Literal(x["message"][lang], lang=lang)))
        if x["clause"]:
            report.add((r, prov, URIRef(x["clause"]["iri"])))
    return report
