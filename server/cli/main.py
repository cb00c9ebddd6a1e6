"""The `policykg` command line (docs/api.md (CLI)). Exit codes: 0 ok/conforms, 1 does not conform, 2 bad input."""
from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from policykg.config import ROOT, Settings

EXPORT_FORMATS = {"turtle": "TURTLE", "nquads": "N_QUADS", "trig": "TRIG", "jsonld": "JSON_LD", "ntriples": "N_TRIPLES"}


def _settings(args: argparse.Namespace) -> Settings:
    """Flags, then POLICYKG_* environment variables, then defaults."""
    overrides = {k: v for k, v in {
        "host": getattr(args, "host", None),
        "port": getattr(args, "port", None),
        "data_dir": getattr(args, "data_dir", None),
        "store": getattr(args, "store", None),
        "processes": getattr(args, "processes", None),
    }.items() if v is not None}
    return Settings(**overrides)


def cmd_serve(args: argparse.Namespace) -> int:
    from policykg.app import create_app
    from policykg.serving import serve

    settings = _settings(args)
    from policykg.access import weak_env_token

    if weak_env_token(settings.admin_token):
        print(f"policykg serve: {weak_env_token(settings.admin_token)}", file=sys.stderr)
        return 2
    if settings.store == "oxigraph":
        from policykg.errors import StoreInUse
        from policykg.store import OxiStore

        try:  # say plainly that another server holds the directory, before uvicorn starts
            OxiStore(settings.data_dir / "store").close()
        except StoreInUse as e:
            print(f"policykg serve: {e.message}", file=sys.stderr)
            return 2
    print(f"policykg: serving on http://{settings.host}:{settings.port}/ (store: {settings.store}, "
          f"data: {settings.data_dir}, processes: {settings.processes})", flush=True)
    try:
        serve(create_app(settings), settings)
    except OSError as e:
        if e.errno != errno.EADDRINUSE:
            raise
        print(f"policykg serve: {settings.host}:{settings.port} is in use by another process (give --port another "
              "port, or stop the other server)", file=sys.stderr)
        return 2
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from policykg.check import run_checks

    root = Path(args.root) if args.root else ROOT
    report = run_checks(root, args.only or None)
    for line in report.info:
        print(line)
    for p in report.problems:
        print(f"ERROR {p}", file=sys.stderr)
    print(f"policykg check: {len(report.problems)} problem(s)")
    return 0 if report.ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    import pyoxigraph as ox

    from policykg.errors import CorpusError
    from policykg.store import OxiStore

    store = OxiStore(None)
    try:
        store.ensure_corpus(Path(args.root) if args.root else ROOT)
    except CorpusError as e:
        print(f"policykg export: {e}", file=sys.stderr)
        return 2
    fmt = getattr(ox.RdfFormat, EXPORT_FORMATS[args.format])
    if args.format in ("turtle", "ntriples"):
        # triple formats: the union of the corpus graphs
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store.ox.quads_for_pattern(None, None, None)}
        data = ox.serialize(sorted(triples, key=str), format=fmt, prefixes=_prefixes() if args.format == "turtle" else None)
    else:
        data = store.ox.dump(format=fmt, prefixes=_prefixes() if args.format == "trig" else None)
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def _prefixes() -> dict[str, str]:
    from policykg.namespaces import PREFIXES

    return dict(PREFIXES)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="policykg", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("serve", help="start the HTTP server with the corpus loaded")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--data-dir", dest="data_dir")
    s.add_argument("--store", choices=["oxigraph", "memory", "remote"])
    s.add_argument("--processes", type=int, help="server processes on the port: one primary (every write) "
                   "and N - 1 replicas answering public reads (default 1; POLICYKG_PROCESSES)")
    s.set_defaults(fn=cmd_serve)

    c = sub.add_parser("check", help="check the consistency of the whole corpus")
    c.add_argument("--root", help="corpus root (default: this checkout)")
    c.add_argument("--only", action="append", help="run only this check (repeatable)")
    c.set_defaults(fn=cmd_check)

    e = sub.add_parser("export", help="dump the whole corpus")
    e.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="turtle")
    e.add_argument("--output", "-o")
    e.add_argument("--root")
    e.set_defaults(fn=cmd_export)

    from policykg.cli import eligibility, judge, match, query, reform, replay, tokens, trace, validate

    for mod in (validate, eligibility, match, judge, reform, replay, query, trace, tokens):
        mod.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: bad usage exits 2 already
        return int(e.code or 0)
    try:
        return int(args.fn(args) or 0)
    except BrokenPipeError:  # `policykg query --list | head`: the reader left; no traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
