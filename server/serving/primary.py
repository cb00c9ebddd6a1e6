"""The primary process's side of several processes: its private socket, and whom a forwarded request is from.

Replicas reach the primary over a Unix socket in a directory only this user can open; a request
that arrives there carries the original client's address in `x-policykg-client`
(server/serving/forward.py), which becomes the request's client (so that per-client limits and the
audit trail see the real address). On the public port the header is ignored and dropped: nobody
outside can choose the address they are counted as.
"""
from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path
from typing import Any

from policykg.serving.forward import CLIENT_HEADER, PROCESS_HEADER

_HEADER = CLIENT_HEADER.encode()


class TrustForwardedClient:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            forwarded = [v for k, v in scope["headers"] if k == _HEADER]
            via_socket = not scope.get("client")  # uvicorn: no client address on a Unix socket
            if forwarded or via_socket:
                scope = dict(scope)
                scope["headers"] = [(k, v) for k, v in scope["headers"] if k != _HEADER]
                if via_socket and forwarded:
                    scope["client"] = (forwarded[0].decode("latin-1"), 0)

            async def named(msg: dict[str, Any]) -> None:
                if msg["type"] == "http.response.start":
                    msg = {**msg, "headers": [*msg.get("headers", []), (PROCESS_HEADER, b"primary")]}
                await send(msg)

            await self.app(scope, receive, named)
            return
        await self.app(scope, receive, send)


def private_socket() -> tuple[socket.socket, Path]:
    """A listening Unix socket in a fresh 0700 directory (the path stays short, under the temp dir)."""
    folder = Path(tempfile.mkdtemp(prefix="policykg-"))
    os.chmod(folder, 0o700)
    path = folder / "primary.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    os.chmod(path, 0o600)
    return sock, path  # not yet listening: uvicorn listens once the app has started
