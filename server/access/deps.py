"""FastAPI security dependencies: who is asking (a bearer token), and may they (their role).

No token where one is needed: 401 with `WWW-Authenticate: Bearer`; a token that is not
valid (unknown, revoked, mistyped): 401 `error="invalid_token"`; a valid token whose role
lacks the permission: 403. Every request that passes a token check, or fails it with a
valid token (403), is marked for the audit trail (server/access/middleware.py), which
records it with its outcome. The token text is never logged or stored.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from policykg.access.audit import AuditLog
from policykg.access.tokens import Principal, TokenStore
from policykg.config import Settings
from policykg.errors import Forbidden, NotFound, Unauthorized

AUDIT_KEY = "policykg.audit"  # the request scope's mark: this request goes into the audit trail
bearer = HTTPBearer(auto_error=False, scheme_name="bearer",
                    description="`Authorization: Bearer <token>`; tokens are made by `policykg tokens add`")
_ERROR = {"application/json": {"schema": {"type": "object", "required": ["error", "detail"],
                                           "properties": {"error": {"type": "string"}, "detail": {}}}}}
# For the OpenAPI document: what a route with a token check may answer besides its own statuses.
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid bearer token", "content": _ERROR,
          "headers": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="policykg"'}}},
    403: {"description": "The token's role may not do this", "content": _ERROR},
}
TOKEN_RESPONSES = {401: AUTH_RESPONSES[401]}  # public routes that read a token if one is sent
OPTIONAL_TOKEN = {"security": [{}]}  # openapi_extra of those: added to the bearer scheme, anonymous is allowed
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


@dataclass
class Access:
    """The tokens and the audit trail of one app (app.state.access)."""

    tokens: TokenStore
    audit: AuditLog
    owners: dict[str, set[str]] = field(default_factory=dict)  # token id -> the submissions it stored

    def note(self, entry: dict[str, Any]) -> None:
        """Keep the owners index in step with the trail (a submitter reads the submissions it stored)."""
        if entry.get("action") == "POST /api/submissions" and entry.get("status") in (200, 201) \
                and entry.get("target") and entry.get("tokenId"):
            self.owners.setdefault(entry["tokenId"], set()).add(entry["target"])


def paths(settings: Settings) -> tuple[Path, Path]:
    data = Path(settings.data_dir)
    return (Path(settings.tokens_file or data / "tokens.json"), Path(settings.audit_file or data / "audit.jsonl"))


def open_access(settings: Settings) -> tuple[Access, str | None]:
    """The app's Access, and the first admin token when none was configured (to print once, never store)."""
    tokens_path, audit_path = paths(settings)
    tokens = TokenStore(tokens_path, env_admin=settings.admin_token)
    first = None
    if not tokens.has_active():
        _rec, first = tokens.add("admin", "first-run admin")
    access = Access(tokens, AuditLog(audit_path, settings.audit_max_bytes))
    for e in access.audit.entries(containing=b'"POST /api/submissions"'):  # only those lines are parsed
        access.note(e)
    access.audit.on_append(access.note)
    return access, first


def _access(request: Request) -> Access:
    return request.app.state.access


def identify(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal | None:
    """The principal of the request's bearer token; None without one; 401 for a token that is not valid."""
    if credentials is None:
        if request.headers.get("authorization"):
            raise Unauthorized("the Authorization header must be `Bearer <token>`", None, "invalid_request")
        return None
    principal = _access(request).tokens.verify(credentials.credentials)
    if principal is None:
        raise Unauthorized("this token is not valid (unknown, revoked or mistyped)", None, "invalid_token")
    return principal


def mark(request: Request, principal: Principal, target: str | None = None) -> None:
    request.scope[AUDIT_KEY] = {"who": principal.name, "tokenId": principal.id, "role": principal.role,
                                **({"target": target} if target else {})}


def authorize(request: Request, credentials: HTTPAuthorizationCredentials | None, permission: str,
              target: str | None = None) -> Principal:
    principal = identify(request, credentials)
    if principal is None:
        raise Unauthorized("this needs a bearer token: send `Authorization: Bearer <token>`", {"needs": permission})
    mark(request, principal, target)
    if not principal.may(permission):
        raise Forbidden(f"the role {principal.role!r} may not do this", {"needs": permission, "role": principal.role})
    return principal


def requires(permission: str) -> Any:
    """A route dependency: the caller's token must carry `permission`."""

    def dependency(request: Request, credentials: Credentials) -> Principal:
        return authorize(request, credentials, permission)

    return Depends(dependency)


def reader_of_submission(request: Request, sid: str,
                         credentials: Credentials) -> Principal:
    """Reviewers, auditors and admins read any submission; a submitter only those it stored (404 for others)."""
    principal = identify(request, credentials)
    if principal is None:
        raise Unauthorized("this needs a bearer token: send `Authorization: Bearer <token>`",
                           {"needs": "read-registry"})
    mark(request, principal, sid)
    if principal.may("read-registry"):
        return principal
    if principal.may("read-own-submissions"):
        if sid in _access(request).owners.get(principal.id, ()):
            return principal
        raise NotFound(f"no submission {sid} stored by this token", {"id": sid})
    raise Forbidden(f"the role {principal.role!r} may not read submissions", {"role": principal.role})


def caller(request: Request, credentials: Credentials) -> Principal | None:
    """The caller if it sent a valid token (marked for the audit trail), None if anonymous."""
    principal = identify(request, credentials)
    if principal is not None:
        mark(request, principal)
    return principal


async def authorize_async(request: Request, permission: str) -> Principal:
    """authorize() from inside a route (argon2 off the event loop), for a check that depends on the route's data."""
    credentials = await bearer(request)
    return await run_in_threadpool(authorize, request, credentials, permission)


Caller = Annotated[Principal | None, Depends(caller)]  # a route parameter: the caller, or None if anonymous
