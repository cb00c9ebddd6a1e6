"""`policykg reform REFORM.yaml --data-dir DIR`: what a proposed change of the corpus's parameters would do to
every stored submission of that (stopped) server's registry, before it is signed. The corpus is not modified.
Exit codes: 0 evaluated, 2 bad input."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from policykg.cli.failed import bad_input
from policykg.config import ROOT
from policykg.errors import PolicyKGError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reform", help="the impact of a reform (YAML) on the registry")
    p.add_argument("file", metavar="REFORM.yaml")
    p.add_argument("--data-dir", dest="data_dir", required=True, help="the data directory whose registry is read")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--root", help="corpus root (default: this checkout)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--jobs", type=int, default=1, help="worker processes (each reads the store read-only; "
                                                        "2 on a 2-core machine nearly halves the time)")
    p.set_defaults(fn=cmd_reform)


def _bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // total if total else width
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} submissions", end="", file=sys.stderr, flush=True)
    if done == total:
        print(file=sys.stderr)


def cmd_reform(args: argparse.Namespace) -> int:
    from policykg.reforms import impact, impact_jobs, load_reform
    from policykg.store import OxiStore

    root = Path(args.root) if args.root else ROOT
    try:
        reform = load_reform(Path(args.file).read_text(encoding="utf-8"))
        store = OxiStore(Path(args.data_dir) / "store")
        store.ensure_corpus(root)
        bar = None if args.quiet else _bar
        out = impact_jobs(store, root, reform, args.jobs, bar) if args.jobs > 1 else impact(store, root, reform, bar)
    except (OSError, PolicyKGError) as e:
        return bad_input("reform", e)
    print(json.dumps(out, ensure_ascii=False, indent=2) if args.format == "json" else render(out))
    return 0


def render(out: dict[str, Any]) -> str:
    c = out["counts"]
    lines = [f"{out['name']}: {c['submissions']} submissions, {c['evaluated']} affected by the changes; "
             f"{c['becameEligible']} become eligible, {c['becameIneligible']} become ineligible, "
             f"{c['amountChanged']} change their maximum amount"]
    for ch in out["clauses"]:
        lines.append(f"  {ch['target'].rsplit('/', 2)[-1]} {ch['property'].rsplit('#', 1)[-1]}: "
                     f"{', '.join(ch['before'])} -> {ch['after']}  ({', '.join(ch['clauses'])})")
    for t in out["totals"]:
        if t["scope"] == "document" or t["difference"]:
            lines.append(f"  {t['scope']} {t['iri'].rsplit('/', 1)[-1] if t['scope'] == 'measure' else t['iri']}: "
                         f"{t['before']:g} -> {t['after']:g} 万元 ({t['difference']:+g})")
    for r in out["submissions"]:
        if r["changed"]:
            b, a = r["before"], r["after"]
            lines.append(f"  {r['id'][:12]} {r['slug']}: {b['status']} {b['maxAmount']} -> {a['status']} {a['maxAmount']}")
    return "\n".join(lines)
