"""`policykg judge --data-dir DIR [--as-of DAY] [--measure M …] [--jobs N]`: judge beforehand the candidates
(免申即享) of every measure in force on a day over a stopped server's registry, and keep the judgements in
DIR/judgements.sqlite, where the server's GET /api/measures/{id}/candidates finds them (matching/precompute.py).
`policykg judge --server URL --token T`: the same for a running server, by asking it each measure's candidates
(a reviewer's token): it keeps the judgements it makes, in memory and in its judgement file.
Exit codes: 0 judged, 2 bad input (or the data directory in use, or the server refused)."""
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
    p = sub.add_parser("judge", help="judge every measure's candidates beforehand (a stopped server's registry)")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--data-dir", dest="data_dir", help="the data directory (no server running on it)")
    where.add_argument("--server", help="a running server's URL: it judges and keeps the judgements")
    p.add_argument("--token", help="with --server: a reviewer's token (default: $POLICYKG_TOKEN)")
    p.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--measure", action="append", help="only this measure (IRI or slug; repeatable)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--jobs", type=int, default=1, help="worker processes (each reads the store read-only)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--root", help="corpus root (default: this checkout)")
    p.add_argument("--quiet", action="store_true", help="no line per measure on stderr")
    p.set_defaults(fn=cmd_judge)


def cmd_judge(args: argparse.Namespace) -> int:
    from policykg.matching import judge_all, parse_day
    from policykg.store import OxiStore

    root = Path(args.root) if args.root else ROOT
    if args.jobs < 1:
        print("policykg judge: --jobs must be at least 1", file=sys.stderr)
        return 2
    try:
        day = parse_day(args.as_of)
        if args.server:
            return _summary(args, day, _through_server(args, day))
        store = OxiStore(Path(args.data_dir) / "store")
        store.ensure_corpus(root)
        out = judge_all(store, root, day, args.lang, args.measure, args.jobs, None if args.quiet else _line)
        if args.jobs <= 1:
            store.close()
    except (OSError, PolicyKGError) as e:
        return bad_input("judge", e)
    return _summary(args, day, out)


def _summary(args: argparse.Namespace, day: Any, out: list[dict[str, Any]]) -> int:
    if args.measure and not out:
        print(f"policykg judge: no measure {', '.join(args.measure)} in force on {day}", file=sys.stderr)
        return 2
    summary = {"asOf": day.isoformat(), "measures": out, "judged": sum(m["sieved"] for m in out),
               "candidates": sum(m["candidates"] for m in out)}
    where = args.server if args.server else Path(args.data_dir) / "judgements.sqlite"
    print(json.dumps(summary, ensure_ascii=False, indent=2) if args.format == "json" else
          f"{len(out)} measures in force on {day}: {summary['judged']} submissions judged, "
          f"{summary['candidates']} candidates; kept by {where}")
    return 0


def _through_server(args: argparse.Namespace, day: Any) -> list[dict[str, Any]]:
    """Each measure's candidates asked of the running server (those in force; `--measure` ones only)."""
    import time

    from policykg.cli.remote import _fail, client
    from policykg.client import ClientError
    from policykg.matching import summary

    api = client(args)
    out = []
    try:
        wanted = set(args.measure or ())
        for m in api.measures():
            if wanted and m["iri"] not in wanted and m.get("slug") not in wanted:
                continue
            t = time.perf_counter()
            c = api.candidates(m.get("slug") or m["iri"], day.isoformat())
            if not c.get("inForce"):
                continue
            out.append(summary(c, time.perf_counter() - t))
            if not args.quiet:
                _line(out[-1])
    except ClientError as e:
        raise _fail(e, "policykg judge") from None
    return out


def _line(m: dict[str, Any]) -> None:
    print(f"{m['seconds']:8.2f} s  {m['sieved']:7d} sieved  {m['candidates']:7d} candidates  {m['slug']}",
          file=sys.stderr, flush=True)
