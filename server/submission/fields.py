"""Every field of the JSON form, per submission type, as people read it: the zh/en label and the unit
from the ontology (rdfs:label; the unit said at the end of the English rdfs:comment), the JSON type,
and the allowed values of concept and enum fields. GET /api/fields and the validation page use it.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from policykg.submission.jsonform import COMMON, NESTED, NESTED_PROPERTY, PROPERTY, TYPES

PKG = "https://w3id.org/policykg/ontology#"
UNIT_RE = re.compile(r"(万元/m²|元/m²|万元|m²|tce|tonnes of standard coal|0\.\.1|years|days|\bm\b)")
UNIT_ZH = {"0..1": "0–1", "years": "年", "days": "天", "tonnes of standard coal": "tce", "m": "m"}
LABELS_Q = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?p ?l ?c WHERE { ?p rdfs:label ?l . OPTIONAL { ?p rdfs:comment ?c FILTER(langMatches(lang(?c), "en")) }
  FILTER(STRSTARTS(STR(?p), "https://w3id.org/policykg/ontology#")) }"""
CONCEPTS_Q = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?c ?n ?l WHERE { ?c a skos:Concept ; skos:notation ?n . OPTIONAL { ?c skos:prefLabel ?l } }"""
JSON_TYPE = {"decimal": "number", "share": "number", "integer": "integer", "boolean": "boolean", "string": "string",
             "date": "string (YYYY-MM-DD)", "measure": "string (measure slug or IRI)"}


@dataclass
class FieldInfo:
    name: str
    kind: str  # the JSON form's kind: decimal, share, integer, boolean, string, date, concept:<scheme>, …
    type: str  # the JSON type a client sends
    property: str  # the ontology property it becomes
    labelZh: str = ""
    labelEn: str = ""
    unit: str = ""
    allowed: list[dict[str, str]] | None = None  # concept or enum values: {value, zh, en}
    fields: list[FieldInfo] = field(default_factory=list)  # of a nested object (requests, applicant…)

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "fields" and (v not in (None, [], "") or k.startswith("label"))}
        if self.fields:
            out["fields"] = [f.to_json() for f in self.fields]
        return out


def labels(store: Any) -> dict[str, dict[str, str]]:
    """Local name of each pkg: term -> {zh, en, comment}."""
    out: dict[str, dict[str, str]] = {}
    for r in store.select(LABELS_Q):
        info = out.setdefault(r["p"].value.rsplit("#", 1)[-1], {})
        info.setdefault(getattr(r["l"], "language", None) or "en", r["l"].value)
        if r.get("c") is not None:
            info.setdefault("comment", r["c"].value)
    return out


def unit(comment: str, kind: str) -> str:
    if kind == "share":
        return "0–1"
    if kind == "boolean":
        return ""
    found = UNIT_RE.findall(comment or "")
    return UNIT_ZH.get(found[-1], found[-1]) if found else ""


def _concepts(store: Any) -> dict[str, list[dict[str, str]]]:
    out: dict[str, dict[str, dict[str, str]]] = {}
    for r in store.select(CONCEPTS_Q):
        iri = r["c"].value
        if "/concept/" not in iri:
            continue
        scheme = iri.split("/concept/", 1)[1].rsplit("/", 1)[0]
        c = out.setdefault(scheme, {}).setdefault(r["n"].value, {"value": r["n"].value, "zh": "", "en": ""})
        if r.get("l") is not None:
            c["en" if getattr(r["l"], "language", None) == "en" else "zh"] = r["l"].value
    return {s: sorted(v.values(), key=lambda c: c["value"]) for s, v in out.items()}


def _json_type(kind: str) -> str:
    if kind.startswith("concepts:"):
        return "array of strings (concept slugs)"
    if kind.startswith(("concept:", "enum:")):
        return "string (one of the allowed values)"
    if kind in ("requests", "prior", "extensions"):
        return "array of objects"
    return "object" if kind == "applicant" else JSON_TYPE.get(kind, "string")


def catalog(store: Any) -> dict[str, list[FieldInfo]]:
    """Submission type -> its fields (the common ones first), each with label, unit, type, allowed values."""
    labs, concepts = labels(store), _concepts(store)

    def make(name: str, kind: str, prop: str) -> FieldInfo:
        lab = labs.get(prop, {})
        info = FieldInfo(name, kind, _json_type(kind), PKG + prop, lab.get("zh", ""), lab.get("en", ""),
                         unit(lab.get("comment", ""), kind))
        if kind.startswith(("concept:", "concepts:")):
            info.allowed = concepts.get(kind.split(":", 1)[1], [])
        elif kind.startswith("enum:"):
            info.allowed = [{"value": v, "zh": "", "en": v} for v in kind[5:].split("|")]
        if kind in NESTED:  # requests, prior, applicant, extensions: the fields of each object
            info.fields = [make(n, k, NESTED_PROPERTY.get(n, n)) for n, k in NESTED[kind].items()]
        return info

    out: dict[str, list[FieldInfo]] = {}
    for t, own in TYPES.items():
        out[t] = [make(n, k, PROPERTY.get(n, n)) for n, k in {**COMMON, **own}.items()]
    return out
