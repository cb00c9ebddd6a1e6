"""`policykg match PROFILE.json`: every measure in force an enterprise may get, and the best combination per project.

The profile is the body of POST /api/match: {"applicant": {…}, "projects": [JSON-form submissions],
"asOf": "YYYY-MM-DD"}. Without --data-dir the corpus is loaded in memory and the registry is empty;
with --data-dir the registry of that (stopped) server is read too. Exit codes: 0 at least one measure
is eligible, 1 none is, 2 bad input.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from policykg.cli.failed import bad_input
from policykg.config import ROOT
from policykg.errors import PolicyKGError

WORDS = {"zh": {"eligible": "可申请", "needs-review": "需人工审核", "not-eligible": "不符合", "best": "最优组合",
                "wan": "万元", "missing": "还需", "lost": "未选", "by": "因与其互斥", "until": "有效期至"},
         "en": {"eligible": "eligible", "needs-review": "needs review", "not-eligible": "not eligible",
                "best": "best combination", "wan": " 万元", "missing": "needs", "lost": "not chosen",
                "by": "excluded by", "until": "in force until"}}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("match", help="every measure in force an enterprise profile may get")
    p.add_argument("file", metavar="PROFILE.json")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--all", action="store_true", help="list the measures that are not eligible too (text)")
    p.add_argument("--data-dir", dest="data_dir", help="read the registry of this data directory")
    p.add_argument("--root", help="corpus root (default: this checkout)")
    p.set_defaults(fn=cmd_match)


def cmd_match(args: argparse.Namespace) -> int:
    from policykg.matching import match
    from policykg.store import OxiStore

    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
        store = OxiStore(Path(args.data_dir) / "store" if args.data_dir else None)
        store.ensure_corpus(Path(args.root) if args.root else ROOT)
        out = match(store, data, args.lang)
    except (OSError, ValueError, PolicyKGError) as e:
        return bad_input("match", e)
    if args.format == "json":
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(render(out, args.lang, args.all))
    return 0 if out["counts"]["eligible"] else 1


def _amount(e: dict[str, Any], w: dict[str, str]) -> str:
    return f"{e['maxAmount']:g}{w['wan']}" if e.get("maxAmount") is not None else "—"


def render(out: dict[str, Any], lang: str, everything: bool = False) -> str:
    w = WORDS[lang]
    lines = [f"as of {out['asOf']}: " + ", ".join(f"{w[s]} {n}" for s, n in out["counts"].items())]
    for e in out["measures"]:
        if e["status"] == "not-eligible" and not everything:
            continue
        until = e["deadline"]["documentInForceUntil"]
        lines.append(f"[{w[e['status']]}] {e['documentNumber'] or e['documentTitle'] or ''} {e['slug']} "
                     f"({e['project']}): {_amount(e, w)}" + (f"  {w['until']} {until}" if until else ""))
        if e.get("computation") and e["status"] != "not-eligible":
            lines.append(f"    = {e['computation']}")
        for m in e["missing"][:4] if e["status"] != "eligible" else []:
            lines.append(f"    {w['missing']}: {m['text']}")
    for c in out["bestCombinations"]:
        lines.append(f"{w['best']} ({c['project']}): {c['total']:g}{w['wan']} = "
                     + " + ".join(m.rsplit("/measure/", 1)[-1] for m in c["measures"]))
        for lost in c["alternativesLost"]:
            lines.append(f"    {w['lost']}: {lost['measure'].rsplit('/measure/', 1)[-1]} ({lost['amount']:g}{w['wan']}), "
                         f"{w['by']} {', '.join(b.rsplit('/measure/', 1)[-1] for b in lost['excludedBy'])}")
    return "\n".join(lines)
