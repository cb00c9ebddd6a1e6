"""`policykg validate FILE…`: the report of each file, every result with its clause.

Formats by extension (.ttl Turtle, .nt N-Triples, .jsonld JSON-LD, .json the JSON form) or
--input-format. Exit codes (docs/architecture.md (house style)): 0 every file conforms, 1 one does not, 2 bad
input (a file that cannot be read or parsed: file, line and column). A file to which no rule in
force applied is "not evaluated" (exit 1, never a pass); the text and JSON say what was checked.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from policykg.config import ROOT, Settings, get_settings
from policykg.errors import PolicyKGError

CONTENT_TYPES = {"turtle": "text/turtle", "ntriples": "application/n-triples", "jsonld": "application/ld+json",
                 "json": "application/json"}
EXTENSIONS = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".json": "json"}
WORDS = {
    "zh": {"ok": "符合", "bad": "不符合", "none": "未评估（没有现行规则适用，不是通过）", "input": "输入错误",
           "v": "违规", "w": "警告", "i": "提示", "asof": "评估日期", "in": "现行适用文件", "out": "不在有效期的适用文件",
           "m": "评估的措施", "shapes": "适用规则数", "src": {"parameter": "参数", "applicationDate": "申报日期",
                                                       "today": "今天（未给出申报日期）"}},
    "en": {"ok": "conforms", "bad": "does not conform", "none": "NOT EVALUATED (no rule in force applied: not a pass)",
           "input": "bad input", "v": "violation", "w": "warning", "i": "info", "asof": "as of",
           "in": "documents in force", "out": "documents not in force", "m": "measures evaluated",
           "shapes": "shapes applied", "src": {"parameter": "parameter", "applicationDate": "application date",
                                               "today": "today: no application date"}},
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="validate submissions (Turtle, N-Triples, JSON-LD or the JSON form)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--as-of", dest="as_of", type=date.fromisoformat, help="evaluate the policies in force on "
                   "this date (YYYY-MM-DD; default: each submission's application date, else today)")
    p.add_argument("--format", choices=["text", "json", "turtle"], default="text", help="output format")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the messages")
    p.add_argument("--input-format", dest="input_format", choices=sorted(CONTENT_TYPES),
                   help="format of the files (default: by extension)")
    p.add_argument("--engine", choices=["compiled", "fast", "pyshacl"], default="compiled",
                   help="compiled (default), fast, or pySHACL for everything (the reference, slower)")
    p.add_argument("--root", help="corpus root (default: this checkout)")
    reg = p.add_mutually_exclusive_group()
    reg.add_argument("--data-dir", dest="data_dir", help="read the registry of this (stopped) server's data "
                     "directory, as the API does (default: the configured data directory, if it exists)")
    reg.add_argument("--no-registry", dest="no_registry", action="store_true",
                     help="validate against the corpus alone, without the registry of submissions and awards")
    reg.add_argument("--server", metavar="URL", help="validate through a running server (POST /api/validate): "
                     "its registry, its answer")
    p.add_argument("--token", help="with --server: the access token (default: $POLICYKG_TOKEN)")
    p.set_defaults(fn=cmd_validate)


def _input_format(path: Path, forced: str | None) -> str:
    if forced:
        return forced
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise PolicyKGError(f"unknown file extension {path.suffix!r}: use --input-format", {"file": str(path)})
    return fmt


def validate_file(store: Any, path: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One file's outcome as JSON-able data (raises PolicyKGError for bad input); with --server, the server's."""
    from policykg.registry import check
    from policykg.submission import parse_submission
    from policykg.validation import validate

    try:
        body = path.read_bytes()
    except OSError as e:
        raise PolicyKGError(f"cannot read {path}: {e.strerror}", {"file": str(path)}) from None
    fmt = _input_format(path, args.input_format)
    if args.server:
        from policykg.cli.remote import client, validate_remote

        return validate_remote(client(args), path, body, CONTENT_TYPES[fmt], args)
    parsed = parse_submission(body, CONTENT_TYPES[fmt], get_settings().max_body_bytes, store)
    if args.no_registry:
        outcome = validate(store, parsed.graph, as_of=args.as_of, engine=args.engine)
    else:  # as POST /api/validate: the registry's awards and pending submissions count
        outcome = check(store, parsed.graph, args.as_of, args.engine)
    return {"file": str(path), "outcome": outcome}


def open_registry(args: argparse.Namespace, root: Path) -> tuple[Any, dict[str, Any]]:
    """(store, what the registry is): the data directory's store, or the corpus alone (--no-registry, or no
    data directory yet: then the registry is empty). A running server's directory is locked: say so."""
    from policykg.registry import consulted
    from policykg.store import OxiStore, corpus_store

    data = Path(args.data_dir) if args.data_dir else Settings().data_dir  # fresh: POLICYKG_DATA_DIR as it is now
    if args.no_registry or not (data / "store").exists():
        store = corpus_store(root)
        info = {"consulted": False} if args.no_registry else {**consulted(store), "dataDir": str(data), "empty": True}
        return store, info
    store = OxiStore(data / "store")  # StoreInUse when a server holds it
    store.ensure_corpus(root)
    return store, {**consulted(store), "dataDir": str(data)}


