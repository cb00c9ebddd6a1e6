"""The query worker processes of server/endpoint/executor.py: the process loop and its handle.

A worker is a fresh interpreter (`python -m policykg.endpoint FD`) holding an
in-memory copy of the public dataset (the corpus graphs only, never the registry: applicants'
data stays in the server, and a worker's memory stays ~40 MB however large the registry grows),
fed over a socket pair by server/endpoint/pool.py: "load" (every corpus graph, N-Triples per
graph), "patch" (graphs replaced, N-Triples), "check" (parse
only), "query" (evaluate, serialised and capped by the engine; a public query's default graph
is the merge of its graphs, server/endpoint/merged.py). Every answer is a
(status, detail) pair; the engine's own errors go back to the request, never up.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from policykg.endpoint.merged import PublicView
from policykg.sparql import TooManyRows, evaluate


def _worker_main(conn: Connection) -> None:
    try:  # untrusted queries yield the CPU to the server itself (/health, validations, writes)
        os.nice(10)
    except OSError:
        pass
    store = ox.Store()
    public = PublicView()  # public queries: each triple of the default graph answers once (endpoint/merged.py)
    while True:
        try:
            op, arg = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if op == "load":
                store = ox.Store()
                public.reset()
                for graph, data in arg:
                    store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
                conn.send(("ok", None))
            elif op == "patch":
                for graph, data in arg:
                    g = ox.NamedNode(graph)
                    public.changed(graph)
                    store.remove_graph(g)
                    if data:
                        store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
                conn.send(("ok", None))
            elif op == "check":
                res = ox.Store().query(arg.text, base_iri=arg.base_iri, prefixes=arg.prefixes or None)
                conn.send(("ok", bool(res) if isinstance(res, ox.QueryBoolean) else None))
            else:
                conn.send(("ok", evaluate(*public.prepare(store, arg))))
        except SyntaxError as e:
            conn.send(("syntax", str(e)))
        except TooManyRows:
            conn.send(("too-many", None))
        except Exception as e:  # noqa: BLE001 - the engine's own errors go back to the request
            conn.send(("error", f"{type(e).__name__}: {e}"))


@dataclass(eq=False)
class _Worker:
    proc: Any
    conn: Connection
    gen: int = -1  # the store generation the copy reflects; -1: nothing loaded

    def call(self, op: str, arg: Any, timeout: float | None) -> tuple[str, Any]:
        self.conn.send((op, arg))
        if not self.conn.poll(timeout):
            raise TimeoutError
        return self.conn.recv()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()  # SIGKILL, by pid
        self.proc.wait(timeout=10)
        self.conn.close()


def _spawn() -> _Worker:
    """A fresh interpreter (never a fork of the threaded server) talking over a socket pair.

    The worker exits by itself when the socket closes, so it never outlives the server.
    """
    parent, child = socket.socketpair()
    proc = subprocess.Popen([sys.executable, "-m", "policykg.endpoint", str(child.fileno())],
                            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL)
    child.close()
    return _Worker(proc, Connection(parent.detach()))
