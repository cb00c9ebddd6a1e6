"""POST /api/match: every measure in force on a day, for an enterprise profile, each eligible, not eligible
or needs review, with its maximum amount and computation, what is missing, what it excludes, its deadline;
ranked by amount, grouped by document; and per project the best combination of measures held together."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from policykg.eligibility import catalogue, eligibility
from policykg.matching.combination import best
from policykg.matching.memo import Memo
from policykg.matching.profile import items, parse_profile
from policykg.provenance import list_documents
from policykg.registry import conflicts
from policykg.submission import parse_submission
from policykg.validation import get_bundle

STATUS_ORDER = {"eligible": 0, "needs-review": 1, "not-eligible": 2}


def status(entry: dict[str, Any]) -> str:
    """The three states of eligibility (older answers carry only the boolean)."""
    return entry.get("status") or ("eligible" if entry.get("eligible") else "not-eligible")


def _missing(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """What to declare or reach to become eligible: each failed criterion's fix, with its clause."""
    out = []
    for r in entry.get("reasons", []):
        fixes = r.get("fix") or []
        for f in fixes:
            out.append({k: f[k] for k in ("kind", "property", "comparator", "threshold", "unit", "required",
                                          "allowed", "actual", "text") if k in f} | {"clause": r.get("clause")})
        if not fixes:
            out.append({"kind": "finding", "text": r.get("message"), "clause": r.get("clause")})
    return out


def match(store: Any, data: Any, lang: str = "zh", limit: int = 2 * 1024 * 1024) -> dict[str, Any]:
    applicant, projects, as_of = parse_profile(data)
    day = as_of or date.today()
    store = Memo(store)  # the registry read once per query for the whole profile (matching/memo.py)
    b = get_bundle(store)
    cat = catalogue(store, b)
    in_force = [m for m in cat.values() if m.in_force(day)]
    types = {str(t).rsplit("#", 1)[-1] for m in in_force for t in m.subtypes}
    docs = {d["iri"]: d for d in list_documents(store)}
    pairs = conflicts(store, [str(m.iri) for m in in_force])
    partners: dict[str, set[str]] = {}  # measure -> the measures it may not be held with
    for pair in pairs:
        for m in pair:
            partners.setdefault(m, set()).update(pair - {m})
    entries: list[dict[str, Any]] = []
    combos = []
    for it in items(applicant, projects, types):
        parsed = parse_submission(json.dumps(it.form, ensure_ascii=False).encode(), "application/json", limit, store)
        answer = eligibility(store, parsed.graph, day, lang)
        amounts: dict[str, Decimal] = {}
        labels = {e["measure"]: e.get("label") or e["slug"] for e in answer["measures"]}
        for e in answer["measures"]:
            st = status(e)
            doc = docs.get(e["document"], {})
            others = sorted(partners.get(e["measure"], ()))
            entries.append({
                "project": it.label, "projectSource": it.source, "measure": e["measure"], "slug": e["slug"],
                "label": e.get("label"), "kind": e.get("kind"), "document": e["document"],
                "documentNumber": e.get("documentNumber"), "documentTitle": doc.get("title"), "clause": e.get("clause"),
                "status": st, "eligible": st == "eligible", "maxAmount": e.get("maxAmount"),
                "computation": e.get("computation"), "basis": e.get("basis"), "missing": _missing(e),
                "review": e.get("review", []), "excludes": others,
                "deadline": {"documentInForceUntil": doc.get("inForceUntil"), "applicationWindow": None},
            })
            if st == "eligible" and e.get("maxAmount") is not None and e.get("kind") != "non-monetary":
                amounts[e["measure"]] = Decimal(str(e["maxAmount"]))
        if amounts:
            choice = best(amounts, pairs)
            combos.append({"project": it.label, "measures": choice.chosen, "total": float(choice.total),
                           "labels": {x: labels[x] for x in amounts},
                           "alternativesLost": [{"measure": m, **{k: (float(v) if isinstance(v, Decimal) else v)
                                                                  for k, v in why.items()}}
                                                for m, why in choice.lost.items()]})
    entries.sort(key=lambda x: (STATUS_ORDER[x["status"]], -(x["maxAmount"] or 0), x["slug"], x["project"]))
    by_doc: dict[str, dict[str, Any]] = {}
    for e in entries:
        d = by_doc.setdefault(e["document"], {"document": e["document"], "documentNumber": e["documentNumber"],
                                              "title": e["documentTitle"],
                                              "inForceUntil": e["deadline"]["documentInForceUntil"], "measures": []})
        d["measures"].append(e["slug"])
    counts = {s: sum(1 for e in entries if e["status"] == s) for s in STATUS_ORDER}
    return {"asOf": day.isoformat(), "applicant": {k: applicant.get(k) for k in ("name", "creditCode")},
            "measures": entries, "documents": list(by_doc.values()), "bestCombinations": combos, "counts": counts,
            "notes": {"applicationWindow": "no application window is encoded in the corpus; the deadline shown "
                                           "is the end of the document's validity"}}
