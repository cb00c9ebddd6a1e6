"""Support measures as data: parameters, criteria, exclusivity, the clause each comes from.

`GET /api/measures` (docs/api.md) is `list_measures`; the measure page adds the
criteria, the exclusivity rules and the other documents' measures for the same
project types (`measure_detail`). Money in 万元, rates as decimals.
"""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from policykg.errors import NotFound
from policykg.provenance.catalog import PROV, RDFS, Catalog, P, Props, catalog, describe, kind_of, props_of
from policykg.provenance.words import condition

MEASURES_WHERE = "WHERE { ?x a/rdfs:subClassOf* pkg:SupportMeasure BIND(?x AS ?root) }"
CRITERIA_WHERE = "WHERE { ?root a/rdfs:subClassOf* pkg:SupportMeasure ; pkg:hasCriterion/pkg:alternative* ?x }"
RULES_WHERE = "WHERE { ?x pkg:member|pkg:appliesToMeasure ?root }"
NUMBERS = ["rate", "cap", "floor", "capPerYear", "maxYears", "durationYears", "thresholdValue"]
TEXTS = ["kind", "capScope", "comparator", "unit", "relativeTo", "allowedLiteral"]
FLAGS = ["rateIsMaximum", "softened", "machineCheckable", "requiredValue"]


def _local(iri: str | None) -> str | None:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if iri else None


def parameters(props: Props, cat: Catalog, iri: str | None = None) -> dict[str, Any]:
    """The data of a measure, criterion or rule, with the keys of docs/api.md for measures."""
    out: dict[str, Any] = {}
    for k in NUMBERS + TEXTS + FLAGS:
        out[k] = props.one(P + k)
    pts = [cat.concept(c) for c in props.all(P + "appliesToProjectType")]
    clause = props.one(PROV + "wasDerivedFrom")
    doc = props.one(P + "definedIn") or (cat.doc_of(clause) if clause else None)
    ref = cat.clause_ref(clause) or {}
    out.update(
        projectTypes=sorted(p["notation"] or p["iri"] for p in pts),
        projectTypeLabels=[p["zh"] or p["notation"] for p in sorted(pts, key=lambda p: p["notation"] or "")],
        perUnit=props.one(P + "perUnitAmount"), perUnitOf=props.one(P + "perUnit"),
        perUnitBase=_local(props.one(P + "perUnitBase")), rateBase=_local(props.one(P + "rateBase")),
        onProperty=_local(props.one(P + "onProperty")),
        allowedValues=[cat.concept(v)["notation"] or _local(v) for v in props.all(P + "allowedValue")],
        allowedValueLabels=[cat.concept(v)["zh"] or cat.concept(v)["notation"] or _local(v)
                            for v in props.all(P + "allowedValue")],
        allowedValueLabelsEn=[cat.concept(v)["en"] or cat.concept(v)["notation"] or _local(v)
                              for v in props.all(P + "allowedValue")],
        thresholdProperty=_local(props.one(P + "thresholdProperty")),
        supportDescription=props.one(P + "supportDescription", "zh"),
        supportDescriptionEn=props.one(P + "supportDescription", "en"),
        exclusiveWith=sorted(props.all(P + "exclusiveWith")),
        criteria=sorted(props.all(P + "hasCriterion")), alternatives=sorted(props.all(P + "alternative")),
        members=sorted(props.all(P + "member")), appliesToMeasure=sorted(props.all(P + "appliesToMeasure")),
        excludesFunding=props.one(P + "excludesFunding", "zh"),
        notCheckableReason=props.one(P + "notCheckableReason", "en"),
        ambiguity=props.one(P + "ambiguity", "zh"), ambiguityEn=props.one(P + "ambiguity", "en"),
        chosenReading=props.one(P + "chosenReading", "en"),
        ambiguities=cat.ambiguities.get(iri or "", []),  # each with its own chosen reading
        document=doc, documentNumber=(cat.docs.get(doc) or {}).get("number"),
        documentTitle=(cat.docs.get(doc) or {}).get("title"),
        clause=clause, clauseLabel=ref.get("fullLabel"), clauses=sorted(props.all(PROV + "wasDerivedFrom")),
        documentLabel=cat.doc_label(doc),
    )
    if out.get("machineCheckable") is not False:
        out.update(checks=condition(out, cat.property_labels, "zh"), checksEn=condition(out, cat.property_labels, "en"))
    return out


