"""The audit trail: an append-only JSON-lines file whose lines are chained by SHA-256.

Each line is one JSON object: `seq` (1, 2, …), `time` (UTC), `who` (the token's name),
`tokenId`, `role`, `action` (method and path), `query` (the query string), `target` (what
was written or read: a submission or award id, when there is one), `requestId`, `status`
(the HTTP status answered), `outcome` (ok | refused | failed), `prev` (the previous line's
hash; 64 zeros for the first) and `hash` = SHA-256 of the line's canonical JSON without
`hash` (keys sorted, no spaces, UTF-8). Changing, removing or reordering any line breaks
the chain from there on (`verify`, `policykg audit verify`); cutting lines off the end
does not, so `verify` prints the head hash for the operator to record elsewhere.

Rotation: once the active file has reached `max_bytes` (setting `audit_max_bytes`, default 16 MiB),
the next append first renames it to `<file>.NNNNNN` (the next number, 6 digits; never deleted by
the server) and starts a new active file whose first line links to the last line of the rotated
one: the chain and the sequence numbers go on through every file (server/access/audit_files.py
reads and verifies them without reading a file whole). The appends and the rotation are
serialised by an `flock` on `<file>.lock`, so that a writer in another process never appends to a
file that has just been rotated.

Nothing in the API writes to this file except `append`, and nothing rewrites it. Appends
are serialised by a thread lock and an `flock` (the CLI may append too), and fsync'ed
before the answer they record is sent: after the lock, one fsync for the appends that arrived
together (group commit, as the store's). A last line without its newline was cut by a crash
(power loss) before it was complete, so before the answer it records was sent: the next
append moves it to `<file>.torn-<time>` and carries on from the last whole line.
"""
from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from policykg.access.audit_files import (
    GENESIS,
    Verdict,
    _parse,
    canonical,
    check_line,
    last_entry,
    line_hash,
    newest,
    page_after,
    rotated,
    trail_files,
    verify,
    verify_file,
)
from policykg.groupcommit import GroupCommit

__all__ = ["GENESIS", "MAX_BYTES", "AuditLog", "Verdict", "canonical", "line_hash", "read_entries", "verify"]

TAIL_BYTES = 1 << 16  # enough for the longest line we write (fields are capped below)
FIELD_CAP = 2000
MAX_BYTES = 16 * 1024 * 1024  # the active file is rotated once it has reached this size


def _cap(v: Any) -> Any:
    return v[:FIELD_CAP] if isinstance(v, str) else v


