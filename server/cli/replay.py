"""`policykg replay ID… --data-dir DIR` (or `--all`): re-evaluate stored decisions of a (stopped) server's
registry; each is "reproduced" or says exactly what changed. Exit codes: 0 all reproduced, 1 one changed,
2 bad input."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from policykg.config import ROOT
from policykg.errors import PolicyKGError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replay", help="re-evaluate stored decisions: reproduced, or what changed")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--all", action="store_true", help="every stored submission")
    p.add_argument("--data-dir", dest="data_dir", required=True, help="the data directory of the registry")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--root", help="corpus root (default: this checkout)")
    p.set_defaults(fn=cmd_replay)


def cmd_replay(args: argparse.Namespace) -> int:
    from policykg.registry import SUBMISSION_GRAPH, replay
    from policykg.store import OxiStore

    try:
        store = OxiStore(Path(args.data_dir) / "store")
        store.ensure_corpus(Path(args.root) if args.root else ROOT)
        ids = list(args.ids) or ([g[len(SUBMISSION_GRAPH):] for g in sorted(store.named_graphs())
                                  if g.startswith(SUBMISSION_GRAPH)] if args.all else [])
        if not ids:
            print("policykg replay: give submission ids or --all", file=sys.stderr)
            return 2
        out = [replay(store, sid) for sid in ids]
    except PolicyKGError as e:
        print(f"policykg replay: {e.message}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for r in out:
            line = f"{r['id']}: {r['status']}"
            if r["status"] != "reproduced":
                line += f" (conforms {r['conforms']['then']} -> {r['conforms']['now']}; +{len(r['added'])} -{len(r['removed'])})"
            if r["corpusVersion"]["changed"]:
                line += "; corpus changed"
            if r["clausesChanged"]:
                line += f"; clause text changed: {', '.join(c['iri'] for c in r['clausesChanged'])}"
            print(line)
    return 0 if all(r["status"] == "reproduced" for r in out) else 1