def _measure(iri: str, props: Props, cat: Catalog) -> dict[str, Any]:
    m = {"iri": iri, "slug": props.one(P + "slug"), "label": props.one(RDFS + "label", "zh"),
         "labelEn": props.one(RDFS + "label", "en"), "category": kind_of(props.types)}
    m.update(parameters(props, cat, iri))
    return m


def list_measures(store: Any, project_type: str | None = None, document: str | None = None) -> list[dict[str, Any]]:
    """Every support measure (optionally of one project type slug or one document IRI), in document order."""
    cat = catalog(store)
    crit = describe(store, CRITERIA_WHERE)
    out = []
    for iri, props in describe(store, MEASURES_WHERE).items():
        m = _measure(iri, props, cat)
        if project_type and project_type not in m["projectTypes"]:
            continue
        if document and m["document"] != document:
            continue
        m["criteriaDetail"] = [_criterion(c, crit.get(c), cat) for c in m["criteria"]]
        out.append(m)
    order = {d: i for i, d in enumerate(cat.docs)}
    out.sort(key=lambda m: (m["documentNumber"] is None, m["documentNumber"] or "", m["clause"] or "",
                            order.get(m["document"], 0), m["iri"]))
    return out


def _criterion(iri: str, props: Props | None, cat: Catalog) -> dict[str, Any]:
    if props is None:
        return {"iri": iri, "label": None}
    c = {"iri": iri, "label": props.one(RDFS + "label", "zh"), "labelEn": props.one(RDFS + "label", "en"),
         "type": _local(next(iter(t for t in props.types if t.startswith(P) and t != P + "Criterion"
                                  and t != P + "Provision"), None))}
    c.update({k: v for k, v in parameters(props, cat, iri).items() if v not in (None, [], "")})
    c["clauseRef"] = cat.clause_ref(c.get("clause"))
    return c


def measure_detail(store: Any, iri: str) -> dict[str, Any]:
    """One measure with criteria, exclusivity rules and the same project types' measures elsewhere."""
    cat = catalog(store)
    root = {"root": ox.NamedNode(iri)}
    props = props_of(store, iri)
    if kind_of(props.types) != "measure":
        raise NotFound(f"no measure {iri!r}", {"iri": iri})
    m = _measure(iri, props, cat)
    crit = describe(store, CRITERIA_WHERE, root)
    m["criteriaDetail"] = [_criterion(c, crit.get(c), cat) for c in m["criteria"]]
    m["alternativesDetail"] = {c: [_criterion(a, crit.get(a), cat) for a in crit[c].all(P + "alternative")]
                               for c in crit if crit[c].all(P + "alternative")}
    m["clauseRefs"] = [cat.clause_ref(c) for c in m["clauses"]]
    m["rules"] = [_criterion(r, p, cat) for r, p in describe(store, RULES_WHERE, root).items()]
    everything = list_measures(store)
    by_iri = {x["iri"]: x for x in everything}
    m["exclusiveWithDetail"] = [by_iri.get(x) or {"iri": x, "label": None} for x in m["exclusiveWith"]]
    types = set(m["projectTypes"])
    same = [x for x in everything if x["iri"] != iri and types & set(x["projectTypes"])]
    m["sameProjectType"] = sorted(same, key=lambda x: x["document"] == m["document"])  # other documents first
    m["texts"] = {c: t for c, t in clause_texts(store, m["clauses"] + [c["clause"] for c in m["criteriaDetail"]
                                                                      if c.get("clause")])}
    return m


TEXT_Q = "SELECT ?c ?text WHERE { ?c <" + PROV + "value> ?text }"


def clause_texts(store: Any, iris: list[str]) -> list[tuple[str, str]]:
    out = []
    for c in dict.fromkeys(iris):
        rows = store.select(TEXT_Q, {"c": ox.NamedNode(c)})
        if rows:
            out.append((c, rows[0]["text"].value))
    return out


def measures_by_type(store: Any) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """project-type slug -> document IRI -> measures: the matrix of the measures picture."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for m in list_measures(store):
        for pt in m["projectTypes"] or ["(none)"]:
            out.setdefault(pt, {}).setdefault(m["document"] or "", []).append(m)
    return out


__all__ = ["list_measures", "measure_detail", "measures_by_type", "parameters", "clause_texts"]