class AuditLog:
    """Appends chained lines to the active file (rotating it by size); reads them back for GET /api/audit."""

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES) -> None:
        self.path = Path(path)
        self.max_bytes = max(1, int(max_bytes))
        self._lock = threading.Lock()
        self._listeners: list[Any] = []
        self._checked = _ChainCheck(self.path)
        self._commit = GroupCommit(lambda: _fsync(self.path))  # appends that arrive together share one fsync

    def on_append(self, fn: Any) -> None:
        self._listeners.append(fn)

    def append(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Write one line after the current last one; returns it with seq, time, prev and hash."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with self._lock, open(lock_path, "a+b") as lk:
            fcntl.flock(lk, fcntl.LOCK_EX)
            try:
                rec = self._append_locked(entry)
                mine = self._commit.wrote()
            finally:
                fcntl.flock(lk, fcntl.LOCK_UN)
        # outside the lock, as the store's (OxiStore.sync): one fsync at a time, for every line written before it
        # started; a rotation fsyncs the file it renames, so a line is never left behind in it
        self._commit.wait_durable(mine)
        for fn in self._listeners:
            fn(rec)
        return rec

    def _append_locked(self, entry: dict[str, Any]) -> dict[str, Any]:
        with open(self.path, "a+b") as f:
            _set_aside_torn_tail(f, self.path)
            last = _last_line(f)
            size = f.seek(0, os.SEEK_END)
        if last is None:  # a fresh active file: the chain goes on from the newest rotated one
            old = rotated(self.path)
            last = last_entry(old[-1]) if old else None
        elif size >= self.max_bytes:
            self._rotate()
        rec = {k: _cap(v) for k, v in entry.items()}
        rec["seq"] = (last["seq"] + 1) if last else 1
        rec.setdefault("time", datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"))
        rec["prev"] = last["hash"] if last else GENESIS
        rec["hash"] = line_hash(rec)
        with open(self.path, "ab") as f:
            f.write(canonical(rec) + b"\n")  # fsync'ed by append() once the lock is released (_sync)
        return rec

    def _rotate(self) -> None:
        old = rotated(self.path)
        n = int(old[-1].name.rsplit(".", 1)[1]) + 1 if old else 1
        _fsync(self.path)  # lines whose group fsync is still to come: on disk before the rename
        os.rename(self.path, self.path.with_name(f"{self.path.name}.{n:06d}"))
        _fsync(self.path.parent)

    def entries(self, containing: bytes | None = None) -> list[dict[str, Any]]:
        """Every entry of every file, oldest first (only the lines containing `containing`, if given)."""
        return list(read_entries(self.path, containing))

    def tail(self, limit: int, after: int = 0) -> list[dict[str, Any]]:
        """The entries with seq > after, at most `limit` of them (the newest when after is 0); reads
        from the end, or from the line found by binary search, never a whole file."""
        return page_after(self.path, after, limit) if after else newest(self.path, limit)

    def checked(self) -> Verdict:
        """The chain as checked so far, brought up to date by reading only what changed (GET /api/audit)."""
        with self._lock:
            return self._checked.update()


class _ChainCheck:
    """Incremental verification: each rotated file is verified once (again if its size or mtime
    changes); the active file from where the last check ended, unless it shrank or the line that
    ended the last check is no longer there (then the active file is verified again, whole)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rotated: dict[str, tuple[tuple[int, int], str, int, Verdict]] = {}  # name -> (stat, prev in, n in, verdict)
        self.active: tuple[int, str, int, bytes, str, int] | None = None  # (inode, prev in, n in, last line, head, n)
        self.offset = 0
        self.lines = 0  # lines of the active file verified

    def update(self) -> Verdict:
        prev, n = GENESIS, 0
        files = rotated(self.path)
        for p in files:
            st = p.stat()
            key = (st.st_size, st.st_mtime_ns)
            got = self.rotated.get(p.name)
            if got is None or got[0] != key or got[1] != prev or got[2] != n:
                v, _ = verify_file(p, prev, n)
                got = self.rotated[p.name] = (key, prev, n, v)
            v = got[3]
            if not v.ok:
                return Verdict(False, v.entries, v.head, v.line, v.problem, v.file, len(files) + 1)
            prev, n = v.head, v.entries
        return self._active(prev, n, len(files) + 1)

    def _active(self, prev: str, n: int, nfiles: int) -> Verdict:
        try:
            f = open(self.path, "rb")
        except FileNotFoundError:
            return Verdict(True, n, prev, files=nfiles - 1)
        with f:
            st = os.fstat(f.fileno())
            a = self.active
            resume = a is not None and a[0] == st.st_ino and a[1] == prev and a[2] == n and st.st_size >= self.offset
            if resume and a[3]:
                f.seek(self.offset - len(a[3]))
                resume = f.read(len(a[3])) == a[3]
            if resume:
                assert a is not None
                f.seek(self.offset)
                head, count, last = a[4], a[5], a[3]
            else:
                f.seek(0)
                head, count, last, self.offset, self.lines = prev, n, b"", 0, 0
            for raw in f:
                if not raw.endswith(b"\n"):
                    break  # being written (or torn): checked next time
                problem = check_line(raw, head, count)
                if problem:
                    self.active = None
                    return Verdict(False, count, head, self.lines + 1, problem, str(self.path), nfiles)
                head, count, last = _parse(raw)["hash"], count + 1, raw
                self.offset += len(raw)
                self.lines += 1
            self.active = (st.st_ino, prev, n, last, head, count)
            return Verdict(True, count, head, files=nfiles)


def _fsync(p: Path) -> None:
    """A file's data, or a directory's entries, on disk."""
    fd = os.open(p, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


def read_entries(path: Path, containing: bytes | None = None) -> Iterator[dict[str, Any]]:
    """Every entry of every file of the trail, oldest first (only lines containing `containing`, if given)."""
    for p in trail_files(Path(path)):
        with open(p, "rb") as f:
            for raw in f:
                if raw.strip() and (containing is None or containing in raw):
                    yield _parse(raw)
