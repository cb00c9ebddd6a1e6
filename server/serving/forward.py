"""A replica's outermost ASGI layer: answer public reads here, send everything else to the primary.

Sent to the primary at once: any request with credentials (an `Authorization` header, a `key`
capability parameter), any method but GET/HEAD/POST/OPTIONS, and the paths of the registry and
of access control (`PRIMARY_PATHS`). Anything else runs here first, its body buffered (bodies are
already bounded by `max_body_bytes`); if the app answers 421 with the `x-policykg-needs-primary`
mark (a `NeedsPrimary` raised by server/serving/replica_state.py before any byte is sent), the
buffered request goes to the primary instead and the 421 is never seen. The client's address
travels in `x-policykg-client`, which the primary trusts on its private socket only
(server/serving/primary.py). The primary unreachable: 503 with `Retry-After`.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any
from urllib.parse import parse_qs

import httpx

PRIMARY_PATHS = ("/api/submissions", "/api/awards", "/api/audit", "/api/reforms", "/api/replay", "/api/tokens",
                 "/submissions/", "/reforms", "/api/queries/registry-")
LOCAL_METHODS = {"GET", "HEAD", "POST", "OPTIONS"}
MARK = b"x-policykg-needs-primary"
PROCESS_HEADER = b"x-policykg-process"  # which process answered: "primary" or "replica-N" (for operators)
CLIENT_HEADER = "x-policykg-client"
HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer",
       "content-length", CLIENT_HEADER}


def goes_to_primary(scope: dict[str, Any]) -> bool:
    path: str = scope["path"]
    if scope["method"] not in LOCAL_METHODS or path.startswith(PRIMARY_PATHS) or path.endswith("/candidates"):
        return True
    if any(k == b"authorization" or k == b"cookie" for k, _v in scope["headers"]):
        return True
    return "key" in parse_qs(scope.get("query_string", b"").decode("latin-1"))


class ForwardToPrimary:
    def __init__(self, app: Any, socket_path: str, max_body_bytes: int, name: str = "replica",
                 timeout_s: float = 300.0) -> None:
        self.app = app
        self.name = (PROCESS_HEADER, name.encode())
        self.limit = max_body_bytes
        self.client = httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(uds=socket_path),
                                        base_url="http://primary", timeout=httpx.Timeout(timeout_s, connect=5.0))

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive, self.limit)  # at most limit + 1 bytes
        over = len(body) > self.limit
        if goes_to_primary(scope):
            await (_too_large(send, self.limit) if over else self.forward(scope, body, send, receive))
            return
        needs_primary, given = False, False

        async def replay() -> dict[str, Any]:  # the body once, then the client's own messages (a disconnect)
            nonlocal given
            if given:
                return await receive()
            given = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(msg: dict[str, Any]) -> None:
            nonlocal needs_primary
            if msg["type"] == "http.response.start" and msg["status"] == 421 \
                    and any(k == MARK for k, _v in msg.get("headers", [])):
                needs_primary = True
            if needs_primary:  # a 421 of the mark is never shown: the primary answers instead
                return
            if msg["type"] == "http.response.start":
                msg = {**msg, "headers": [*msg.get("headers", []), self.name]}
            await send(msg)

        await self.app(scope, replay, capture)  # over the limit, the app's own 413 answers
        if needs_primary:
            await (_too_large(send, self.limit) if over else self.forward(scope, body, send, receive))

    async def forward(self, scope: dict[str, Any], body: bytes, send: Any, receive: Any) -> None:
        """Relay to the primary; the client leaving closes the primary's connection too (its work stops)."""
        relay = asyncio.ensure_future(self._relay(scope, body, send))

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            relay.cancel()

        watcher = asyncio.ensure_future(watch())
        try:
            with contextlib.suppress(asyncio.CancelledError):
                await relay
        finally:
            watcher.cancel()

    async def _relay(self, scope: dict[str, Any], body: bytes, send: Any) -> None:
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]
                   if k.decode("latin-1").lower() not in HOP]
        client = scope.get("client")
        if client:
            headers.append((CLIENT_HEADER, str(client[0])))
        url = httpx.URL(path=scope.get("raw_path", scope["path"].encode()).decode("latin-1"),
                        query=scope.get("query_string", b""))
        request = self.client.build_request(scope["method"], url, headers=headers, content=body)
        try:
            response = await self.client.send(request, stream=True)
        except httpx.HTTPError:
            await _unavailable(send)
            return
        try:
            out = [(k.lower(), v) for k, v in response.headers.raw
                   if k.lower().decode("latin-1") not in HOP | {"date", "server"}]  # this uvicorn adds its own
            await send({"type": "http.response.start", "status": response.status_code, "headers": out})
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await response.aclose()


async def _read_body(receive: Any, limit: int) -> bytes:
    """The body, or its first limit + 1 bytes: never more than that in memory."""
    data = bytearray()
    while len(data) <= limit:
        msg = await receive()
        if msg["type"] == "http.disconnect":
            break
        data += msg.get("body", b"")
        if not msg.get("more_body"):
            break
    return bytes(data[: limit + 1])


async def _answer(send: Any, status: int, error: str, detail: Any, extra: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"error": error, "detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *extra]})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _unavailable(send: Any) -> None:
    await _answer(send, 503, "the primary process is not answering; try again shortly", None, [(b"retry-after", b"2")])


async def _too_large(send: Any, limit: int) -> None:
    await _answer(send, 413, f"body exceeds the limit of {limit} bytes", {"limit": limit}, [])
