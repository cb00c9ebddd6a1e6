"""`policykg tokens add|list|revoke` and `policykg audit verify|show` (server/access/).

Tokens live in the tokens file of the data directory (`--data-dir`, POLICYKG_DATA_DIR, or
POLICYKG_TOKENS_FILE): only their argon2id hashes. `add` prints the new token once; a
running server sees additions and revocations at its next request. Rotating a token is
`add` (the new one, same role) then `revoke` (the old one's id). Token management is
written to the audit trail too (who: the operating-system user).
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("tokens", help="manage access tokens (stored as argon2id hashes)")
    t.add_argument("--data-dir", dest="data_dir")
    ts = t.add_subparsers(dest="action", required=True)
    a = ts.add_parser("add", help="make a token and print it once")
    a.add_argument("--role", required=True, choices=["submitter", "reviewer", "auditor", "admin"])
    a.add_argument("--name", required=True, help="who holds it (recorded in the audit trail)")
    ls = ts.add_parser("list", help="the tokens: id, name, role, created, revoked (never the token)")
    ls.add_argument("--json", action="store_true")
    r = ts.add_parser("revoke", help="revoke a token by its id (at once, also for a running server)")
    r.add_argument("id")
    t.set_defaults(fn=cmd_tokens)

    au = sub.add_parser("audit", help="the audit trail: verify its hash chain, or show its last entries")
    au.add_argument("--data-dir", dest="data_dir")
    aus = au.add_subparsers(dest="action", required=True)
    aus.add_parser("verify", help="recompute the hash chain through every file (rotated ones too); exit 1 at the first broken line, named by file and line")
    sh = aus.add_parser("show", help="print the last entries as JSON lines (read from the end of the trail)")
    sh.add_argument("-n", type=int, default=20)
    au.set_defaults(fn=cmd_audit)


def _settings(args: argparse.Namespace) -> Any:
    from policykg.config import Settings

    return Settings(**({"data_dir": args.data_dir} if args.data_dir else {}))


def _access_paths(args: argparse.Namespace) -> tuple:
    """(tokens file, audit trail) of --data-dir, else of the POLICYKG_* settings."""
    from policykg.access import paths

    return paths(_settings(args))


def _audit_cli(args: argparse.Namespace, action: str, target: str, status: int = 200) -> None:
    from policykg.access import AuditLog

    AuditLog(_access_paths(args)[1], _settings(args).audit_max_bytes).append({
        "who": f"cli:{getpass.getuser()}", "tokenId": None, "role": "operator", "action": action, "query": "",
        "target": target, "requestId": None, "status": status, "outcome": "ok"})


def cmd_tokens(args: argparse.Namespace) -> int:
    from policykg.access import TokenStore

    store = TokenStore(_access_paths(args)[0])
    if args.action == "add":
        try:
            rec, token = store.add(args.role, args.name)
        except ValueError as e:
            print(f"policykg tokens: {e}", file=sys.stderr)
            return 2
        _audit_cli(args, "tokens add", rec.id)
        print(f"token {rec.id} ({rec.role}, {rec.name}); shown this once, stored only as a hash:", file=sys.stderr)
        print(token)
        return 0
    if args.action == "list":
        recs = [r.public() for r in store.records()]
        if args.json:
            print(json.dumps(recs, ensure_ascii=False, indent=1))
        for r in [] if args.json else recs:
            print(f"{r['id']}  {r['role']:<9}  {r['created']}  {'revoked ' + r['revoked'] if r['revoked'] else 'active':<28}"
                  f"  {r['name']}")
        return 0
    try:
        rec = store.revoke(args.id)
    except KeyError:
        print(f"policykg tokens: no token with id {args.id!r} (see `policykg tokens list`)", file=sys.stderr)
        return 2
    _audit_cli(args, "tokens revoke", rec.id)
    print(f"token {rec.id} ({rec.role}, {rec.name}) revoked at {rec.revoked}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from policykg.access import AuditLog, verify

    path = _access_paths(args)[1]
    if args.action == "show":
        for e in AuditLog(path).tail(max(1, args.n)):
            print(json.dumps(e, ensure_ascii=False))
        return 0
    v = verify(path)
    if v.ok:
        print(f"policykg audit: {path}: {v.entries} entries, chain intact through {v.files} file(s); head {v.head}")
        return 0
    print(f"policykg audit: {v.file}: line {v.line}: {v.problem} ({v.entries} entries before it verify)",
          file=sys.stderr)
    return 1
