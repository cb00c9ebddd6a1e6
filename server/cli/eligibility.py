"""`policykg eligibility FILE`: every measure for the submission, eligible, not eligible or needing review, and why.

Formats by extension (.ttl, .nt, .jsonld, .json) or --input-format. Without --data-dir the
corpus is loaded in memory and the registry is empty; with --data-dir the registry of that
(stopped) server is read too. `--format turtle` gives the result as RDF a user can load: one
sh:ValidationReport per measure (sh:conforms = eligible, pkg:measure, pkg:amount = the maximum,
rdfs:comment = the computation, pkg:validationStatus = eligible | not-eligible | needs-review, sh:result per
failed criterion with its clause, an Info per condition a person must judge) and one for the
findings whatever is requested. Exit codes (docs/architecture.md (house style)): 0 at least one measure is
eligible, 1 none is, 2 bad input.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from policykg.config import ROOT, get_settings
from policykg.errors import PolicyKGError

CONTENT_TYPES = {"turtle": "text/turtle", "ntriples": "application/n-triples", "jsonld": "application/ld+json",
                 "json": "application/json"}
EXTENSIONS = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".json": "json"}
WORDS = {"zh": {"best": "最优单项", "none": "无可申请的资金措施", "max": "上限", "fix": "需要", "wan": "万元",
                "general": "与所申请措施无关的问题", "atmost": "至多", "judge": "需人工判断",
                "eligible": "符合", "needs-review": "需人工审核", "not-eligible": "不符合"},
         "en": {"best": "best single option", "none": "no monetary measure is available", "max": "maximum",
                "fix": "needs", "wan": " 万元", "general": "findings whatever is requested", "atmost": "at most",
                "judge": "to be judged by a person", "eligible": "eligible", "needs-review": "needs review",
                "not-eligible": "not eligible"}}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eligibility", help="eligibility and maximum amounts under every measure in force")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--as-of", dest="as_of", type=date.fromisoformat,
                   help="policies in force on this date (default: the application date, else today)")
    p.add_argument("--format", choices=["text", "json", "turtle"], default="text",
                   help="text (default), json (the API answer) or turtle: one SHACL sh:ValidationReport per "
                        "measure (sh:conforms = eligible, pkg:measure, pkg:amount = maximum in 万元, rdfs:comment = "
                        "computation, sh:result per failed criterion with prov:wasDerivedFrom its clause)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--input-format", dest="input_format", choices=sorted(CONTENT_TYPES))
    p.add_argument("--data-dir", dest="data_dir", help="read the registry of this data directory")
    p.add_argument("--root", help="corpus root (default: this checkout)")
    p.set_defaults(fn=cmd_eligibility)


def _store(args: argparse.Namespace) -> Any:
    from policykg.store import OxiStore

    root = Path(args.root) if args.root else ROOT
    store = OxiStore(Path(args.data_dir) / "store" if args.data_dir else None)
    store.ensure_corpus(root)
    return store


def run(args: argparse.Namespace) -> dict[str, Any]:
    from policykg.eligibility import eligibility
    from policykg.submission import parse_submission
    from policykg.validation import receipt

    path = Path(args.file)
    try:
        body = path.read_bytes()
    except OSError as e:
        raise PolicyKGError(f"cannot read {path}: {e.strerror}", {"file": str(path)}) from None
    fmt = args.input_format or EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise PolicyKGError(f"unknown file extension {path.suffix!r}: use --input-format", {"file": str(path)})
    try:
        store = _store(args)
    except OSError as e:  # the data directory is locked by a running server
        raise PolicyKGError(f"cannot open the store: {e}", {"dataDir": args.data_dir}) from None
    parsed = parse_submission(body, CONTENT_TYPES[fmt], get_settings().max_body_bytes, store)
    out = eligibility(store, parsed.graph, args.as_of, args.lang)
    out["receipt"] = receipt(store, input_sha256=parsed.sha256, as_of=date.fromisoformat(out["project"]["asOf"]),
                             corpus=out.pop("corpusVersion"), mode=out.pop("engine"))
    return out


def text(out: dict[str, Any], lang: str) -> str:
    w = WORDS[lang]
    lines = [f"{out['project']['iri']}  ({out['project']['projectKey']}, asOf {out['project']['asOf']})"]
    for m in out["measures"]:
        state = m.get("status") or ("eligible" if m["eligible"] else "not-eligible")
        mark = {"eligible": "✓", "needs-review": "?", "not-eligible": "✗"}[state]
        top = w["atmost"] if m.get("atMost") else w["max"]
        amount = f"  {top} {m['maxAmount']:g}{w['wan']}" if m["maxAmount"] is not None else ""
        lines.append(f"{mark} {m['slug']}  [{w[state]}]{amount}")
        if m["computation"]:
            lines.append(f"    = {m['computation']}")
        for r in m["reasons"]:
            c = r.get("clause") or {}
            where = " ".join(x for x in (c.get("documentLabel") or c.get("documentNumber"), c.get("label")) if x)
            lines.append(f"    - {r['message']}" + (f"  [{where}]" if where else ""))
            for f in r.get("fix") or []:
                lines.append(f"      {w['fix']}: {f['text']}")
        for v in m.get("reviews") or []:
            c = v.get("clause") or {}
            where = " ".join(x for x in (c.get("documentNumber"), c.get("label")) if x)
            lines.append(f"    ? {w['judge']}: {v.get('label') or ''} — {v['reason']}" + (f"  [{where}]" if where else ""))
    for g in out["exclusiveGroups"]:
        lines.append(f"⇄ {g['label']}: " + ", ".join(x.rsplit('/', 1)[-1] for x in g["members"]))
    if out["generalFindings"]:
        lines.append(w["general"] + ":")
        lines += [f"    - [{r['severity']}] {r['message']}" for r in out["generalFindings"]]
    best = out["best"]
    lines.append(f"{w['best']}: {best['slug']} {best['maxAmount']:g}{w['wan']}" if best else w["none"])
    return "\n".join(lines)


def turtle(out: dict[str, Any], lang: str) -> str:
    """The eligibility answer as RDF: SHACL reports in the project vocabulary (see the module doc)."""
    from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef

    from policykg.namespaces import PKG, PREFIXES, PROV, SH

    g = Graph()
    for k, v in PREFIXES.items():
        g.bind(k, v, override=True)
    project = URIRef(out["project"]["iri"])
    g.add((project, PKG.projectKey, Literal(out["project"]["projectKey"])))

    def report(conforms: bool, comment: str | None) -> BNode:
        r = BNode()
        g.add((r, RDF.type, SH.ValidationReport))
        g.add((r, SH.conforms, Literal(conforms)))
        g.add((r, PKG.asOf, Literal(out["project"]["asOf"], datatype=XSD.date)))
        if out["receipt"].get("corpusVersion"):
            g.add((r, PKG.shapesVersion, Literal(out["receipt"]["corpusVersion"])))
        if comment:
            g.add((r, RDFS.comment, Literal(comment, lang=lang)))
        return r

    def result(r: BNode, finding: dict[str, Any], severity: URIRef) -> None:
        x = BNode()
        g.add((r, SH.result, x))
        g.add((x, RDF.type, SH.ValidationResult))
        g.add((x, SH.focusNode, project))
        g.add((x, SH.resultSeverity, severity))
        g.add((x, SH.resultMessage, Literal(finding["message"], lang=lang)))
        g.add((x, SH.sourceShape, URIRef(finding["sourceShape"])))
        if finding.get("clause"):
            g.add((x, PROV.wasDerivedFrom, URIRef(finding["clause"]["iri"])))

    for m in out["measures"]:
        r = report(m["eligible"], m["computation"])
        g.add((r, PKG.measure, URIRef(m["measure"])))
        if m["maxAmount"] is not None:
            g.add((r, PKG.amount, Literal(Decimal(str(m["maxAmount"])))))
        if m.get("clause"):
            g.add((r, PROV.wasDerivedFrom, URIRef(m["clause"])))
        g.add((r, PKG.validationStatus, Literal(m.get("status") or ("eligible" if m["eligible"] else "not-eligible"))))
        for v in m.get("reviews") or []:  # what a person must judge: an Info result each, with its clause
            result(r, {"message": f"{v.get('label') or ''} — {v['reason']}", "sourceShape": v["provision"],
                       "clause": v.get("clause")}, SH.Info)
        for f in m["reasons"]:
            result(r, f, SH.Violation)
        for f in m["warnings"]:
            result(r, f, SH.Warning)
    general = out["generalFindings"]
    r = report(not any(f["severity"] == "Violation" for f in general), WORDS[lang]["general"])
    for f in general:
        result(r, f, SH[f["severity"]])
    return g.serialize(format="turtle")


def cmd_eligibility(args: argparse.Namespace) -> int:
    try:
        out = run(args)
    except PolicyKGError as e:
        d = e.detail if isinstance(e.detail, dict) else {}
        where = f"{args.file}:{d['line']}:{d.get('column') or 0}" if d.get("line") else args.file
        print(f"{where}: {e.message}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    elif args.format == "turtle":
        print(turtle(out, args.lang))
    else:
        print(text(out, args.lang))
    return 0 if any(m["eligible"] for m in out["measures"]) else 1
