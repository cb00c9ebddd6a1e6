"""The eligibility answer (POST /api/eligibility) arranged for people reading it on the validation page.

The API lists every measure of the submission's type and every requested one (dozens, most of them
non-monetary), each eligible, not eligible or needing review. The page shows first the monetary
measures for the project's type, eligible ones first, then those a person must judge, the best option
marked, each with its amount ("at most" when under review), its computation and what is missing; then
the non-monetary measures, those of other project types and those whose document is not in force that
day, collapsed and grouped by document.
"""
from __future__ import annotations

from typing import Any

NON_MONETARY = "non-monetary"


def arrange(elig: dict[str, Any], cat: Any) -> None:
    """Add `monetary`, `nonMonetary`, `otherTypes` (both grouped by document), `groups` and `bestRow` to `elig`."""
    measures = [m for m in elig.get("measures") or [] if isinstance(m, dict)]
    labels = {m.get("measure"): m.get("label") or m.get("slug") for m in measures}
    best = elig.get("best") if isinstance(elig.get("best"), dict) else None
    best_iri = best.get("measure") if best else None
    groups = _exclusive_groups(elig.get("exclusiveGroups"), labels, cat)
    for m in measures:
        c = m.get("clause")
        m["clauseRef"] = cat.clause_ref(c) if isinstance(c, str) else c
        m["isBest"] = best_iri is not None and m.get("measure") == best_iri
        m["oneOf"] = [g for g in groups if m.get("measure") in g["memberIris"]]
        ref = cat.doc_ref(m["document"]) if isinstance(m.get("document"), str) else None
        m["docLabel"] = m.get("documentNumber") or (f"《{ref['title']}》" if ref and ref.get("title") else "")
    in_force = [m for m in measures if m.get("documentInForce") is not False]
    applicable = [m for m in in_force if m.get("appliesToProjectType") is not False]
    monetary = [m for m in applicable if m.get("kind") != NON_MONETARY]
    monetary.sort(key=lambda m: (not m["isBest"], _rank(m), m.get("basis") != "computed",
                                 -_amount(m), m.get("label") or ""))
    elig["monetary"] = monetary
    elig["eligibleMonetary"] = sum(1 for m in monetary if m.get("eligible") is True)
    elig["reviewMonetary"] = sum(1 for m in monetary if m.get("status") == "needs-review")
    elig["nonMonetary"] = by_document([m for m in applicable if m.get("kind") == NON_MONETARY], cat)
    elig["otherTypes"] = by_document([m for m in in_force if m.get("appliesToProjectType") is False], cat)
    elig["notInForce"] = by_document([m for m in measures if m.get("documentInForce") is False], cat)
    elig["groups"] = groups
    if best:
        best["label"] = labels.get(best_iri) or best.get("slug") or best_iri
        row = next((m for m in measures if m["isBest"]), None)
        best["documentNumber"] = row.get("documentNumber") if row else None


def by_document(measures: list[dict[str, Any]], cat: Any) -> list[dict[str, Any]]:
    """Measures grouped by their document (in corpus order), eligible ones first within each document."""
    out: dict[str, dict[str, Any]] = {}
    for m in measures:
        doc = m.get("document") or ""
        if doc not in out:
            ref = cat.doc_ref(doc) if doc else None
            out[doc] = {"document": ref, "number": m.get("documentNumber") or (ref or {}).get("number"),
                        "title": (ref or {}).get("title"), "measures": [], "eligible": 0, "review": 0, "count": 0}
        out[doc]["measures"].append(m)
        out[doc]["eligible"] += m.get("eligible") is True
        out[doc]["review"] += m.get("status") == "needs-review"
        out[doc]["count"] += 1
    for g in out.values():
        g["measures"].sort(key=lambda m: (_rank(m), m.get("label") or ""))
    return list(out.values())


def _exclusive_groups(raw: Any, labels: dict[Any, Any], cat: Any) -> list[dict[str, Any]]:
    """Exclusivity rules with their members' labels (the API gives IRIs)."""
    out = []
    for g in raw if isinstance(raw, list) else []:
        if not isinstance(g, dict):
            continue
        members = [x for x in g.get("members") or [] if isinstance(x, str)]
        clause = g.get("clause")
        out.append({"label": g.get("label") or g.get("rule") or "只能申请其中一项", "memberIris": members,
                    "members": [{"iri": x, "label": labels.get(x) or x.rsplit("/", 1)[-1]} for x in members],
                    "clauseRef": cat.clause_ref(clause) if isinstance(clause, str) else None})
    return out


def _rank(m: dict[str, Any]) -> int:
    """eligible, then needs review, then not eligible."""
    return 0 if m.get("eligible") is True else 1 if m.get("status") == "needs-review" else 2


def _amount(m: dict[str, Any]) -> float:
    v = m.get("maxAmount")
    return float(v) if isinstance(v, int | float) else -1.0
