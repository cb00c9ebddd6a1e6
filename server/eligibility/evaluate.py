"""Eligibility: for every measure that applies to the submission or that it requests, can the project get it, how much.

Derived from the same shapes and the same amounts module as validation, so the two
cannot disagree: for each candidate measure M the submission is copied with its own
requests replaced by one request for M at the maximum amount (server/validation/amounts.py, less
what the registry already holds against a per-year cap), and the copies and a baseline
copy with no request are evaluated together on the compiled validator, registry included
(eligibility/hypothetical.py: what applies whatever is requested runs on the baseline copy only). M's reasons
are the Violations of M's copy that the baseline does not have; M is eligible when there
are none. Baseline Violations (rules that apply whatever is requested) are reported
once, as `generalFindings`. Each failed criterion says what would satisfy it
(eligibility_fix.py). Each answer is eligible, not-eligible or needs-review (eligibility_review.py):
conditions a machine cannot judge, and measures whose document is not in force that day, are never
"eligible".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from policykg.eligibility.copies import write_copies
from policykg.eligibility.review import out_of_force, reviews, status
from policykg.errors import UnprocessableInput
from policykg.namespaces import PKG, PREFIXES
from policykg.registry import check, used_in_year, yearly
from policykg.validation import (
    NOT_EVALUATED,
    Bundle,
    get_bundle,
    max_amount,
    measure_params,
    no_amount,
    project_key,
    submissions,
)

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
MEASURES_Q = PFX + """
SELECT ?m ?slug ?kind ?doc ?number ?from ?until ?clause ?st ?pt WHERE {
  ?m pkg:slug ?slug ; pkg:kind ?kind ; pkg:definedIn ?doc .
  OPTIONAL { ?m prov:wasDerivedFrom ?clause }
  OPTIONAL { ?m pkg:appliesToSubmissionType ?st }
  OPTIONAL { ?m pkg:appliesToProjectType ?pt }
  OPTIONAL { ?doc eli:id_local ?number }
  OPTIONAL { ?doc eli:first_date_entry_in_force ?from }
  OPTIONAL { ?doc eli:date_no_longer_in_force ?until }
}"""


@dataclass
class Measure:
    iri: URIRef
    slug: str
    kind: str
    doc: str
    number: str | None
    start: date | None
    end: date | None
    clause: str | None
    subtypes: set[URIRef] = field(default_factory=set)
    ptypes: set[URIRef] = field(default_factory=set)

    def in_force(self, d: date) -> bool:
        return (self.start is None or self.start <= d) and (self.end is None or d <= self.end)


def catalogue(store: Any, b: Bundle) -> dict[URIRef, Measure]:
    """The measures with what eligibility needs of them (cached in the bundle, per corpus version)."""
    cached = b.cache.get("eligibility-measures")
    if cached is not None:
        return cached
    out: dict[URIRef, Measure] = {}
    for r in store.select(MEASURES_Q):
        iri = URIRef(r["m"].value)
        m = out.get(iri)
        if m is None:
            d = {k: date.fromisoformat(r[k].value[:10]) if k in r else None for k in ("from", "until")}
            m = out[iri] = Measure(iri, r["slug"].value, r["kind"].value, r["doc"].value,
                                   r["number"].value if "number" in r else None, d["from"], d["until"],
                                   r["clause"].value if "clause" in r else None)
        if "st" in r:
            m.subtypes.add(URIRef(r["st"].value))
        if "pt" in r:
            m.ptypes.add(URIRef(r["pt"].value))
    b.cache["eligibility-measures"] = out
    return out


def params(b: Bundle, m: URIRef) -> dict[str, Any]:
    """The measure's amount parameters (per corpus version, cached in the bundle)."""
    cache = b.cache.setdefault("eligibility-params", {})
    if m not in cache:
        cache[m] = measure_params(b.context.get(m, ()), m)
    return cache[m]


