"""`policykg trace CLAUSE-OR-MEASURE`: from a measure (or criterion, shape…) to its clause, the
clauses above it, the document and its issuing authority; for a clause, also what derives from it.

Ids as the API takes them: a measure slug, a document slug + clause path (jfgg-2023-12/2/4/1),
an IRI path (doc/jfgg/2023/12/2/4/1) or a full IRI. Exit 0, or 2 for an unknown id.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from policykg.config import ROOT
from policykg.errors import PolicyKGError


def register(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("trace", help="print the chain measure -> clause -> document -> authority")
    t.add_argument("id", help="measure slug, clause path (jfgg-2023-12/2/4/1, doc/jfgg/2023/12/2/4/1) or IRI")
    t.add_argument("--json", action="store_true", help="print the chain as JSON")
    t.add_argument("--root", help="corpus root (default: this checkout)")
    t.set_defaults(fn=cmd_trace)


def cmd_trace(args: argparse.Namespace) -> int:
    from policykg.provenance import trace
    from policykg.store import OxiStore

    store = OxiStore(None)
    try:
        store.ensure_corpus(Path(args.root) if args.root else ROOT)
        chain = trace(store, args.id)
    except PolicyKGError as e:
        print(f"policykg trace: {e.message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(chain, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_trace(chain))
    return 0


def _clip(text: str | None, n: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= n else text[: n - 1] + "…"


def _num(v: Any) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _params(item: dict[str, Any]) -> str:
    parts = []
    if item.get("kind"):
        parts.append(f"kind {item['kind']}")
    if item.get("rate") is not None:
        parts.append(("rate ≤ " if item.get("rateIsMaximum") else "rate ") + f"{_num(round(item['rate'] * 100, 4))}%"
                     + (f" of {item['rateBase']}" if item.get("rateBase") else ""))
    if item.get("perUnit") is not None:
        parts.append(f"{_num(item['perUnit'])} 万元 per {item.get('perUnitOf') or item.get('perUnitBase') or 'unit'}")
    for key, name in (("cap", "cap"), ("floor", "floor"), ("capPerYear", "cap per year")):
        if item.get(key) is not None:
            parts.append(f"{name} {_num(item[key])} 万元" + (f" ({item['capScope']})" if key == "cap" and item.get("capScope") else ""))
    if item.get("maxYears") is not None:
        parts.append(f"at most {_num(item['maxYears'])} years")
    if item.get("thresholdValue") is not None:
        parts.append(f"{item.get('onProperty')} {item.get('comparator')} {_num(item['thresholdValue'])} {item.get('unit') or ''}".strip())
    if item.get("projectTypes"):
        parts.append("project types " + ", ".join(item["projectTypes"]))
    if item.get("message"):
        parts.append(f"message: {item['message']}")
    return "; ".join(parts)


def format_trace(chain: dict[str, Any]) -> str:
    out: list[str] = []
    item = chain.get("item")
    if item:
        out.append(f"{item['category']}: {item.get('label') or item['iri']}" + (f" ({item['slug']})" if item.get("slug") else ""))
        out.append(f"  {item['iri']}")
        if _params(item):
            out.append(f"  {_params(item)}")
        for a in item.get("ambiguities") or []:
            out.append(f"  歧义 ambiguity: {a.get('ambiguity') or a.get('ambiguityEn')}")
            if a.get("chosenReading"):
                out.append(f"    采用的解读 chosen reading: {a['chosenReading']}")
        out.append("  ↓ prov:wasDerivedFrom" if chain["clauses"] else "  (derived from no clause)")
    clauses = chain.get("clauses") or []
    for depth, c in enumerate(reversed(clauses)):
        head = "clause" if depth == 0 else "  ↑ part of"
        src = c.get("source") or {}
        where = f" [{src.get('file')}:{src.get('line')}-{src.get('endLine')}]" if src.get("file") else ""
        out.append(f"{head}: {c.get('documentLabel') or c.get('documentNumber') or ''} {c['fullLabel']}"
                   + (f" {c['heading']}" if c.get("heading") else "") + where)
        out.append(f"    {c['iri']}")
        out.append(f"    “{_clip(c.get('text'), 400 if depth == 0 else 80)}”")
        for a in c.get("anomalies") or []:
            out.append(f"    ⚠ source anomaly ({a.get('kind')}): {a.get('comment') or a.get('commentEn') or ''}")
    doc = chain.get("document")
    if doc:
        out.append(f"document: {doc.get('number') or '(no number printed)'} 《{doc.get('title')}》")
        out.append(f"    {doc['iri']}")
        until = doc.get("inForceUntil") or ("no end date stated" if doc.get("noEndDateStated") else "not stated")
        out.append(f"    issued {doc.get('issued') or 'not stated'}; in force {doc.get('inForceFrom') or '?'} – {until}")
        if doc.get("validityStatement"):
            out.append(f"    validity: “{doc['validityStatement']}”")
        for a in doc.get("authorities", []):
            out.append(f"authority: {a.get('label') or a['iri']}  <{a['iri']}>")
    derived = chain.get("derived") or []
    if chain.get("kind") == "clause":
        out.append(f"derived from this clause and its sub-clauses: {len(derived)}")
        for d in derived:
            via = "" if d.get("direct") else f"  (via {d['fromClause']['fullLabel']})"
            out.append(f"  - {d['category']}: {d.get('label') or d['iri']}{via}")
            if _params(d):
                out.append(f"      {_params(d)}")
    return "\n".join(out) + "\n"
