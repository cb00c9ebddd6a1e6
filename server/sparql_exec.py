"""Safe, time-limited execution of user SPARQL (design.md §3).

pyoxigraph cannot cancel a running query, so user queries run in worker processes
that can be killed: each worker holds an in-memory copy of the store, kept in step
with it graph by graph (the store calls our listener on every write). A request
takes an idle worker, sends the query, and waits at most `query_timeout_s`; a worker
that overruns is killed (SIGKILL) and replaced, and the request gets a 503
QueryTimeout. A worker that dies under a query (the engine crashed) is replaced and
the request gets a 400 naming the exit status, never a 500. Answers are serialised
in the worker by the engine, capped at `max_result_rows`.

A slow query must not block the others: the pool has `query_workers` workers and
grows by up to `query_workers_extra` more while they are busy (a spare is started
as soon as none is idle, so the next request finds it loaded); extra workers beyond
one spare retire when they come back to a pool that already has an idle one. Each worker holds a copy
of the store: about 40 MB of resident memory with the corpus (measured on 2025's
eleven documents, 3.4 MB of N-Quads), so the default bound (2 + 4) costs ~240 MB.
When every worker is busy a request waits for one up to the time limit, then gets
503 with Retry-After.

With a remote store, /sparql (whose dataset is the corpus only) is answered the same
way from a copy of the corpus loaded from the corpus files; only the curated queries
that read the registry run on the remote server (its own time limit), parsed by a
worker first, so that only standard SPARQL 1.1 ever reaches it.
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


class Busy(QueryTimeout):
    """Every worker is busy (or this client has too many queries running): 503 with Retry-After."""

    def __init__(self, message: str, detail: Any = None, retry_after: int = 1) -> None:
        super().__init__(message, detail)
        self.retry_after = retry_after


class QueryCrashed(BadInput):
    """The engine's process died under the query (e.g. a stack overflow); it has been replaced."""

    code = "query-crashed"


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
    """Worker processes that evaluate queries on copies of `store` (None: parse checks only).

    `size` workers always; up to `extra` more while they are all busy.
    """

    def __init__(self, store: Any | None, size: int, timeout_s: float, extra: int = 0) -> None:
        self.store, self.timeout_s = store, timeout_s
        self.size = max(1, size)
        self.max_size = self.size + max(0, extra)
        self._lock = threading.Lock()
        self._gen = 0
        self._log: list[tuple[int, str | None]] = []  # (generation, graph changed; None = all)
        self._log_floor = 0
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._pending = 0  # workers being started
        self._closed = False
        if store is not None and hasattr(store, "listeners"):
            store.listeners.append(self._changed)
        for _ in range(self.size):
            self._add(_spawn())

    def _add(self, w: _Worker, started: bool = False) -> None:
        with self._lock:
            self._pending -= int(started)
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

    def _take(self) -> _Worker:
        """An idle worker; while none is idle, one more is started (within the bound) and awaited."""
        try:
            w = self._idle.get_nowait()
        except queue.Empty:
            self._grow()
            try:
                w = self._idle.get(timeout=self.timeout_s)
            except queue.Empty:
                raise Busy("every query worker is busy with other queries; try again shortly",
                           {"timeoutSeconds": self.timeout_s, "workers": self.max_size},
                           retry_after=max(1, round(self.timeout_s / 2))) from None
        if self._idle.empty():
            self._grow()  # a spare for the next request, started while this one runs
        return w

    def _grow(self) -> None:
        """Start one more worker if none is idle, none is being started, and the bound allows."""
        with self._lock:
            if self._closed or self._pending or not self._idle.empty() or len(self._all) >= self.max_size:
                return
            self._pending += 1
        threading.Thread(target=self._replacement, daemon=True).start()

    def _release(self, w: _Worker) -> None:
        """Back to the idle queue; an extra worker retires instead if another one is idle.

        One spare beyond `size` stays, so that a steady two-at-a-time load does not start
        and kill a worker for every pair of queries.
        """
        with self._lock:
            retire = len(self._all) > self.size + 1 and not self._idle.empty()
            if retire:
                self._all.discard(w)
        if retire:
            w.kill()
        else:
            self._idle.put(w)

    def run(self, op: str, job: QueryJob) -> Any:
        """Evaluate (op "query") or parse-check (op "check") `job` in a worker, within the time limit."""
        if self._closed:
            raise RuntimeError("the query worker pool is closed")
        t0 = time.monotonic()
        w = self._take()
        try:
            self._sync(w)
        except (EOFError, OSError, RuntimeError) as e:
            self._replace(w)
            raise Busy("a query worker failed while loading the store; try again",
                       {"reason": str(e) or type(e).__name__}) from None
        try:
            left = max(0.1, self.timeout_s - (time.monotonic() - t0))
            status, detail = w.call(op, job, left)
        except TimeoutError:
            self._replace(w)
            raise QueryTimeout(f"the query ran longer than {self.timeout_s:g} s and was stopped",
                               {"timeoutSeconds": self.timeout_s}) from None
        except (EOFError, OSError):  # the worker died under the query
            code = self._replace(w)
            raise QueryCrashed(f"the query engine stopped on this query (exit status {code}); "
                               "the query was not answered. Simplify it (e.g. less nesting)",
                               {"exitStatus": code}) from None
        except BaseException:
            self._replace(w)
            raise
        self._release(w)
        if status == "ok":
            return detail
        if status == "syntax":
            d = syntax_detail(detail)
            raise BadInput(f"SPARQL syntax error at line {d['line']}, column {d['column']}: {d['message']}", d)
        if status == "too-many":
            raise too_large(job.max_rows)
        raise BadInput(f"the query could not be evaluated: {detail}", {"message": detail})

    def _replace(self, w: _Worker) -> int | None:
        """Kill `w` and start another in its place; the exit status of `w`."""
        with self._lock:
            self._all.discard(w)
            self._pending += int(not self._closed)
        w.kill()
        if not self._closed:
            threading.Thread(target=self._replacement, daemon=True).start()
        return w.proc.returncode

    def _replacement(self) -> None:
        """A new worker, loaded before it takes requests (so that no request waits for the load)."""
        w = _spawn()
        try:
            self._sync(w)
        except (OSError, EOFError, RuntimeError):
            log.warning("a new query worker could not load the store; it will retry on its first query")
        self._add(w, started=True)

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
    def public_graphs(self) -> tuple[str, ...]: ...
    def close(self) -> None: ...