def values(data: Graph, s: URIRef) -> dict[str, Any]:
    return {str(p).rsplit("#", 1)[-1]: o for p, o in data.predicate_objects(s)
            if isinstance(o, Literal) and o.datatype in (XSD.decimal, XSD.integer, XSD.double)}


def amount_for(store: Any, b: Bundle, data: Graph, s: URIRef, m: URIRef, as_of: date, lang: str,
               figures: dict[str, Any] | None = None, recorded: bool = True
               ) -> tuple[Decimal | None, str | None, dict[str, Any] | None]:
    """(maximum, computation, what the registry holds) for measure m: the amounts module, then the yearly cap.
    `figures`: values(data, s), when the caller has them; `recorded` False: the registry holds nothing under the
    project's key or its enterprise's credit code (hypothetical.recorded), so nothing was used this year."""
    p = params(b, m)
    if not p:
        return None, no_amount(b.context.get(m, ()), m, lang), None
    figures = values(data, s) if figures is None else figures
    value, text = max_amount(p, figures, lang, lambda x, lg: b.label(x, lg) or str(x).rsplit("#", 1)[-1])
    y = yearly(b, m)
    if y is None or y.cap_per_year is None:
        return value, text, None
    cc = next((str(o) for a in data.objects(s, PKG.applicant) for o in data.objects(a, PKG.creditCode)), None)
    used, years, parts = used_in_year(store, key=project_key(data, s), credit_code=cc, measure=str(m),
                                      year=as_of.year, per_enterprise=y.per_enterprise, until=as_of) \
        if recorded else (Decimal(0), [], [])
    held = {"year": as_of.year, "used": float(used), "yearsPaid": years, "items": parts}
    if not used:
        return value, text, held
    left = max(y.cap_per_year - used, Decimal(0))
    best = left if value is None else min(value, left)
    n = lambda d: format(d.normalize(), "f")  # noqa: E731
    word = ("本年度已获或已申请" if lang == "zh" else "already held or requested this year: ")
    return best, f"{text}; {word}{n(used)}万元 → min({n(value) if value is not None else '—'}万元, " \
                  f"{n(y.cap_per_year)}万元 − {n(used)}万元) = {n(best)}万元", held


def basis(b: Bundle, m: URIRef, amount: Decimal | None) -> str | None:
    """"computed" from the project's figures (rate × base, per-unit × units), or "cap": only a ceiling is stated."""
    if amount is None:
        return None
    p = params(b, m)
    return "computed" if "rateBase" in p or "parts" in p or ("perUnitAmount" in p and "perUnitBase" in p) else "cap"


def plan(data: Graph, s: URIRef, requests: list[tuple[URIRef, Decimal | None]]) -> tuple[Graph, list[URIRef],
                                                                                        dict[Node, int]]:
    """The hypothetical graph: copy 0 without requests, copy i+1 requesting requests[i]; node -> copy."""
    g = Graph()
    subjects, owner = write_copies(data, s, requests, g.add)
    return g, subjects, owner


def the_subject(b: Bundle, data: Graph) -> URIRef:
    subs = submissions(b, data)
    if len(subs) != 1:
        raise UnprocessableInput(f"eligibility is computed for one project; the data holds {len(subs)}",
                                 {"field": "id", "subjects": [str(x) for x in subs]})
    return subs[0]


def requested_measures(data: Graph, s: URIRef) -> set[URIRef]:
    return {m for r in data.objects(s, PKG.requests) for m in data.objects(r, PKG.measure) if isinstance(m, URIRef)}


def candidates(store: Any, data: Graph, as_of: date | None,
               only: set[str] | None = None) -> tuple[Any, Any, date, list[Any]]:
    """(bundle, subject, as-of day, measures in force for the submission's type or requested, by slug; those of
    `only` if given)."""
    b = get_bundle(store)
    s = the_subject(b, data)
    app = data.value(s, PKG.applicationDate)
    day = as_of or (app.toPython() if isinstance(app, Literal) and isinstance(app.toPython(), date) else date.today())
    types, asked = set(data.objects(s, RDF.type)), requested_measures(data, s)
    cands = sorted((m for m in _pool(store, b, only) if (m.subtypes & types or m.iri in asked)
                    and m.in_force(day) and (only is None or str(m.iri) in only)), key=lambda m: m.slug)
    return b, s, day, cands


