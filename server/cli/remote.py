"""The CLI through a running server (`--server URL`): the same registry as the API, by the API itself.

`policykg validate --server URL` posts each file to POST /api/validate and `policykg replay --server URL`
each id to POST /api/replay, with `--token` (or POLICYKG_TOKEN) as `Authorization: Bearer`, so the CLI and
the API give one answer. Only the standard library (policykg.client).
"""
from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policykg.client import Client, ClientError
from policykg.errors import PolicyKGError


@dataclass
class RemoteOutcome:
    """An API report shaped as the CLI prints an outcome: messages keyed by language, as validation gives them."""

    conforms: bool
    results: list[dict[str, Any]]
    as_of: Any
    receipt: dict[str, Any]
    lang: str

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {"conforms": self.conforms, "results": [dict(r, message=r["message"][self.lang]) for r in self.results]}


def client(args: argparse.Namespace) -> Client:
    token = getattr(args, "token", None) or os.environ.get("POLICYKG_TOKEN") or None
    return Client(args.server, token=token, timeout=300)


def _fail(e: ClientError, what: str | None = None) -> PolicyKGError:
    return PolicyKGError(f"{what + ': ' if what else ''}the server answered {e.status}: {e.error}", e.detail)


def validate_remote(c: Client, path: Path, body: bytes, content_type: str, args: argparse.Namespace) -> dict[str, Any]:
    """One file validated by the server: {file, outcome} as validate_file gives (PolicyKGError for a 4xx)."""
    params = {"engine": args.engine, **({"asOf": args.as_of.isoformat()} if args.as_of else {})}
    try:
        raw, _h = c._request("POST", "/api/validate", params, body,
                             {"content-type": content_type, "accept-language": args.lang})
    except ClientError as e:
        raise _fail(e) from None  # the CLI names the file (and the line, from the detail)
    except OSError as e:
        raise PolicyKGError(f"cannot reach {args.server}: {e}", {"server": args.server}) from None
    rep = json.loads(raw)
    results = [dict(r, message={args.lang: r["message"]}) for r in rep["results"]]
    rec = rep.get("receipt") or {}
    return {"file": str(path), "outcome": RemoteOutcome(rep["conforms"], results, rec.get("asOf"), rec, args.lang),
            "registry": {**(rec.get("registry") or {"consulted": False}), "server": args.server}}


def replay_remote(args: argparse.Namespace, ids: list[str]) -> list[dict[str, Any]]:
    c = client(args)
    out = []
    for sid in ids:
        try:
            out.append(c._json("POST", "/api/replay", {"id": sid}))
        except ClientError as e:
            raise _fail(e, sid) from None
        except OSError as e:
            raise PolicyKGError(f"cannot reach {args.server}: {e}", {"server": args.server}) from None
    return out
