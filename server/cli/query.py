"""`policykg query NAME|FILE.rq [--param k=v]… [--format json|csv|tsv|xml|table]`.

Runs a library query (or any .rq file) on the corpus, loaded in memory, or on the
remote store when POLICYKG_STORE=remote. Parameters are bound as typed terms, never
spliced. Exit codes: 0 answered, 1 a `*-violation` check returned rows, 2 bad input
(unknown query or parameter, syntax error, refused query).
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

from policykg.config import ROOT, Settings
from policykg.errors import BadInput, PolicyKGError
from policykg.namespaces import BASE, PREFIXES
from policykg.sparql import (
    NamedQuery,
    QueryJob,
    TooManyRows,
    evaluate,
    inspect,
    load_library,
    parse_query_file,
)

FORMATS = ["json", "csv", "tsv", "xml", "table"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("query", help="run a named query of the library, or a .rq file",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("query", nargs="?", help="library name (see --list) or path to a .rq file")
    p.add_argument("--param", "-p", action="append", default=[], metavar="K=V", help="a parameter (repeatable)")
    p.add_argument("--format", "-f", choices=FORMATS, default="table")
    p.add_argument("--list", action="store_true", help="list the library")
    p.add_argument("--root", help="corpus root (default: this checkout)")
    p.set_defaults(fn=cmd_query)


def _load(arg: str, root: Path) -> NamedQuery:
    path = Path(arg)
    if arg.endswith(".rq") and path.is_file():
        if any(line.startswith("#+") for line in path.read_text(encoding="utf-8").splitlines()):
            return parse_query_file(path)
        return NamedQuery(path.stem, path, path.stem, "", path.read_text(encoding="utf-8"))
    lib = load_library(root)
    if arg not in lib:
        raise KeyError(arg)
    return lib[arg]


def _params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        k, eq, v = pair.partition("=")
        if not eq or not k:
            raise ValueError(f"--param takes K=V, not {pair!r}")
        out[k.strip()] = v
    return out


def _table(body: bytes) -> str:
    """A plain text table of SPARQL JSON results (display only; data formats come from the engine)."""
    data = json.loads(body)
    if "boolean" in data:
        return "true" if data["boolean"] else "false"
    names = data["head"]["vars"]
    rows = [[_cell(b.get(n)) for n in names] for b in data["results"]["bindings"]]
    widths = [max([_width(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = lambda cells: "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(names), line(["-" * w for w in widths]), *map(line, rows), f"({len(rows)} rows)"])


def _width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(b: dict[str, Any] | None) -> str:
    if not b:
        return ""
    v = b["value"].replace("\n", " ")
    return v.removeprefix(BASE) if b["type"] == "uri" else v


def run(q: NamedQuery, given: dict[str, str], fmt: str, settings: Settings, root: Path) -> tuple[bytes, int]:
    """(body, rows) of the query's answer; raises PolicyKGError on bad input."""
    bindings = q.bindings(given)
    info = inspect(q.text, PREFIXES)
    if info.form in ("CONSTRUCT", "DESCRIBE"):
        key = {"json": "jsonld", "xml": "rdfxml", "table": "turtle"}.get(fmt)
        if key is None:
            raise BadInput(f"a {info.form} query answers with a graph: use --format json, xml or table")
    else:
        key = "json" if fmt == "table" else fmt
    job = QueryJob(text=q.text, fmt=key, form=info.form, max_rows=settings.max_result_rows,
                   union_default=not info.has_dataset, bindings=bindings, base_iri=BASE, prefixes=dict(PREFIXES))
    if settings.store == "remote":
        from policykg.store import RemoteStore

        store: Any = RemoteStore(settings)
        store.ensure_corpus(root)
        answer = store.run_job(job)
    else:
        from policykg.store import OxiStore

        store = OxiStore(None)
        store.ensure_corpus(root)
        answer = evaluate(store.ox, job)
    body = _table(answer.body).encode() + b"\n" if fmt == "table" and job.fmt == "json" else answer.body
    if answer.truncated:  # the first rows of a longer answer: said on stderr, the answer stays parseable
        print(f"policykg query: truncated to the first {answer.count} rows (max_result_rows)", file=sys.stderr)
    return body, answer.count


def cmd_query(args: argparse.Namespace) -> int:
    root = Path(args.root) if args.root else ROOT
    if args.list or not args.query:
        for q in load_library(root).values():
            params = " ".join(f"{p.name}:{p.type}" + (f"={p.default}" if p.default is not None else "")
                              for p in q.params)
            print(f"{q.name:45} {q.summary}" + (f"  [{params}]" if params else ""))
        return 0
    try:
        q = _load(args.query, root)
        body, rows = run(q, _params(args.param), args.format, Settings(), root)
    except KeyError:
        print(f"policykg query: no query {args.query!r} in the library (policykg query --list)", file=sys.stderr)
        return 2
    except ValueError as e:
        print(f"policykg query: {e}", file=sys.stderr)
        return 2
    except SyntaxError as e:
        print(f"policykg query: SPARQL syntax error: {e}", file=sys.stderr)
        return 2
    except TooManyRows:
        print("policykg query: the answer has more rows than max_result_rows", file=sys.stderr)
        return 2
    except PolicyKGError as e:
        print(f"policykg query: {e.message}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(body)
    sys.stdout.flush()
    if q.is_violation_check and rows:
        print(f"policykg query: {q.name} found {rows} violation(s)", file=sys.stderr)
        return 1
    return 0
