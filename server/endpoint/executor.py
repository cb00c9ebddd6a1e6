"""Safe, time-limited execution of user SPARQL (docs/architecture.md (security)).

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

The worker processes are server/endpoint/workers.py, their pool and its errors
server/endpoint/pool.py; the names are re-exported here.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Protocol

from policykg.endpoint.pool import Busy, QueryCrashed, ResultTooLarge, WorkerPool, too_large
from policykg.endpoint.workers import Stopped
from policykg.sparql import Answer, QueryJob, TooManyRows

__all__ = [
    "Busy", "EmbeddedExecutor", "Executor", "QueryCrashed", "RemoteExecutor", "ResultTooLarge", "Stopped",
    "WorkerPool", "make_executor", "too_large",
]


class Executor(Protocol):
    def run(self, job: QueryJob, stop: threading.Event | None = None) -> Answer: ...
    def public_graphs(self) -> tuple[str, ...]: ...
    def close(self) -> None: ...


def _corpus_graphs(store: Any) -> tuple[str, ...]:
    from policykg.store import is_corpus_graph  # not at import: keeps this module light

    return tuple(g for g in store.named_graphs() if is_corpus_graph(g))


class EmbeddedExecutor:
    """User queries on the embedded store, in killable worker processes."""

    def __init__(self, store: Any, size: int, timeout_s: float, extra: int = 0, nice: int = 10) -> None:
        self.pool = WorkerPool(store, size, timeout_s, extra, nice)

    def run(self, job: QueryJob, stop: threading.Event | None = None) -> Answer:
        return self.pool.run("query", job, stop)

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

    def __init__(self, store: Any, size: int, timeout_s: float, extra: int, corpus_root: Path, nice: int = 10) -> None:
        from policykg.store import OxiStore

        self.store = store
        self.corpus = OxiStore(None)
        self.corpus.ensure_corpus(corpus_root)
        self.pool = WorkerPool(self.corpus, size, timeout_s, extra, nice)

    def public_graphs(self) -> tuple[str, ...]:
        return _corpus_graphs(self.corpus)

    def run(self, job: QueryJob, stop: threading.Event | None = None) -> Answer:
        if job.public_graphs is not None:
            return self.pool.run("query", job, stop)
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
    nice = getattr(settings, "query_worker_nice", 10)
    if hasattr(store, "run_job"):
        return RemoteExecutor(store, size, settings.query_timeout_s, extra, Path(settings.corpus_root), nice)
    return EmbeddedExecutor(store, size, settings.query_timeout_s, extra, nice)
