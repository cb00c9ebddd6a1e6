"""Who may do what, and the record of what they did: bearer tokens (argon2id hashes in a file),
roles (submitter, reviewer, auditor, admin), the FastAPI security dependencies, and the
append-only, hash-chained audit trail of every write and every registry read.

Uses only policykg.config and policykg.errors; policykg.api, policykg.web and the app use it.
"""
from policykg.access.audit import AuditLog, Verdict, verify
from policykg.access.deps import (
    AUTH_RESPONSES,
    OPTIONAL_TOKEN,
    TOKEN_RESPONSES,
    Access,
    Caller,
    authorize,
    authorize_async,
    bearer,
    caller,
    open_access,
    paths,
    reader_of_submission,
    requires,
)
from policykg.access.middleware import AuditMiddleware
from policykg.access.permalink import key_matches, permalink, server_secret
from policykg.access.tokens import PERMISSIONS, ROLES, Principal, TokenRecord, TokenStore, weak_env_token

__all__ = [
    "AUTH_RESPONSES", "OPTIONAL_TOKEN", "PERMISSIONS", "TOKEN_RESPONSES", "ROLES", "Access", "AuditLog", "Caller", "AuditMiddleware", "Principal", "TokenRecord", "TokenStore",
    "Verdict", "authorize", "authorize_async", "bearer", "caller", "open_access", "paths", "reader_of_submission",
    "requires", "verify", "weak_env_token", "key_matches", "permalink", "server_secret",
]