def _corpus_graphs(store: Any) -> tuple[str, ...]:
    from .store import is_corpus_graph  # not at import: the workers import this module

    return tuple(g for g in store.named_graphs() if is_corpus_graph(g))


class EmbeddedExecutor:
    """User queries on the embedded store, in killable worker processes."""

    def __init__(self, store: Any, size: int, timeout_s: float, extra: int = 0) -> None:
        self.pool = WorkerPool(store, size, timeout_s, extra)

    def run(self, job: QueryJob) -> Answer:
        return self.pool.run("query", job)

    def public_graphs(self) -> tuple[str, ...]:
        """The corpus graphs: the dataset of /sparql (the registry is not in it)."""
        return _corpus_graphs(self.pool.store)

    def close(self) -> None:
        self.pool.close()


class RemoteExecutor:
    """Public queries on a copy of the corpus in the workers; the curated registry queries on the remote server.

    The public dataset is the corpus only, which every API node has (it loads it into the
    remote store): answering it here keeps the registry out by construction, time-limits
    and kills like the embedded store, and avoids Virtuoso's dataset clauses
    (remote_store.py says why). Queries that read the registry are parsed by a worker
    first, so that only standard SPARQL 1.1 reaches the remote server.
    """

    def __init__(self, store: Any, size: int, timeout_s: float, extra: int, corpus_root: Path) -> None:
        from .store import OxiStore

        self.store = store
        self.corpus = OxiStore(None)
        self.corpus.ensure_corpus(corpus_root)
        self.pool = WorkerPool(self.corpus, size, timeout_s, extra)

    def public_graphs(self) -> tuple[str, ...]:
        return _corpus_graphs(self.corpus)

    def run(self, job: QueryJob) -> Answer:
        if job.public_graphs is not None:
            return self.pool.run("query", job)
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
    size, extra = getattr(settings, "query_workers", 2), getattr(settings, "query_workers_extra", 0)
    if hasattr(store, "run_job"):
        return RemoteExecutor(store, size, settings.query_timeout_s, extra, Path(settings.corpus_root))
    return EmbeddedExecutor(store, size, settings.query_timeout_s, extra)


if __name__ == "__main__":  # a query worker: python -m server.sparql_exec FD
    _worker_main(Connection(int(sys.argv[1])))
