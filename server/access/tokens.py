"""Bearer tokens: stored only as argon2id hashes in a JSON file, checked cheaply per request.

A token is `pkg_<id>_<secret>`: `id` (12 hex digits) names the one record whose hash to
verify, `secret` is 32 random bytes (URL-safe base64). The file (`tokens_file`, default
`<data_dir>/tokens.json`, mode 0600) holds per token its id, name, role, argon2id hash,
creation time and revocation time; never the token itself. `POLICYKG_ADMIN_TOKEN`, if
set when the server starts, is one more admin token held in memory only (hashed there too).

argon2 is slow on purpose, so a verified token is remembered in memory by the SHA-256 of
its text (never the text itself) until the file changes; a token whose id is unknown is
refused without hashing, and a refused token is remembered too (bounded), so that
repeating a bad token costs no hashing. Guessing under a known id is throttled: after
FAIL_LIMIT failed verifications for one id within FAIL_WINDOW_S seconds, further unknown
tokens for that id are refused without hashing until the window passes (a token already
verified is still accepted from memory). The file is re-read when its mtime or size
changes (`policykg tokens revoke` in another process takes effect at the next request).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("submitter", "reviewer", "auditor", "admin")
# What each role may do; admin may do everything (it can mint any token anyway).
PERMISSIONS: dict[str, frozenset[str]] = {
    "submitter": frozenset({"submit", "read-own-submissions"}),
    "reviewer": frozenset({"award", "read-registry"}),
    "auditor": frozenset({"read-registry", "read-audit"}),
    "admin": frozenset({"submit", "award", "read-registry", "read-audit", "manage-tokens"}),
}
# OWASP's argon2id minimum (19 MiB, 2 passes): the secrets are 256-bit random, so the hash only has
# to make a stolen file useless, not slow down guessing of weak passwords; ~20 ms per verification.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
TOKEN_RE = re.compile(r"pkg_([0-9a-f]{12})_[A-Za-z0-9_-]{43}")
ENV_ID = "env-admin"
MAX_REFUSED = 10_000
FAIL_LIMIT, FAIL_WINDOW_S = 10, 10.0
MIN_ENV_TOKEN = 20  # characters of POLICYKG_ADMIN_TOKEN (ours are 60: pkg_, a 12-digit id, 43 random)


def weak_env_token(token: str | None) -> str | None:
    """Why POLICYKG_ADMIN_TOKEN cannot be used (the message never repeats it), or None."""
    if token is not None and len(token.strip()) < MIN_ENV_TOKEN:
        return (f"POLICYKG_ADMIN_TOKEN must be at least {MIN_ENV_TOKEN} characters (e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
    return None


@dataclass(frozen=True)
class Principal:
    """Who a verified token belongs to (what the audit trail records)."""

    id: str
    name: str
    role: str

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


@dataclass
class TokenRecord:
    id: str
    name: str
    role: str
    hash: str
    created: str
    revoked: str | None = None

    def public(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "hash"}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class TokenStore:
    """The tokens file, plus the optional admin token of the environment."""

    def __init__(self, path: Path, env_admin: str | None = None) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._records: dict[str, TokenRecord] = {}
        self._stamp: tuple[int, int] | None = None
        self._ok: dict[str, Principal] = {}  # sha256(token) -> principal, for tokens verified since the last load
        self._refused: set[str] = set()
        self._failures: dict[str, deque[float]] = {}  # token id -> times of recent failed verifications
        self._env: TokenRecord | None = None
        if weak_env_token(env_admin):
            raise ValueError(weak_env_token(env_admin))
        if env_admin:
            self._env = TokenRecord(ENV_ID, "POLICYKG_ADMIN_TOKEN", "admin", HASHER.hash(env_admin), _now())

    # -- the file -----------------------------------------------------------
    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _fresh(self) -> None:
        """Re-read the file if it changed since the last read (and forget what was verified)."""
        stamp = self._file_stamp()
        if stamp == self._stamp and (stamp is not None or not self._records):
            return
        self._records = {r.id: r for r in _read(self.path)}
        self._stamp = stamp
        self._ok.clear()
        self._refused.clear()

    def records(self) -> list[TokenRecord]:
        with self._lock:
            self._fresh()
            return sorted(self._records.values(), key=lambda r: (r.created, r.id))

    def has_active(self) -> bool:
        return self._env is not None or any(r.revoked is None for r in self.records())

    @contextmanager
    def _writing(self) -> Iterator[dict[str, TokenRecord]]:
        """The records, under an exclusive lock of the file's directory entry, written back atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = self.path.with_name(self.path.name + ".lock")
        with open(lock, "a") as lf:
            fcntl.flock(lf, fcntl.LOCK_EX)
            recs = {r.id: r for r in _read(self.path)}
            yield recs
            tmp = self.path.with_name(self.path.name + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"version": 1, "tokens": [asdict(r) for r in recs.values()]}, f, indent=1)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        with self._lock:
            self._stamp = None  # re-read at the next use

    def add(self, role: str, name: str) -> tuple[TokenRecord, str]:
        """A new token of `role`: (its record, the token itself, to show once and never again)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        name = name.strip()
        if not name or len(name) > 100 or any(ord(c) < 32 for c in name):
            raise ValueError("name must be 1 to 100 printable characters")
        with self._writing() as recs:
            tid = secrets.token_hex(6)
            while tid in recs:
                tid = secrets.token_hex(6)
            token = f"pkg_{tid}_{secrets.token_urlsafe(32)}"
            rec = TokenRecord(tid, name, role, HASHER.hash(token), _now())
            recs[tid] = rec
        return rec, token

    def revoke(self, tid: str) -> TokenRecord:
        with self._writing() as recs:
            rec = recs.get(tid)
            if rec is None:
                raise KeyError(tid)
            if rec.revoked is None:
                rec.revoked = _now()
        return rec

    # -- verification -------------------------------------------------------
    def verify(self, token: str) -> Principal | None:
        """The principal of a valid, unrevoked token; None otherwise. Cheap after the first success."""
        key = _sha(token)
        with self._lock:
            self._fresh()
            if key in self._ok:
                return self._ok[key]
            if key in self._refused:
                return None
            m = TOKEN_RE.fullmatch(token)
            rec = self._records.get(m.group(1)) if m else self._env
            if rec is not None and self._throttled(rec.id):
                return None
        principal = None
        if rec is not None and rec.revoked is None:
            try:
                if HASHER.verify(rec.hash, token):
                    principal = Principal(rec.id, rec.name, rec.role)
            except (VerificationError, InvalidHashError):
                principal = None
        with self._lock:
            if principal is not None:
                self._ok[key] = principal
            else:
                if len(self._refused) >= MAX_REFUSED:
                    self._refused.clear()
                self._refused.add(key)
                if rec is not None:
                    self._failures.setdefault(rec.id, deque()).append(time.monotonic())
        return principal

    def _throttled(self, tid: str) -> bool:
        times = self._failures.get(tid)
        if not times:
            return False
        while times and times[0] < time.monotonic() - FAIL_WINDOW_S:
            times.popleft()
        return len(times) >= FAIL_LIMIT


def _read(path: Path) -> list[TokenRecord]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as e:
        raise RuntimeError(f"the tokens file {path} is unreadable: {e}") from None
    fields = set(TokenRecord.__dataclass_fields__)
    return [TokenRecord(**{k: v for k, v in t.items() if k in fields}) for t in data.get("tokens", [])]
