"""The audit trail: an append-only JSON-lines file whose lines are chained by SHA-256.

Each line is one JSON object: `seq` (1, 2, …), `time` (UTC), `who` (the token's name),
`tokenId`, `role`, `action` (method and path), `query` (the query string), `target` (what
was written or read: a submission or award id, when there is one), `requestId`, `status`
(the HTTP status answered), `outcome` (ok | refused | failed), `prev` (the previous line's
hash; 64 zeros for the first) and `hash` = SHA-256 of the line's canonical JSON without
`hash` (keys sorted, no spaces, UTF-8). Changing, removing or reordering any line breaks
the chain from there on (`verify`, `policykg audit verify`); cutting lines off the end
does not, so `verify` prints the head hash for the operator to record elsewhere.

Nothing in the API writes to this file except `append`, and nothing rewrites it. Appends
are serialised by a thread lock and an `flock` (the CLI may append too), and fsync'ed
before the answer they record is sent. A last line without its newline was cut by a crash
(power loss) before it was complete, so before the answer it records was sent: the next
append moves it to `<file>.torn-<time>` and carries on from the last whole line.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GENESIS = "0" * 64
TAIL_BYTES = 1 << 16  # enough for the longest line we write (fields are capped below)
FIELD_CAP = 2000


def canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def line_hash(entry: dict[str, Any]) -> str:
    return hashlib.sha256(canonical({k: v for k, v in entry.items() if k != "hash"})).hexdigest()


def _cap(v: Any) -> Any:
    return v[:FIELD_CAP] if isinstance(v, str) else v


class AuditLog:
    """Appends chained lines to one file; reads them back for GET /api/audit."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._listeners: list[Any] = []

    def on_append(self, fn: Any) -> None:
        self._listeners.append(fn)

    def append(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Write one line after the current last one; returns it with seq, time, prev and hash."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path, "a+b") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                _set_aside_torn_tail(f, self.path)
                last = _last_line(f)
                rec = {k: _cap(v) for k, v in entry.items()}
                rec["seq"] = (last["seq"] + 1) if last else 1
                rec.setdefault("time", datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"))
                rec["prev"] = last["hash"] if last else GENESIS
                rec["hash"] = line_hash(rec)
                f.seek(0, os.SEEK_END)
                f.write(canonical(rec) + b"\n")
                f.flush()
                os.fsync(f.fileno())
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
        for fn in self._listeners:
            fn(rec)
        return rec

    def entries(self) -> list[dict[str, Any]]:
        return list(read_entries(self.path))

    def tail(self, limit: int, after: int = 0) -> list[dict[str, Any]]:
        """The entries with seq > after, at most `limit` of them (the newest when after is 0)."""
        out = [e for e in read_entries(self.path) if e.get("seq", 0) > after]
        return out[:limit] if after else out[-limit:]


def _set_aside_torn_tail(f: Any, path: Path) -> None:
    f.seek(0, os.SEEK_END)
    size = f.tell()
    if size == 0:
        return
    f.seek(size - 1)
    if f.read(1) == b"\n":
        return
    start = max(0, size - TAIL_BYTES)
    f.seek(start)
    tail = f.read()
    cut = start + tail.rfind(b"\n") + 1 if b"\n" in tail else 0
    f.seek(cut)
    torn = f.read()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path.with_name(f"{path.name}.torn-{stamp}").write_bytes(torn)
    f.truncate(cut)
    f.flush()
    os.fsync(f.fileno())


def _last_line(f: Any) -> dict[str, Any] | None:
    f.seek(0, os.SEEK_END)
    size = f.tell()
    if size == 0:
        return None
    f.seek(max(0, size - TAIL_BYTES))
    lines = f.read().rstrip(b"\n").split(b"\n")
    try:
        return json.loads(lines[-1])
    except ValueError:
        raise RuntimeError(f"the audit trail {f.name} ends with a damaged line: "
                           "run `policykg audit verify`") from None


def read_entries(path: Path) -> Any:
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return
    with f:
        for raw in f:
            if raw.strip():
                try:
                    yield json.loads(raw)
                except ValueError:
                    yield {"damaged": raw[:200].decode("utf-8", "replace")}


@dataclass
class Verdict:
    ok: bool
    entries: int
    head: str
    line: int | None = None  # the first line that breaks the chain
    problem: str | None = None


def verify(path: Path) -> Verdict:
    """Recompute the chain: each line's hash, its link to the previous line, its sequence number."""
    prev, n = GENESIS, 0
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return Verdict(True, 0, GENESIS)
    with f:
        for lineno, raw in enumerate(f, 1):
            try:
                e = json.loads(raw)
            except ValueError:
                return Verdict(False, n, prev, lineno, "not JSON")
            if not isinstance(e, dict):
                return Verdict(False, n, prev, lineno, "not a JSON object")
            if e.get("prev") != prev:
                return Verdict(False, n, prev, lineno, "does not follow the previous line (a line was removed, "
                                                       "inserted or reordered)")
            if e.get("seq") != n + 1:
                return Verdict(False, n, prev, lineno, f"sequence number {e.get('seq')!r}, expected {n + 1}")
            if e.get("hash") != line_hash(e):
                return Verdict(False, n, prev, lineno, "its content does not match its hash (the line was changed)")
            prev, n = e["hash"], n + 1
    return Verdict(True, n, prev)
