"""The vocabulary as people read it: every class and property of the ontology with its zh/en labels,
comment, domain, range and unit, for the /ontology page and its Turtle/JSON-LD forms."""
from __future__ import annotations

import re
from typing import Any

ONTOLOGY_GRAPH = "https://w3id.org/policykg/graph/ontology"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
KINDS = {OWL + "Class": "class", OWL + "ObjectProperty": "object property",
         OWL + "DatatypeProperty": "datatype property", OWL + "AnnotationProperty": "annotation property"}
ORDER = {"class": 0, "object property": 1, "datatype property": 2, "annotation property": 3}
TERMS_Q = f"""SELECT ?t ?k ?p ?o WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{
  ?t a ?k . FILTER(?k IN ({", ".join(f"<{k}>" for k in KINDS)}))
  OPTIONAL {{ ?t ?p ?o . FILTER(?p IN (<{RDFS}label>, <{RDFS}comment>, <{RDFS}domain>, <{RDFS}range>,
                                      <{RDFS}subClassOf>, <{RDFS}subPropertyOf>)) }} }} }}"""
# the unit is said at the end of the comment (万元, m², tce, 0..1, years), as the form's fields read it
UNIT_RE = re.compile(r"(元/m²|万元|m²|tce|0\.\.1|years)")


def vocabulary(store: Any, prefixes: dict[str, str]) -> list[dict[str, Any]]:
    """One entry per term, sorted by kind then compact name; each pkg: term has an anchor (its local name)."""
    terms: dict[str, dict[str, Any]] = {}
    for r in store.select(TERMS_Q):
        iri = r["t"].value
        if iri.startswith("_:"):
            continue
        kind = KINDS[r["k"].value]
        t = terms.setdefault(iri, {"iri": iri, "name": compact(iri, prefixes), "anchor": iri.rsplit("#", 1)[-1],
                                   "kind": kind, "labelZh": None, "labelEn": None, "comment": None,
                                   "domain": [], "range": [], "superTerms": [], "unit": None})
        if ORDER[kind] < ORDER[t["kind"]]:  # a term typed twice is shown under its most specific kind
            t["kind"] = kind
        p, o = r.get("p"), r.get("o")
        if p is None or o is None:
            continue
        p, lang = p.value, getattr(o, "language", None)
        if p == RDFS + "label":
            t["labelEn" if lang == "en" else "labelZh"] = o.value
        elif p == RDFS + "comment":
            if lang in (None, "en") or t["comment"] is None:
                t["comment"] = o.value
        elif p in (RDFS + "domain", RDFS + "range") and not o.value.startswith("_:"):
            t["domain" if p.endswith("domain") else "range"].append(compact(o.value, prefixes))
        elif p in (RDFS + "subClassOf", RDFS + "subPropertyOf") and not o.value.startswith("_:"):
            t["superTerms"].append(compact(o.value, prefixes))
    for t in terms.values():
        found = UNIT_RE.findall(t["comment"] or "")
        t["unit"] = found[-1] if found else None
        for k in ("domain", "range", "superTerms"):
            t[k] = sorted(set(t[k]))
    return sorted(terms.values(), key=lambda t: (ORDER[t["kind"]], t["name"]))


def compact(iri: str, prefixes: dict[str, str]) -> str:
    for p, ns in prefixes.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{p}:{iri[len(ns):]}"
    return iri