def _text(entry: dict[str, Any], lang: str) -> str:
    w = WORDS[lang]
    if "error" in entry:
        return f"{w['input']}: {entry['error']}"
    o = entry["outcome"]
    counts = {s: sum(1 for r in o.results if r["severity"] == s) for s in ("Violation", "Warning", "Info")}
    def n(k: str, word: str) -> str:  # "1 violation", "2 violations" (Chinese has no plural)
        return f"{counts[k]} {word}{'s' if lang == 'en' and counts[k] != 1 else ''}"

    verdict = {"conforms": w["ok"], "does-not-conform": w["bad"], "not-evaluated": w["none"]}[o.status]
    head = (f"{entry['file']}: {verdict} ({n('Violation', w['v'])}, "
            f"{n('Warning', w['w'])}, {n('Info', w['i'])})")
    lines = [head, *_checked_text(o.checked(lang), w)]
    for r in o.results:
        lines.append(f"  [{r['severity']}] {r['message'][lang]}")
        c = r.get("clause") or {}
        where = " ".join(x for x in (c.get("documentLabel") or c.get("documentNumber"), c.get("label")) if x)
        lines.append(f"      {where} <{c.get('iri', '')}>" if c else "      (no clause)")
        if c.get("text"):
            lines.append(f"      “{c['text']}”")
    return "\n".join(lines)


def _checked_text(c: dict[str, Any] | None, w: dict[str, Any]) -> list[str]:
    """What was checked, one line each (validation_checked)."""
    if not c:
        return []
    def docs(ds: list[dict[str, Any]]) -> str:
        return "; ".join(f"{d['number'] or d['title']} {d['validFrom'] or '…'}–{d['validUntil'] or '…'}"
                         for d in ds) or "—"
    src = w["src"].get(c["asOfSource"], c["asOfSource"])
    return [f"  {w['asof']}: {c['asOf']} ({src})", f"  {w['in']}: {docs(c['documentsInForce'])}",
            f"  {w['out']}: {docs(c['documentsNotInForce'])}",
            f"  {w['m']}: {', '.join(m['slug'] or m['iri'] for m in c['measuresEvaluated']) or '—'}",
            f"  {w['shapes']}: {c['shapesApplied']}"]


def _error_text(path: Path, e: PolicyKGError) -> str:
    d = e.detail if isinstance(e.detail, dict) else {}
    where = f"{path}:{d['line']}:{d.get('column') or 0}" if d.get("line") else str(path)
    return f"{where}: {e.message}"


def cmd_validate(args: argparse.Namespace) -> int:
    from policykg.errors import StoreInUse

    if args.server and args.format == "turtle":
        print("policykg validate: --server gives the JSON or text report; for Turtle, ask POST /api/validate "
              "with Accept: text/turtle", file=sys.stderr)
        return 2
    try:
        store, registry = (None, {}) if args.server else open_registry(args, Path(args.root) if args.root else ROOT)
    except StoreInUse as e:
        print(f"policykg validate: {e.message}; validate through it (--server URL) or use --no-registry",
              file=sys.stderr)
        return 2
    entries: list[dict[str, Any]] = []
    files = [Path(f) for f in args.files]
    tty = sys.stderr.isatty() and len(files) > 1
    for i, path in enumerate(files, 1):
        if tty:
            print(f"\r[{i}/{len(files)}] {path.name[:60]:<60}", end="", file=sys.stderr, flush=True)
        try:
            entries.append(validate_file(store, path, args))
        except PolicyKGError as e:
            entries.append({"file": str(path), "error": _error_text(path, e), "detail": e.detail})
    if tty:
        print(file=sys.stderr)
    for e in entries:
        e.setdefault("registry", registry)
    _print(entries, args)
    if any("error" in e for e in entries):
        return 2
    return 0 if all(e["outcome"].conforms for e in entries) else 1


def _contract(report: dict[str, Any]) -> dict[str, Any]:
    """The report as the API answers it: results without internal ("_") keys."""
    return {**report, "results": [{k: v for k, v in r.items() if not k.startswith("_")} for r in report["results"]]}


def _print(entries: list[dict[str, Any]], args: argparse.Namespace) -> None:
    if args.format == "json":
        out = [{"file": e["file"], "error": e["error"], "detail": e.get("detail")} if "error" in e else
               {"file": e["file"], **_contract(e["outcome"].to_json(args.lang)), "asOf": e["outcome"].as_of,
                "registry": e["registry"]}
               for e in entries]
        print(json.dumps(out[0] if len(out) == 1 else out, ensure_ascii=False, indent=2, default=str))
    elif args.format == "turtle":
        for e in entries:
            if "error" in e:
                print(f"# {e['error']}", file=sys.stderr)
                continue
            print(f"# {e['file']}")
            print(e["outcome"].report_graph.serialize(format="turtle"))
    else:
        print("\n\n".join(_text(e, args.lang) for e in entries))
