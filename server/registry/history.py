"""What the registry already holds for a project, as of a day, and what it implies for a new application.

- Only awards dated on or before the as-of date count (an award decided later did not exist then).
- A project's own earlier award of the very measure it requests again is a **duplicate application**
  (a measure is granted once per project; "不再重复支持"), reported with its own message and the
  clause it rests on, not as funding "through other channels". Measures paid by year (capPerYear,
  maxYears) are the exception: their instalments are counted by the per-year checks.
- Stored, conforming, not yet awarded submissions of the same project give **Warnings**: one to the
  same measure (a duplicate application pending), or to a measure the corpus forbids holding
  together with the one requested (policykg.registry.conflicts), naming the other submission.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef

from policykg.namespaces import PKG, PREFIXES, SH
from policykg.registry import records
from policykg.registry.conflicts import conflicts
from policykg.store import IN_ORDER
from policykg.validation import Bundle, clause_ref, project_key, submissions

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
PENDING_Q = PFX + IN_ORDER + """SELECT ?rec ?m ?at WHERE {
  GRAPH ?g { ?rec pkg:projectKey ?key ; a pkg:SubmissionRecord ; pkg:submittedAt ?at ; foaf:primaryTopic ?s .
             ?s pkg:requests/pkg:measure ?m . ?report a sh:ValidationReport ; sh:conforms true . }
}"""
RULE_Q = PFX + """SELECT ?rule ?clause WHERE { ?rule a pkg:DoubleFundingExclusion ; pkg:appliesToMeasure ?m ;
  prov:wasDerivedFrom ?clause }"""


def awards_until(store: Any, key: str, day: date, cutoff: str | None = None) -> list[dict[str, Any]]:
    """The project's awards decided on or before `day` (and recorded by `cutoff`, in a replay)."""
    return [a for a in records.awards_for_project(store, key) if a["date"] <= day.isoformat()
            and (cutoff is None or (a.get("recordedAt") or "") <= cutoff)]


def _paid_by_year(b: Bundle, m: URIRef) -> bool:
    cache = b.cache.setdefault("registry-paid-by-year", {})  # per corpus version, like the bundle
    if m not in cache:
        cache[m] = any(p in (PKG.capPerYear, PKG.maxYears) for s, p, _o in b.context.get(m, ()) if s == m)
    return cache[m]


def _requested(data: Graph, s: URIRef) -> list[URIRef]:
    return [m for r in data.objects(s, PKG.requests) for m in data.objects(r, PKG.measure) if isinstance(m, URIRef)]


def _basis(store: Any, b: Bundle, m: URIRef) -> tuple[URIRef, dict[str, Any] | None]:
    """The shape and clause a duplicate application of m rests on (per corpus version, cached in the bundle)."""
    cache = b.cache.setdefault("registry-basis", {})
    if m not in cache:
        cache[m] = _find_basis(store, b, m)
    return cache[m]


def _find_basis(store: Any, b: Bundle, m: URIRef) -> tuple[URIRef, dict[str, Any] | None]:
    """Its document's no-double-funding rule (不再重复支持) where there is one, else the measure's own amount shape."""
    try:
        rows = store.select(records.bound(RULE_Q, {"m": ox.NamedNode(str(m))}))  # a value, never spliced text
    except ValueError:  # not an IRI pyoxigraph accepts: no rule names it
        rows = []
    if rows:
        rule = URIRef(rows[0]["rule"].value)
        shape = next((s for s in b.shapes.subjects(PKG.encodesProvision, rule) if not str(s).endswith("/sparql")
                      and "/concurrent-request" not in str(s)), None)
        if shape is not None:
            return shape, clause_ref(b, store, shape)
    shape = amount_shape(b, m)
    return shape, clause_ref(b, store, shape)


def amount_shape(b: Bundle, m: URIRef) -> URIRef:
    """The shape that encodes measure m's amount (its caps); the measure's own shape otherwise."""
    for s in b.shapes.subjects(PKG.encodesProvision, m):
        if str(s).endswith("/amount"):
            return s  # type: ignore[return-value]
    return next((s for s in b.shapes.subjects(PKG.encodesProvision, m)), m)  # type: ignore[return-value]


