"""What validation needs from the corpus, built once per corpus version and cached.

The shapes (parsed once from the store's shapes graph, never from user data), the
policy context of every measure (its parameters, labels, document and the document's
dates: the slice a submission gets for the measures it names), labels for messages, and
the clauses every shape derives from.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef
from rdflib.term import Node

from policykg.corpus import SHAPES_GRAPH, store_version
from policykg.namespaces import PREFIXES
from policykg.submission import to_rdflib

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
Triple = tuple[Node, Node, Node]

CONTEXT_Q = PFX + """
SELECT ?m ?s ?p ?o WHERE {
  ?m pkg:slug ?slug ; pkg:kind ?kind ; pkg:definedIn ?doc .
  { ?m ?p ?o .
    VALUES ?p { rdf:type rdfs:label pkg:slug pkg:kind pkg:definedIn pkg:rate pkg:rateBase pkg:perUnitAmount
                pkg:perUnitBase pkg:perUnit pkg:floor pkg:cap pkg:capScope pkg:capPerYear pkg:maxYears
                pkg:rateIsMaximum pkg:exclusiveWith
                pkg:rateProperty pkg:rateCeilingProperty pkg:yearsProperty pkg:ratePart }
    BIND (?m AS ?s) }
  UNION
  { ?s a pkg:SupportCeiling ; pkg:appliesToMeasure ?m ; ?p ?o .
    VALUES ?p { rdf:type pkg:cap pkg:capScope } }
  UNION
  { ?m pkg:ratePart ?s . ?s ?p ?o .
    VALUES ?p { rdf:type pkg:rate pkg:rateBase } }
  UNION
  { ?doc ?p ?o .
    VALUES ?p { eli:id_local eli:first_date_entry_in_force eli:date_no_longer_in_force pkg:slug }
    BIND (?doc AS ?s) }
}"""
LABELS_Q = PFX + """
SELECT ?x ?l WHERE { { ?x rdfs:label ?l } UNION { ?x skos:prefLabel ?l } UNION { ?x eli:title ?l } }"""
CLAUSES_Q = PFX + """
SELECT ?c ?text WHERE { ?c a eli:LegalResourceSubdivision ; prov:value ?text }"""
SUBMISSION_CLASSES_Q = PFX + "SELECT ?c WHERE { ?c rdfs:subClassOf+ pkg:Submission }"


@dataclass
class Bundle:
    version: str
    shapes: Graph
    context: dict[URIRef, list[Triple]] = field(default_factory=dict)  # measure -> its policy context
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # IRI -> lang -> label
    shape_clauses: dict[URIRef, list[URIRef]] = field(default_factory=dict)
    clause_text: dict[str, str] = field(default_factory=dict)
    submission_classes: frozenset[URIRef] = frozenset()
    cache: dict[str, Any] = field(default_factory=dict)  # derived forms (the fast path's split shapes)

    def label(self, iri: object, lang: str) -> str | None:
        ls = self.labels.get(str(iri))
        return None if not ls else ls.get(lang) or ls.get("zh") or next(iter(ls.values()))


_LOCK = threading.Lock()
_BUNDLES: dict[tuple[int, str], Bundle] = {}


def get_bundle(store: Any) -> Bundle:
    """The bundle for `store`'s corpus version (built on first use, then cached)."""
    version = store_version(store)
    key = (id(getattr(store, "base", store)), version)
    with _LOCK:
        b = _BUNDLES.get(key)
        if b is None:
            b = build(store, version)
            if len(_BUNDLES) > 4:
                _BUNDLES.clear()
            _BUNDLES[key] = b
        return b


def build(store: Any, version: str) -> Bundle:
    shapes = Graph()
    for q in store.graph_quads(str(SHAPES_GRAPH)):
        shapes.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    b = Bundle(version, shapes)
    for r in store.select(CONTEXT_Q):
        b.context.setdefault(URIRef(r["m"].value), []).append(
            (to_rdflib(r["s"]), to_rdflib(r["p"]), to_rdflib(r["o"])))
    for r in store.select(LABELS_Q):
        lit = r["l"]
        b.labels.setdefault(r["x"].value, {}).setdefault(getattr(lit, "language", None) or "zh", lit.value)
    prov = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    for s, o in shapes.subject_objects(prov):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            b.shape_clauses.setdefault(s, []).append(o)
    for v in b.shape_clauses.values():
        v.sort(key=str)
    b.clause_text = {r["c"].value: r["text"].value for r in store.select(CLAUSES_Q)}
    b.submission_classes = frozenset(URIRef(r["c"].value) for r in store.select(SUBMISSION_CLASSES_Q))
    return b


def context_graph(b: Bundle, data: Graph) -> list[Triple]:
    """The policy context a submission needs: the measures it requests or was funded under."""
    from policykg.namespaces import PKG

    out: list[Triple] = []
    for m in set(data.objects(None, PKG.measure)):
        out.extend(b.context.get(m, ()))  # type: ignore[arg-type]
    return out
