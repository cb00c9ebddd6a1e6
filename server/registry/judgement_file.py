"""Judgements kept on disk beside the store (data_dir/judgements.sqlite), so that a restarted server, or one whose
judgements a batch computed beforehand (`policykg judge`), answers candidates without evaluating again.

What registry/judged.py keeps in memory is written here too, per corpus version: (measure, day, lang, submission)
-> the judgement as JSON, with the project key and credit code it depends on, and the registry state the rows are
consistent with (sequence, last record, time). A later reader drops the rows of the projects and enterprises
written since that state exactly as the in-memory cache does. The file is trusted only if its last record is in
the store and the store's sequence has not gone back (another registry in the same directory: everything of it is
dropped). SQLite (the standard library's) gives the durable, indexed file without a server; WAL mode lets one
writer and readers work at once, and one connection serves the process under a lock.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

NAME = "judgements.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS judgement (version TEXT NOT NULL, measure TEXT NOT NULL, day TEXT NOT NULL,
  lang TEXT NOT NULL, sid TEXT NOT NULL, key TEXT, cc TEXT, entry TEXT NOT NULL,
  PRIMARY KEY (version, measure, day, lang, sid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS judgement_key ON judgement (version, key);
CREATE INDEX IF NOT EXISTS judgement_cc ON judgement (version, cc);
CREATE TABLE IF NOT EXISTS state (version TEXT PRIMARY KEY, sequence INTEGER NOT NULL, last TEXT, at TEXT);
CREATE TABLE IF NOT EXISTS sieve (version TEXT NOT NULL, sid TEXT NOT NULL, projects TEXT NOT NULL,
  PRIMARY KEY (version, sid)) WITHOUT ROWID;
"""
Row = tuple[tuple[str, str, str, str], tuple[Any, str | None, str | None]]  # (sid, measure, day, lang) -> cache value
_OPEN_LOCK = threading.Lock()
RECLAIM_PAGES = 1024  # free pages (4 MB) below which a file is left as it is


class JudgementFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # a cache: losing the last rows on power loss costs a recompute
        self._db.executescript(SCHEMA)
        with self._lock:
            self._reclaim()  # a file an older server left mostly free (1.1 GB for ~100 MB of rows, seen at 100k)

    def state(self, version: str) -> dict[str, Any] | None:
        with self._lock:
            r = self._db.execute("SELECT sequence, last, at FROM state WHERE version = ?", (version,)).fetchone()
        return None if r is None else {"sequence": r[0], "last": r[1], "at": r[2]}

    def set_state(self, version: str, state: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO state VALUES (?, ?, ?, ?)",
                             (version, state["sequence"], state.get("last"), state.get("at")))

    def clear(self, keep: str | None = None) -> None:
        """Forget every corpus version's rows but `keep`'s (None: all)."""
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM judgement WHERE version IS NOT ?", (keep,))
            self._db.execute("DELETE FROM state WHERE version IS NOT ?", (keep,))
            # the sieve's rows are keyed "<format>:<version>" (matching/sieve.py)
            self._db.execute("DELETE FROM sieve WHERE ? IS NULL OR version NOT LIKE '%' || ?", (keep, keep))
        with self._lock:
            self._reclaim()

    def _reclaim(self) -> None:
        """Give the pages of deleted rows back to the disk when they are over a quarter of the file (SQLite reuses
        them for later rows but never shrinks the file by itself): after a corpus version's or another registry's
        rows were dropped. VACUUM rewrites the live rows only (~100 MB at 100,000 submissions: about a second)."""
        free = self._db.execute("PRAGMA freelist_count").fetchone()[0]
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        if free > RECLAIM_PAGES and free * 4 > pages:
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # (WAL mode: the file shrinks at the checkpoint)

    def load(self, version: str, measure: str | None = None, day: str | None = None,
             lang: str | None = None) -> list[Row]:
        """The rows of `version`, those of one measure / day / lang when given."""
        where, args = ["version = ?"], [version]
        for col, v in (("measure", measure), ("day", day), ("lang", lang)):
            if v is not None:
                where.append(f"{col} = ?")
                args.append(v)
        with self._lock:
            rows = self._db.execute("SELECT sid, measure, day, lang, entry, key, cc FROM judgement WHERE "
                                    + " AND ".join(where), args).fetchall()
        return [((r[0], r[1], r[2], r[3]), (json.loads(r[4]), r[5], r[6])) for r in rows]

    def put(self, version: str, rows: Iterable[Row]) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO judgement VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                 [(version, m, d, lg, sid, key, cc, json.dumps(entry, ensure_ascii=False))
                                  for (sid, m, d, lg), (entry, key, cc) in rows])

    def drop(self, version: str, keys: set[str], ccs: set[str]) -> None:
        """Forget the judgements that depend on these projects or enterprises."""
        with self._lock, self._db:
            self._db.execute("BEGIN")
            for col, values in (("key", sorted(keys)), ("cc", sorted(ccs))):
                for i in range(0, len(values), 500):
                    part = values[i:i + 500]
                    self._db.execute(f"DELETE FROM judgement WHERE version = ? AND {col} IN "
                                     f"({','.join('?' * len(part))})", [version, *part])

    def sieve_rows(self, version: str) -> list[tuple[str, str]]:
        """(submission id, what candidates' sieve index keeps of its projects, as text: matching/sieve.py), as
        put_sieve wrote them. A stored submission never changes, so these hold for as long as the corpus version
        (whose thresholds say which figures are kept)."""
        with self._lock:
            return self._db.execute("SELECT sid, projects FROM sieve WHERE version = ?", (version,)).fetchall()

    def put_sieve(self, version: str, rows: Iterable[tuple[str, str]]) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO sieve VALUES (?, ?, ?)",
                                 [(version, sid, text) for sid, text in rows])

    def count(self, version: str) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM judgement WHERE version = ?", (version,)).fetchone()[0]


def judgement_file(store: Any) -> JudgementFile | None:
    """The file beside an on-disk store (opened once per store object: one process holds a store's directory), None
    for a store in memory, a read-only handle or a remote store."""
    path = getattr(store, "path", None)
    if path is None:
        return None
    with _OPEN_LOCK:
        f = store.__dict__.get("_judgement_file")
        if f is None:
            f = store.__dict__["_judgement_file"] = JudgementFile(Path(path).parent / NAME)
        return f
