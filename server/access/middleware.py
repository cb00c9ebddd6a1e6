"""The ASGI middleware that writes the audit trail and gives every answer an X-Request-ID.

A request that a token check marked (server/access/deps.py) is recorded once, with the
status it got, before its answer reaches the client: an acknowledged write is always in
the trail. The answer of a marked POST is held until it is complete (write answers are
small JSON) so that the id it created (`Location`, or the JSON `id`) goes into the line;
a marked GET is recorded when its answer starts. `X-Request-ID` is the client's own when
it is 1-64 characters of [A-Za-z0-9._-], else a fresh UUID.
"""
from __future__ import annotations

import json
import re
import uuid
from typing import Any

from starlette.concurrency import run_in_threadpool

from policykg.access.deps import AUDIT_KEY

REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")
REQUEST_ID_KEY = "policykg.request_id"


def _request_id(scope: dict[str, Any]) -> str:
    for k, v in scope.get("headers", []):
        if k == b"x-request-id":
            text = v.decode("latin-1")
            if REQUEST_ID_RE.fullmatch(text):
                return text
    return uuid.uuid4().hex


def outcome(status: int) -> str:
    if status in (401, 403):
        return "refused"
    if status >= 500:
        return "failed"
    return "invalid" if status >= 400 else "ok"


def _target(headers: list[tuple[bytes, bytes]], body: bytes) -> str | None:
    for k, v in headers:
        if k.lower() == b"location":
            return v.decode("latin-1").rstrip("/").rsplit("/", 1)[-1]
    if body[:1] == b"{":
        try:
            data = json.loads(body)
        except ValueError:
            return None
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            return data["id"]
    return None


class AuditMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def _record(self, scope: dict[str, Any], status: int, headers: list[tuple[bytes, bytes]],
                      body: bytes) -> None:
        ctx = scope[AUDIT_KEY]
        entry = {
            "who": ctx["who"], "tokenId": ctx["tokenId"], "role": ctx["role"],
            "action": f"{scope['method']} {scope['path']}",
            "query": scope.get("query_string", b"").decode("latin-1"),
            "target": ctx.get("target") or (_target(headers, body) if status < 400 else None),
            "requestId": scope[REQUEST_ID_KEY], "status": status, "outcome": outcome(status),
        }
        await run_in_threadpool(scope["app"].state.access.audit.append, entry)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _request_id(scope)
        scope[REQUEST_ID_KEY] = rid
        state: dict[str, Any] = {"start": None, "body": [], "recorded": False}

        async def send_wrapper(msg: dict[str, Any]) -> None:
            if msg["type"] == "http.response.start":
                msg = {**msg, "headers": [*msg.get("headers", []), (b"x-request-id", rid.encode())]}
                if AUDIT_KEY not in scope:
                    await send(msg)
                elif scope["method"] == "POST":
                    state["start"] = msg  # held until the body is complete
                else:
                    state["recorded"] = True
                    await self._record(scope, msg["status"], msg["headers"], b"")
                    await send(msg)
                return
            if msg["type"] == "http.response.body" and state["start"] is not None:
                state["body"].append(msg.get("body", b""))
                if msg.get("more_body"):
                    return
                start, body = state["start"], b"".join(state["body"])
                state["start"], state["recorded"] = None, True
                await self._record(scope, start["status"], start["headers"], body)
                await send(start)
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            await send(msg)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            if AUDIT_KEY in scope and not state["recorded"]:
                state["recorded"] = True
                await self._record(scope, 500, [], b"")
            raise
