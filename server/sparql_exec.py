"""Safe, time-limited execution of user SPARQL (design.md §3).

pyoxigraph cannot cancel a running query, so user queries run in worker processes
that can be killed: each worker holds an in-memory copy of the store, kept in step
with it graph by graph (the store calls our listener on every write). A request
takes an idle worker, sends the query, and waits at most `query_timeout_s`; a worker
that overruns is killed (SIGKILL) and replaced, and the request gets a 503
QueryTimeout. Other requests meanwhile run on the other workers. Answers are
serialised in the worker by the engine, capped at `max_result_rows`.

With a remote store the query itself runs on the remote server (its own time
limit); a worker with an empty store still parses it first, so that only standard
SPARQL 1.1 ever reaches the remote server.
"""
from __future__ import annotations

import logging
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from .errors import BadInput, PolicyKGError, QueryTimeout
from .sparql_formats import Answer, QueryJob, TooManyRows, evaluate, syntax_detail

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent


class ResultTooLarge(PolicyKGError):
    status = 413
    code = "result-too-large"


def too_large(max_rows: int) -> ResultTooLarge:
    return ResultTooLarge(f"the answer has more than {max_rows} rows; narrow the query or add a LIMIT",
                          {"maxResultRows": max_rows})


# -- the worker process -----------------------------------------------------

def _worker_main(conn: Connection) -> None:
    store = ox.Store()
    while True:
        try:
            op, arg = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if op == "load":
                store = ox.Store()
                store.load(arg, format=ox.RdfFormat.N_QUADS)
                conn.send(("ok", None))
            elif op == "patch":
                for graph, data in arg:
                    g = ox.NamedNode(graph)
                    store.remove_graph(g)
                    if data:
                        store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
                conn.send(("ok", None))
            elif op == "check":
                res = ox.Store().query(arg.text, base_iri=arg.base_iri, prefixes=arg.prefixes or None)
                conn.send(("ok", bool(res) if isinstance(res, ox.QueryBoolean) else None))
            else:
                conn.send(("ok", evaluate(store, arg)))
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
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-m", "server.sparql_exec", str(child.fileno())],
                            pass_fds=(child.fileno(),), env=env, stdin=subprocess.DEVNULL)
    child.close()
    return _Worker(proc, Connection(parent.detach()))


class WorkerPool:
    """Worker processes that evaluate queries on copies of `store` (None: parse checks only)."""

    def __init__(self, store: Any | None, size: int, timeout_s: float) -> None:
        self.store, self.timeout_s = store, timeout_s
        self._lock = threading.Lock()
        self._gen = 0
        self._log: list[tuple[int, str | None]] = []  # (generation, graph changed; None = all)
        self._log_floor = 0
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._closed = False
        if store is not None and hasattr(store, "listeners"):
            store.listeners.append(self._changed)
        for _ in range(max(1, size)):
            self._add(_spawn())

    def _add(self, w: _Worker) -> None:
        with self._lock:
            if self._closed:  # a replacement that finished after close()
                w.kill()
                return
            self._all.add(w)
        self._idle.put(w)

    def _changed(self, graph: str | None) -> None:
        with self._lock:
            self._gen += 1
            self._log.append((self._gen, graph))
            if len(self._log) > 1000:
                self._log_floor = self._log[-1000][0] - 1
                del self._log[:-1000]

    def _sync(self, w: _Worker) -> None:
        """Bring the worker's copy to the store's current generation (whole, or graph by graph)."""
        if self.store is None:
            return
        with self._lock:
            target = self._gen
            changed = [g for n, g in self._log if n > w.gen]
            full = w.gen < 0 or w.gen < self._log_floor or None in changed
        if target == w.gen:
            return
        t0 = time.perf_counter()
        if full:
            status, detail = w.call("load", self.store.ox.dump(format=ox.RdfFormat.N_QUADS), None)
        else:
            patches = [(g, self.store.ox.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g)))
                       for g in dict.fromkeys(changed) if g is not None]
            status, detail = w.call("patch", patches, None)
        if status != "ok":
            raise RuntimeError(f"query worker could not load the store: {detail}")
        w.gen = target
        log.debug("query worker synced to generation %d in %.1f ms", target, (time.perf_counter() - t0) * 1000)

    def run(self, op: str, job: QueryJob) -> Any:
        """Evaluate (op "query") or parse-check (op "check") `job` in a worker, within the time limit."""
        if self._closed:
            raise RuntimeError("the query worker pool is closed")
        t0 = time.monotonic()
        try:
            w = self._idle.get(timeout=self.timeout_s)
        except queue.Empty:
            raise QueryTimeout("the server is busy with other queries; try again", {"timeoutSeconds": self.timeout_s}) from None
        try:
            self._sync(w)
            left = max(0.1, self.timeout_s - (time.monotonic() - t0))
            status, detail = w.call(op, job, left)
        except TimeoutError:
            self._replace(w)
            raise QueryTimeout(f"the query ran longer than {self.timeout_s:g} s and was stopped",
                               {"timeoutSeconds": self.timeout_s}) from None
        except BaseException:
            self._replace(w)
            raise
        self._idle.put(w)
        if status == "ok":
            return detail
        if status == "syntax":
            d = syntax_detail(detail)
            raise BadInput(f"SPARQL syntax error at line {d['line']}, column {d['column']}: {d['message']}", d)
        if status == "too-many":
            raise too_large(job.max_rows)
        raise BadInput(f"the query could not be evaluated: {detail}", {"message": detail})

    def _replace(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)
        w.kill()
        if not self._closed:
            threading.Thread(target=self._replacement, daemon=True).start()

    def _replacement(self) -> None:
        """A new worker, loaded before it takes requests (so that no request waits for the load)."""
        w = _spawn()
        try:
            self._sync(w)
        except (OSError, EOFError, RuntimeError):
            log.warning("a new query worker could not load the store; it will retry on its first query")
        self._add(w)

    def close(self) -> None:
        with self._lock:
            self._closed = True
        if self.store is not None and hasattr(self.store, "listeners") and self._changed in self.store.listeners:
            self.store.listeners.remove(self._changed)
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()


class Executor(Protocol):
    def run(self, job: QueryJob) -> Answer: ...
    def close(self) -> None: ...


class EmbeddedExecutor:
    """User queries on the embedded store, in killable worker processes."""

    def __init__(self, store: Any, size: int, timeout_s: float) -> None:
        self.pool = WorkerPool(store, size, timeout_s)

    def run(self, job: QueryJob) -> Answer:
        return self.pool.run("query", job)

    def close(self) -> None:
        self.pool.close()


class RemoteExecutor:
    """User queries on a remote SPARQL server, parsed first by pyoxigraph in a worker."""

    def __init__(self, store: Any, timeout_s: float) -> None:
        self.store = store
        self.pool = WorkerPool(None, 1, timeout_s)

    def run(self, job: QueryJob) -> Answer:
        self.pool.run("check", job)
        capped = False
        try:
            return self.store.run_job(job)
        except TooManyRows:
            capped = True  # raised below, once the traceback (and the engine's result objects in it) is freed
        if capped:  # in this thread: pyoxigraph results may not be dropped on another one
            raise too_large(job.max_rows)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.pool.close()


def make_executor(store: Any, settings: Any) -> Executor:
    if hasattr(store, "run_job"):
        return RemoteExecutor(store, settings.query_timeout_s)
    return EmbeddedExecutor(store, getattr(settings, "query_workers", 2), settings.query_timeout_s)


if __name__ == "__main__":  # a query worker: python -m server.sparql_exec FD
    _worker_main(Connection(int(sys.argv[1])))
