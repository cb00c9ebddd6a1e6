"""Capability links to a stored submission's report (issue 14, item 8; issue 12: applicants' data is private).

`/submissions/{id}?key=<key>` opens the printable report without a token: the key is the HMAC-SHA256 of the
submission id under a server secret (stdlib `hmac`, compared in constant time), so only the server makes keys,
one id's key opens no other submission, and the submitter who got it in the answer of POST /api/submissions can
keep and share it. The secret is `POLICYKG_PERMALINK_SECRET` if set, else 32 random bytes made once and kept in
`<data_dir>/permalink.key` (mode 0600); changing it revokes every link. A wrong or missing key is a 404, as
for a submission that does not exist, so that a link reveals nothing.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_HEX = 32  # 128 bits of the HMAC: unguessable, short enough for a link
_CACHE: dict[str, bytes] = {}


def server_secret(data_dir: Path, configured: str | None = None) -> bytes:
    """The permalink secret: the configured one, or the one kept under the data directory (made at first use)."""
    if configured:
        return configured.encode("utf-8")
    path = Path(data_dir) / "permalink.key"
    cached = _CACHE.get(str(path))
    if cached is not None:
        return cached
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: read theirs
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
    _CACHE[str(path)] = secret
    return secret


def permalink_key(secret: bytes, submission_id: str) -> str:
    return hmac.new(secret, submission_id.encode("utf-8"), hashlib.sha256).hexdigest()[:KEY_HEX]


def key_matches(secret: bytes, submission_id: str, key: str | None) -> bool:
    return bool(key) and hmac.compare_digest(permalink_key(secret, submission_id), str(key))


def permalink(secret: bytes, submission_id: str) -> str:
    """The path of the printable report with its key."""
    return f"/submissions/{submission_id}?key={permalink_key(secret, submission_id)}"
