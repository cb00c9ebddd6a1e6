"""`policykg serve` with `processes` > 1: one port, one primary, N - 1 replicas (docs/architecture.md).

The parent is the primary: it opens the store (the RocksDB lock is one writer's), the tokens and the
audit trail, and serves the port and its private Unix socket. Each replica is `python -m
policykg.serving`. Every process binds the port with SO_REUSEPORT (Linux: only processes of the same
user can join), so the kernel spreads new connections evenly over them; each starts listening only
once its app has started (asyncio listens when uvicorn starts serving), so no connection waits on a
process that is still loading. Before that, the port is probed without SO_REUSEPORT, so that a port
held by anything else is still "in use", never silently shared. A replica loads the corpus files into
memory (the same corpus version), answers public reads itself, and forwards the rest to the primary
(server/serving/forward.py). A replica that exits is started again; stopping the parent stops them.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from policykg.config import Settings
from policykg.serving.primary import TrustForwardedClient, private_socket

log = logging.getLogger(__name__)
SETTINGS_ENV = "POLICYKG_REPLICA_SETTINGS"  # the primary's settings, as JSON, for its replicas only


def port_socket(host: str, port: int) -> socket.socket:
    """The port, bound with SO_REUSEPORT and not yet listening (uvicorn listens once the app has started)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    # accepted sockets inherit it (Linux): without it, on a socket uvicorn did not make itself, a response
    # written in two parts waited for the client's delayed ACK (~40 ms per keep-alive request, bench/processes.py)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    return sock


def probe_port(host: str, port: int) -> None:
    """OSError (address in use) if anything already holds the port, whatever its options."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


class Replicas:
    """Start, watch and stop the replica processes."""

    def __init__(self, settings: Settings, primary: Path) -> None:
        self.settings, self.primary = settings, primary
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self.stopping = threading.Event()

    def _start(self, index: int) -> None:
        env = {**os.environ, SETTINGS_ENV: self.settings.model_dump_json()}
        cmd = [sys.executable, "-m", "policykg.serving", "--primary", str(self.primary), "--index", str(index)]
        self.procs[index] = subprocess.Popen(cmd, env=env)

    def start(self) -> None:
        for i in range(1, self.settings.processes):
            self._start(i)
        threading.Thread(target=self._watch, name="policykg-replicas", daemon=True).start()

    def _watch(self) -> None:
        while not self.stopping.wait(1.0):
            for i, p in list(self.procs.items()):
                if p.poll() is not None and not self.stopping.is_set():
                    log.warning("replica %d exited with %s; starting it again", i, p.returncode)
                    self._start(i)

    def stop(self) -> None:
        self.stopping.set()
        for p in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for p in self.procs.values():
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def serve_processes(app: Any, settings: Settings) -> None:
    """Run the primary here on the public port and a private socket, with settings.processes - 1 replicas."""
    probe_port(settings.host, settings.port)
    sock = port_socket(settings.host, settings.port)
    private, path = private_socket()
    replicas = Replicas(settings, path)
    replicas.start()
    server = uvicorn.Server(uvicorn.Config(TrustForwardedClient(app), log_level="info"))
    try:
        asyncio.run(server.serve(sockets=[sock, private]))
    finally:
        replicas.stop()
        private.close()
        with contextlib.suppress(OSError):
            path.unlink()
            path.parent.rmdir()