def _pool(store: Any, b: Bundle, only: set[str] | None) -> Any:
    """The measures of the catalogue to look at: those of `only` when given (a batch asks for one or two)."""
    cat = catalogue(store, b)
    return cat.values() if only is None else [m for x in sorted(only) if (m := cat.get(URIRef(x))) is not None]


def out_of_force_measures(store: Any, b: Bundle, data: Graph, s: URIRef, day: date,
                          only: set[str] | None = None) -> list[Any]:
    """The measures of the submission's type, or requested, whose document is not in force on `day`."""
    types, asked = set(data.objects(s, RDF.type)), requested_measures(data, s)
    return sorted((m for m in _pool(store, b, only) if (m.subtypes & types or m.iri in asked)
                   and not m.in_force(day) and (only is None or str(m.iri) in only)), key=lambda m: m.slug)


def own_findings(store: Any, b: Bundle, types: set[Node], m: URIRef, base: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The baseline findings that are m's own when the submission's class is the application for m
    (pkg:applicationFor): the copy without requests is still an application for m."""
    from policykg.validation import governance, split

    gov = governance(store, b)
    if not any(m in gov.applications.get(t, []) for t in types):  # type: ignore[call-overload]
        return []
    targets = split(b).targets
    return [r for r in base if (t := targets.get(URIRef(r["sourceShape"]))) is not None
            and t.measures == frozenset({str(m)}) and t.types]


def eligibility(store: Any, data: Graph, as_of: date | None = None, lang: str = "zh",
                only: set[str] | None = None) -> dict[str, Any]:
    """The answer of POST /api/eligibility (docs/api.md), messages in `lang`. With `only` (measure IRIs), just
    those measures are answered (each copy is judged on its own, so their answers are the same as in the
    full answer): what candidates and reforms ask."""
    from policykg.eligibility.fixes import fixes, groups
    from policykg.eligibility.hypothetical import evaluate, recorded

    b, s, day, cands = candidates(store, data, as_of, only)
    types = set(data.objects(s, RDF.type))
    figures = values(data, s)
    codes = {str(o) for a in data.objects(s, PKG.applicant) for o in data.objects(a, PKG.creditCode)}
    held = recorded(store, {project_key(data, s)}, codes) if cands else False
    amounts = [amount_for(store, b, data, s, m.iri, day, lang, figures, held) for m in cands]
    # the copies on the compiled validator, copy 0's shapes run once (hypothetical.py; plan() is the same copies)
    requests = [(m.iri, a[0]) for m, a in zip(cands, amounts, strict=True)]
    done = evaluate(store, data, s, day, requests)
    if done is None:  # a shape that does not compile: the copies validated as one graph
        g, subjects, owner = plan(data, s, requests)
        outcome: Any = check(store, g, day)
    else:
        outcome, subjects, owner = done
    by_copy: list[list[dict[str, Any]]] = [[] for _ in subjects]
    for r in outcome.results:
        if r["sourceConstraintComponent"] == str(NOT_EVALUATED):
            continue  # a hypothetical copy to which nothing applies: answered per measure below
        i = owner.get(URIRef(r["focusNode"])) if r["focusNode"] else None
        if i is None:
            i = owner.get(BNode(r["focusNode"]), 0)
        by_copy[i].append(_restore(r, subjects, s, lang))
    base_keys = {_key(r, owner) for r in by_copy[0]}
    found_fixes: dict[str, list[dict[str, Any]]] = {}  # a fix depends on the shape only (the figures are the same)

    def fix(r: dict[str, Any]) -> list[dict[str, Any]]:
        if r["sourceShape"] not in found_fixes:
            found_fixes[r["sourceShape"]] = fixes(store, b, r, data, s, day, lang)
        return [dict(x) for x in found_fixes[r["sourceShape"]]]

    measures, pt, asked, owned = [], data.value(s, PKG.projectType), requested_measures(data, s), set()
    for i, (m, (amount, computation, held)) in enumerate(zip(cands, amounts, strict=True), 1):
        own = own_findings(store, b, types, m.iri, by_copy[0])
        owned |= {id(r) for r in own}
        new = own + [r for r in by_copy[i] if _key(r, owner) not in base_keys]
        reasons = [r for r in new if r["severity"] == "Violation"]
        warnings = [r for r in new if r["severity"] != "Violation"]
        review = reviews(store, b, m.iri, lang)
        state = status(reasons, review)
        measures.append({
            "measure": str(m.iri), "slug": m.slug, "label": b.label(m.iri, lang), "kind": m.kind,
            "documentNumber": m.number, "document": m.doc, "clause": m.clause, "requested": m.iri in asked,
            "documentInForce": True, "validity": {"from": m.start.isoformat() if m.start else None,
                                                  "until": m.end.isoformat() if m.end else None, "state": "in-force"},
            "appliesToProjectType": not m.ptypes or pt in m.ptypes, "status": state,
            "eligible": state == "eligible", "maxAmount": float(amount) if amount is not None else None,
            "atMost": state == "needs-review" and amount is not None, "reviews": review,
            "computation": computation, "basis": basis(b, m.iri, amount), "registry": held,
            "reasons": [{"message": r["message"], "clause": r["clause"], "sourceShape": r["sourceShape"],
                         "fix": fix(r)} for r in reasons],
            "warnings": [{"message": r["message"], "clause": r["clause"], "sourceShape": r["sourceShape"],
                          "fix": fix(r)} for r in warnings],
        })
    measures += [out_of_force(store, b, m, day, lang, m.iri in asked)
                 for m in out_of_force_measures(store, b, data, s, day, only)]
    ok = [x for x in measures if x["eligible"] and x["maxAmount"] is not None]
    # an amount computed from the project's figures beats a bare ceiling the clause states (e.g. 贴息 ≤ 5000万)
    best = min(ok, key=lambda x: (x["basis"] != "computed", -x["maxAmount"], x["slug"])) if ok else None
    return {
        "project": {"iri": str(s), "projectKey": project_key(data, s), "asOf": day.isoformat(),
                    "types": sorted(str(t) for t in types), "projectType": str(pt) if pt else None},
        "measures": measures,
        "exclusiveGroups": groups(store, b, [m.iri for m in cands], lang),
        "best": {"measure": best["measure"], "slug": best["slug"], "maxAmount": best["maxAmount"],
                 "computation": best["computation"], "basis": best["basis"]} if best else None,
        "generalFindings": [{"severity": r["severity"], "message": r["message"], "clause": r["clause"],
                             "sourceShape": r["sourceShape"]} for r in by_copy[0] if id(r) not in owned],
        "corpusVersion": outcome.shapes_version,
        "engine": outcome.engine,
    }


def _restore(r: dict[str, Any], subjects: list[URIRef], s: URIRef, lang: str) -> dict[str, Any]:
    """A result of a copy as a result of the submission itself (its IRI and message in `lang`): every copy's IRI
    (`{s}--eligibility-{i}`, copies.write_copies) in the message is the submission's, the longest number whole."""
    out = dict(r)
    msg = r["message"][lang] if isinstance(r["message"], dict) else r["message"]
    if "--eligibility-" in msg:
        n = len(subjects)
        msg = re.sub(re.escape(str(s)) + r"--eligibility-(\d+)",
                     lambda m: str(s) if int(m.group(1)) < n else m.group(0), msg)
    out["message"] = msg
    return out


def _key(r: dict[str, Any], owner: dict[Node, int]) -> tuple[str, str, str]:
    """What makes two results the same finding across copies (a copy's own nodes compare equal)."""
    v = r.get("value")
    if isinstance(v, str) and (URIRef(v) in owner or BNode(v) in owner):
        v = "(copy)"
    return r["sourceShape"], r.get("path") or "", str(v)
