"""The three answers of eligibility: eligible, not eligible, needs review.

- A measure whose conditions include provisions marked pkg:machineCheckable false (the measure itself,
  a criterion it lists, or a provision that pkg:appliesToMeasure it) cannot be "eligible": a person must
  judge those, so its answer is "needs-review" (when no checkable condition fails), each condition listed
  with its pkg:notCheckableReason and clause, the amount shown as a ceiling ("at most").
- A measure whose document is not in force on the as-of date is "not-eligible", with the reason
  "document not in force on <date>", the validity and the validity clause: every requested measure is
  answered whatever its validity, and so is every measure of the submission's type.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from rdflib import URIRef

from policykg.namespaces import PREFIXES
from policykg.validation import Bundle, clause_json

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
UNCHECKABLE_Q = PFX + """
SELECT ?m ?p ?label ?reason ?clause WHERE {
  { ?m pkg:slug ?s0 ; pkg:machineCheckable false . BIND (?m AS ?p) }
  UNION { ?m pkg:slug ?s1 . ?p pkg:appliesToMeasure ?m ; pkg:machineCheckable false . }
  UNION { ?m pkg:slug ?s2 ; pkg:hasCriterion ?p . ?p pkg:machineCheckable false . }
  OPTIONAL { ?p rdfs:label ?label }
  OPTIONAL { ?p pkg:notCheckableReason ?reason }
  OPTIONAL { ?p prov:wasDerivedFrom ?clause }
}"""
VALIDITY_Q = PFX + "SELECT ?doc ?clause WHERE { ?doc pkg:validityDerivedFrom ?clause }"
NO_REASON = {"zh": "该条件需人工判断", "en": "a person must judge this condition"}


def _pick(vals: dict[str, str], lang: str) -> str | None:
    return vals.get(lang) or vals.get("en") or vals.get("zh") or next(iter(vals.values()), None)


def unchecked(store: Any, b: Bundle) -> dict[str, list[dict[str, Any]]]:
    """measure IRI -> its not-machine-checkable conditions: {provision, labels, reasons, clauses} (cached)."""
    cached = b.cache.get("eligibility-unchecked")
    if cached is not None:
        return cached
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for r in store.select(UNCHECKABLE_Q):
        key = (r["m"].value, r["p"].value)
        x = rows.setdefault(key, {"provision": key[1], "labels": {}, "reasons": {}, "clauses": set()})
        for var, into in (("label", "labels"), ("reason", "reasons")):
            if var in r:
                x[into].setdefault(getattr(r[var], "language", None) or "zh", r[var].value)
        if "clause" in r:
            x["clauses"].add(r["clause"].value)
    out: dict[str, list[dict[str, Any]]] = {}
    for (m, _p), x in sorted(rows.items()):
        out.setdefault(m, []).append(x)
    b.cache["eligibility-unchecked"] = out
    return out


def reviews(store: Any, b: Bundle, m: URIRef, lang: str) -> list[dict[str, Any]]:
    """What a person must judge for measure m, each with its reason and clause, in `lang`."""
    out = []
    for x in unchecked(store, b).get(str(m), []):
        clauses = sorted(x["clauses"])
        out.append({"provision": x["provision"], "label": _pick(x["labels"], lang),
                    "reason": _pick(x["reasons"], lang) or NO_REASON[lang],
                    "clause": clause_json(b, store, URIRef(clauses[0])) if clauses else None,
                    "clauses": clauses})
    return out


def status(reasons: list[Any], review: list[Any]) -> str:
    return "not-eligible" if reasons else "needs-review" if review else "eligible"


def validity_clause(store: Any, b: Bundle, doc: str) -> str | None:
    cached = b.cache.get("eligibility-validity")
    if cached is None:
        cached = b.cache["eligibility-validity"] = {r["doc"].value: r["clause"].value for r in store.select(VALIDITY_Q)}
    return cached.get(doc)


def out_of_force(store: Any, b: Bundle, m: Any, day: date, lang: str, requested: bool) -> dict[str, Any]:
    """The answer for a measure whose document is not in force on `day` (m: evaluate.Measure)."""
    start, end = (m.start.isoformat() if m.start else None), (m.end.isoformat() if m.end else None)
    state = "not-yet-in-force" if m.start and day < m.start else "expired"
    doc = m.number or b.label(URIRef(m.doc), lang) or m.doc
    span = f"{start or '…'}–{end or '…'}"
    msg = (f"文件不在有效期内：{doc}有效期{span}，评估日期{day.isoformat()}" if lang == "zh" else
           f"document not in force on {day.isoformat()}: {doc} is in force {span}")
    vc = validity_clause(store, b, m.doc)
    shape = m.doc.replace("/doc/", "/shape/", 1) + "/in-force"
    reason = {"message": msg, "clause": clause_json(b, store, URIRef(vc)) if vc else None, "sourceShape": shape,
              "fix": None}
    return {
        "measure": str(m.iri), "slug": m.slug, "label": b.label(m.iri, lang), "kind": m.kind,
        "documentNumber": m.number, "document": m.doc, "clause": m.clause, "requested": requested,
        "documentInForce": False, "validity": {"from": start, "until": end, "state": state},
        "appliesToProjectType": None, "status": "not-eligible", "eligible": False, "maxAmount": None,
        "atMost": False, "computation": None, "basis": None, "registry": None,
        "reasons": [reason], "warnings": [], "reviews": reviews(store, b, m.iri, lang),
    }
