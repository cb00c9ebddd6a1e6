"""The pool of killable query worker processes behind server/endpoint/executor.py, and its errors.

Each worker holds a copy of the store's corpus graphs only (the public dataset; the registry
never leaves the server), kept in step graph by graph (the store calls `WorkerPool._changed` on
every write; a registry write is ignored); the pool grows while all are busy, replaces a
worker that overruns (killed) or dies, and maps each outcome to an API error.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

import pyoxigraph as ox

from policykg.endpoint.workers import _spawn, _Worker
from policykg.errors import BadInput, PolicyKGError, QueryTimeout
from policykg.sparql import QueryJob, syntax_detail

log = logging.getLogger("policykg.endpoint.executor")  # the name it has always logged under


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
        self._public: Any = lambda g: True
        if store is not None:  # imported here, not at import: the worker processes import this package
            from policykg.store import is_corpus_graph

            self._public = is_corpus_graph  # the graphs a worker holds: the corpus, never the registry
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
        if graph is not None and not self._public(graph):
            return  # a registry write: the workers hold no copy of it
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
        if full:  # the corpus graphs only, each serialised by the engine
            status, detail = w.call("load", [(g, self._dump(g)) for g in self.store.named_graphs()
                                             if self._public(g)], None)
        else:
            status, detail = w.call("patch", [(g, self._dump(g)) for g in dict.fromkeys(changed) if g is not None],
                                    None)
        if status != "ok":
            raise RuntimeError(f"query worker could not load the store: {detail}")
        w.gen = target
        log.debug("query worker synced to generation %d in %.1f ms", target, (time.perf_counter() - t0) * 1000)

    def _dump(self, graph: str) -> bytes:
        return self.store.ox.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))

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
