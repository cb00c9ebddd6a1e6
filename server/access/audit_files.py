"""Reading the audit trail's files without reading them whole: the file set, lines from the end,
the line with a given sequence number (binary search on byte offsets), and the verification of the chain.

The trail is `audit.jsonl` (the active file) and its rotated predecessors `audit.jsonl.000001`,
`audit.jsonl.000002`, … (the higher the number, the newer), written by server/access/audit.py. The
hash chain runs through all of them: the first line of a file links to the last line of the one
before, and the sequence numbers go on.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GENESIS = "0" * 64
BLOCK = 1 << 16


def canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def line_hash(entry: dict[str, Any]) -> str:
    return hashlib.sha256(canonical({k: v for k, v in entry.items() if k != "hash"})).hexdigest()


def rotated(path: Path) -> list[Path]:
    """The rotated files of the trail at `path`, oldest first."""
    prefix = path.name + "."
    found = [(int(p.name[len(prefix):]), p) for p in path.parent.glob(prefix + "*")
             if p.name[len(prefix):].isdigit()]
    return [p for _n, p in sorted(found)]


def trail_files(path: Path) -> list[Path]:
    """Every file of the trail, oldest first (the active file last, if it exists)."""
    return rotated(path) + ([path] if path.exists() else [])


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        e = json.loads(raw)
    except ValueError:
        return {"damaged": raw[:200].decode("utf-8", "replace")}
    return e if isinstance(e, dict) else {"damaged": raw[:200].decode("utf-8", "replace")}


def lines_backwards(path: Path) -> Iterator[bytes]:
    """The non-empty lines of a file, last first, read in blocks from the end."""
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return
    with f:
        pos = f.seek(0, os.SEEK_END)
        rest = b""
        while pos > 0:
            step = min(BLOCK, pos)
            pos -= step
            f.seek(pos)
            chunk = f.read(step) + rest
            parts = chunk.split(b"\n")
            rest = parts[0]
            for raw in reversed(parts[1:]):
                if raw.strip():
                    yield raw
        if rest.strip():
            yield rest


def last_entry(path: Path) -> dict[str, Any] | None:
    for raw in lines_backwards(path):
        return _parse(raw)
    return None


def newest(path: Path, limit: int) -> list[dict[str, Any]]:
    """The last `limit` entries of the trail, oldest first, reading only as far back as needed."""
    out: list[dict[str, Any]] = []
    for p in reversed(trail_files(path)):
        for raw in lines_backwards(p):
            out.append(_parse(raw))
            if len(out) >= limit:
                return out[::-1]
    return out[::-1]


def _seq_at(f: Any, offset: int, size: int) -> tuple[int, int] | None:
    """(start offset, seq) of the first whole line starting at or after `offset`; None past the end."""
    f.seek(offset)
    if offset > 0:
        f.seek(offset - 1)
        if f.read(1) != b"\n":
            f.readline()  # skip the rest of the line we landed in
    start = f.tell()
    if start >= size:
        return None
    seq = _parse(f.readline()).get("seq")
    return start, seq if isinstance(seq, int) else 0


def _first_after(f: Any, size: int, after: int) -> int:
    """Byte offset of the first line whose seq > after (lines are in seq order): a binary search."""
    lo, hi = 0, size
    while lo < hi:
        mid = (lo + hi) // 2
        got = _seq_at(f, mid, size)
        if got is None or got[1] > after:
            hi = mid
        else:
            lo = f.tell()  # past the line at or after mid, whose seq <= after
    found = _seq_at(f, lo, size)
    return found[0] if found else size


def page_after(path: Path, after: int, limit: int) -> list[dict[str, Any]]:
    """At most `limit` entries with seq > after, in order: the file that holds seq after+1 is found by
    its first line, the line by binary search, and only the lines returned are read."""
    files = trail_files(path)
    start = 0
    for i, p in enumerate(files):
        with open(p, "rb") as f:
            first = _parse(f.readline()).get("seq")
        if isinstance(first, int) and first <= after + 1:
            start = i
    out: list[dict[str, Any]] = []
    for i, p in enumerate(files[start:]):
        with open(p, "rb") as f:
            size = f.seek(0, os.SEEK_END)
            f.seek(_first_after(f, size, after) if i == 0 else 0)
            for raw in f:
                if raw.strip():
                    e = _parse(raw)
                    if e.get("seq", after + 1) > after:
                        out.append(e)
                        if len(out) >= limit:
                            return out
    return out


@dataclass
class Verdict:
    ok: bool
    entries: int
    head: str
    line: int | None = None  # the first line that breaks the chain (in `file`)
    problem: str | None = None
    file: str | None = None  # the file of that line
    files: int = 0  # how many files were read


def check_line(raw: bytes, prev: str, n: int) -> str | None:
    """Why a line does not continue the chain after (prev, n entries); None if it does."""
    try:
        e = json.loads(raw)
    except ValueError:
        return "not JSON"
    if not isinstance(e, dict):
        return "not a JSON object"
    if e.get("prev") != prev:
        return "does not follow the previous line (a line was removed, inserted or reordered)"
    if e.get("seq") != n + 1:
        return f"sequence number {e.get('seq')!r}, expected {n + 1}"
    if e.get("hash") != line_hash(e):
        return "its content does not match its hash (the line was changed)"
    return None


def verify_file(p: Path, prev: str, n: int) -> tuple[Verdict, int]:
    """Continue the chain (prev, n) through one file: (verdict so far, bytes read)."""
    read = 0
    with open(p, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            read += len(raw)
            problem = check_line(raw, prev, n)
            if problem:
                return Verdict(False, n, prev, lineno, problem, str(p)), read
            e = json.loads(raw)
            prev, n = e["hash"], n + 1
    return Verdict(True, n, prev, file=str(p)), read


def verify(path: Path) -> Verdict:
    """Recompute the chain through every file of the trail, oldest first: each line's hash, its link
    to the previous line (across files too), its sequence number. A break names its file and line."""
    prev, n = GENESIS, 0
    files = trail_files(Path(path))
    for p in files:
        v, _read = verify_file(p, prev, n)
        if not v.ok:
            v.files = len(files)
            return v
        prev, n = v.head, v.entries
    return Verdict(True, n, prev, files=len(files))