def _result(s: URIRef, m: URIRef, shape: URIRef, clause: Any, severity: str, msg: dict[str, str]) -> dict[str, Any]:
    return {"severity": severity, "message": msg, "focusNode": str(s), "path": str(PKG.requests), "value": str(m),
            "sourceShape": str(shape), "sourceConstraintComponent": str(SH.SPARQLConstraintComponent),
            "clause": clause}


def pending(store: Any, key: str, exclude: set[str], cutoff: str | None = None) -> list[tuple[str, str, str]]:
    """(submission id, measure, submitted at) of the project's stored conforming submissions, but `exclude`."""
    out = []
    for r in store.select(records.bound(PENDING_Q, {"key": ox.Literal(key)}), registry=True):
        sid = r["rec"].value.rsplit("/", 1)[-1]
        if sid not in exclude and (cutoff is None or r["at"].value < cutoff):
            out.append((sid, r["m"].value, r["at"].value))
    return out


def history_findings(store: Any, b: Bundle, data: Graph, dates: dict[str, str],
                     own_ids: set[str], cutoff: str | None = None) -> list[dict[str, Any]]:
    out = []
    subjects = [s for s in submissions(b, data) if _requested(data, s)]
    keys = {s: project_key(data, s) for s in subjects}
    # once per project and once for all (eligibility's copies of one project request one measure each)
    awards = {k: records.awards_for_project(store, k) for k in set(keys.values())}
    waiting = {k: pending(store, k, own_ids, cutoff) for k in set(keys.values())}
    for s in subjects:
        day = date.fromisoformat(dates.get(str(s)) or date.today().isoformat())
        key = keys[s]
        wanted = [m for m in _requested(data, s)]
        awarded = [a for a in awards[key] if a["date"] <= day.isoformat()
                   and (cutoff is None or (a.get("recordedAt") or "") <= cutoff)]  # as awards_until
        others = waiting[key]
        rules = conflicts(store, sorted({str(m) for m in wanted} | {m for _sid, m, _at in others}), b.version)
        for m in wanted:
            label = {lang: b.label(m, lang) or str(m) for lang in ("zh", "en")}
            shape, clause = _basis(store, b, m)
            for a in [] if _paid_by_year(b, m) else [a for a in awarded if a["measure"] == str(m)]:
                out.append(_result(s, m, shape, clause, "Violation", {
                    "zh": f"重复申请：该项目已于{a['date']}获得“{label['zh']}”{a['amount']:f}万元，同一措施不重复支持",
                    "en": f"Duplicate application: the project was already granted “{label['en']}” "
                          f"({a['amount']:f} 万元) on {a['date']}; a measure is granted once per project"}))
            for sid, other, at in others:
                if other == str(m):
                    out.append(_result(s, m, shape, clause, "Warning", {
                        "zh": f"重复申请：该项目的申报 {sid}（{at[:10]}）已申请“{label['zh']}”，尚未决定",
                        "en": f"Duplicate application: submission {sid} of this project ({at[:10]}) already "
                              f"requests “{label['en']}” and awaits a decision"}))
                elif (c := rules.get(frozenset((str(m), other)))) is not None:
                    olabel = {lang: b.label(URIRef(other), lang) or other for lang in ("zh", "en")}
                    why = {"zh": "只能选择一种支持方式" if c.kind == "exclusive" else "不重复支持",
                           "en": "only one of them may be granted" if c.kind == "exclusive"
                           else "no double funding"}
                    cshape = next((x for x in b.shapes.subjects(PKG.encodesProvision, URIRef(c.rule))
                                   if "/sparql" not in str(x)), shape) if c.rule else shape
                    out.append(_result(s, m, cshape, clause_ref(b, store, cshape), "Warning", {
                        "zh": f"该项目的申报 {sid}（{at[:10]}）已申请“{olabel['zh']}”，与本次申请的“{label['zh']}”"
                              f"不能同时获得（{why['zh']}）",
                        "en": f"Submission {sid} of this project ({at[:10]}) requests “{olabel['en']}”, which cannot "
                              f"be held together with “{label['en']}” requested here ({why['en']})"}))
    return out
