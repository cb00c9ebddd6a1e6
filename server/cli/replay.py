"""`policykg replay ID…` (or `--all`): re-evaluate stored decisions of the registry of a (stopped) server's data
directory (`--data-dir`, default the configured one), or of a running server (`--server URL`, POST /api/replay);
each is "reproduced" or says exactly what changed. Exit codes: 0 all reproduced, 1 one changed, 2 bad input."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from policykg.config import ROOT, Settings
from policykg.errors import PolicyKGError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replay", help="re-evaluate stored decisions: reproduced, or what changed")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--all", action="store_true", help="every stored submission")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--data-dir", dest="data_dir", help="the data directory of a stopped server "
                       "(default: the configured one)")
    where.add_argument("--server", metavar="URL", help="replay through a running server (POST /api/replay)")
    p.add_argument("--token", help="with --server: the access token (default: $POLICYKG_TOKEN)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--root", help="corpus root (default: this checkout)")
    p.set_defaults(fn=cmd_replay)


def cmd_replay(args: argparse.Namespace) -> int:
    from policykg.registry import SUBMISSION_GRAPH, replay
    from policykg.store import OxiStore

    if args.server and args.all:
        print("policykg replay: --all reads a data directory; through a server, give the ids", file=sys.stderr)
        return 2
    if not args.ids and not args.all:
        print("policykg replay: give submission ids or --all", file=sys.stderr)
        return 2
    try:
        if args.server:
            from policykg.cli.remote import replay_remote

            out = replay_remote(args, list(args.ids))
        else:
            data = Path(args.data_dir) if args.data_dir else Settings().data_dir
            if not (data / "store").exists():
                print(f"policykg replay: no registry in {data} (give --data-dir or --server)", file=sys.stderr)
                return 2
            store = OxiStore(data / "store")  # StoreInUse when a server holds it: use --server
            store.ensure_corpus(Path(args.root) if args.root else ROOT)
            ids = list(args.ids) or [g[len(SUBMISSION_GRAPH):] for g in sorted(store.named_graphs())
                                     if g.startswith(SUBMISSION_GRAPH)]
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
            if r["registry"].get("changed"):
                line += (f"; registry changed: {r['registry']['recordsThenNow']} of the "
                         f"{r['registry']['sequenceThen']} records it saw are there")
            if r["clausesChanged"]:
                line += f"; clause text changed: {', '.join(c['iri'] for c in r['clausesChanged'])}"
            print(line)
    return 0 if all(r["status"] == "reproduced" for r in out) else 1
