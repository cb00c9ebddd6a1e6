"""Safe, time-limited execution of user SPARQL (docs/architecture.md (security)).

pyoxigraph cannot cancel a running query, so user queries run in worker processes
that can be killed: each worker holds an in-memory copy of the public dataset (the corpus
graphs; never the registry), kept in step with the store graph by graph (the store calls our listener on every write). A request
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

Before a public query goes to a worker, `FastPath` (server/endpoint/fastpath.py) answers it
from its cache (per corpus version, query text and format), or in this process when
sparql/cost.py and the data bound its cost in advance. The curated library queries that read
the registry (`dataset: corpus+registry`, trusted texts with typed parameters) run in this
process on the store itself, since the workers hold no registry.

The worker processes are server/endpoint/workers.py, their pool and its errors
server/endpoint/pool.py; the names are re-exported here.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Protocol

from policykg.endpoint.fastpath import FastPath
from policykg.endpoint.pool import Busy, QueryCrashed, ResultTooLarge, WorkerPool, too_large
from policykg.endpoint.workers import Stopped
from policykg.sparql import Answer, QueryJob, TooManyRows, evaluate

__all__ = [
    "Busy", "EmbeddedExecutor", "Executor", "QueryCrashed", "RemoteExecutor", "ResultTooLarge", "Stopped",
    "WorkerPool", "make_executor", "too_large",
]


class Executor(Protocol):
    fast: FastPath

    def run(self, job: QueryJob, stop: threading.Event | None = None) -> Answer: ...
    def public_graphs(self) -> tuple[str, ...]: ...
    def close(self) -> None: ...


def _corpus_graphs(store: Any) -> tuple[str, ...]:
    from policykg.store import is_corpus_graph  # not at import: keeps this module light

    return tuple(g for g in store.named_graphs() if is_corpus_graph(g))


def _fast_path(store: Any, cache_bytes: int) -> FastPath:
    """The light path over `store`'s corpus, told of every corpus write (registry writes leave it be)."""
    from policykg.store import is_corpus_graph

    fast = FastPath(lambda: store.ox, lambda: _corpus_graphs(store), cache_bytes)
    if hasattr(store, "listeners"):
        fast.listener = lambda g: fast.changed(g is None or is_corpus_graph(g))
        store.listeners.append(fast.listener)
    return fast


def _close(store: Any, fast: FastPath, pool: WorkerPool) -> None:
    if fast.listener is not None and fast.listener in getattr(store, "listeners", ()):
        store.listeners.remove(fast.listener)
    pool.close()


def _in_pool(pool: WorkerPool, fast: FastPath, job: QueryJob, stop: threading.Event | None = None) -> Answer:
    """A public query in a worker (killed at once if `stop` is set: the client left); its answer cached
    for the corpus version it was asked under."""
    version = fast.version
    answer = pool.run("query", job, stop)
    fast.remember(job, answer, version)
    return answer


def _capped(run: Any, job: QueryJob) -> Answer:
    """run(job) in this thread; TooManyRows as the API's 413."""
    capped = False
    try:
        return run(job)
    except TooManyRows:
        capped = True  # raised below, once the traceback (and the engine's result objects in it) is freed
    if capped:  # in this thread: pyoxigraph results may not be dropped on another one
        raise too_large(job.max_rows)
    raise AssertionError("unreachable")


class _RegistryReader:
    """The store as `evaluate` reads it for a registry query: through the store's own registry read, so
    that a store without the registry (a replica's, server/serving/) refuses instead of answering empty."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def query(self, text: str, **kw: Any) -> Any:
        return self.store.raw_query(text, registry=True, **kw)


class EmbeddedExecutor:
    """Public queries in killable worker processes holding the corpus; the curated registry queries in process."""

    def __init__(self, store: Any, size: int, timeout_s: float, extra: int = 0,
                 cache_bytes: int = 32 * 1024 * 1024, nice: int = 10, copies: dict[str, Any] | None = None) -> None:
        self.store = store
        self.fast = _fast_path(store, cache_bytes)
        self.pool = WorkerPool(store, size, timeout_s, extra, nice)
        # in-memory copies of parts of the registry by a library query's `reads` (e.g. "awards":
        # server/registry/award_copy.py), each read once it is `ready`
        self.copies = dict(copies or {})

    def run(self, job: QueryJob, stop: threading.Event | None = None) -> Answer:
        if job.public_graphs is None:  # a library query whose header says `dataset: corpus+registry`
            copy = self.copies.get(job.reads or "")
            reader = copy if copy is not None and copy.ready else _RegistryReader(self.store)
            return _capped(lambda j: evaluate(reader, j), job)
        return _in_pool(self.pool, self.fast, job, stop)

    def public_graphs(self) -> tuple[str, ...]:
        """The corpus graphs: the dataset of /sparql (the registry is not in it), listed once per corpus version."""
        return self.fast.public_graphs()

    def close(self) -> None:
        _close(self.store, self.fast, self.pool)


class RemoteExecutor:
    """Public queries on a copy of the corpus in the workers; the curated registry queries on the remote server.

    The public dataset is the corpus only, which every API node has (it loads it into the
    remote store): answering it here keeps the registry out by construction, time-limits
    and kills like the embedded store, and avoids Virtuoso's dataset clauses
    (remote_store.py says why). Queries that read the registry are parsed by a worker
    first, so that only standard SPARQL 1.1 reaches the remote server.
    """

    def __init__(self, store: Any, size: int, timeout_s: float, extra: int, corpus_root: Path,
                 cache_bytes: int = 32 * 1024 * 1024, nice: int = 10) -> None:
        from policykg.store import OxiStore

        self.store = store
        self.corpus = OxiStore(None)
        self.corpus.ensure_corpus(corpus_root)
        self.fast = _fast_path(self.corpus, cache_bytes)
        self.pool = WorkerPool(self.corpus, size, timeout_s, extra, nice)

    def public_graphs(self) -> tuple[str, ...]:
        return self.fast.public_graphs()

    def run(self, job: QueryJob, stop: threading.Event | None = None) -> Answer:
        if job.public_graphs is not None:
            return _in_pool(self.pool, self.fast, job, stop)
        self.pool.run("check", job)
        return _capped(self.store.run_job, job)

    def close(self) -> None:
        _close(self.corpus, self.fast, self.pool)


def make_executor(store: Any, settings: Any, copies: dict[str, Any] | None = None) -> Executor:
    size, extra = getattr(settings, "query_workers", 2), getattr(settings, "query_workers_extra", 0)
    cache = getattr(settings, "query_cache_bytes", 32 * 1024 * 1024)
    nice = getattr(settings, "query_worker_nice", 10)
    if hasattr(store, "run_job"):
        return RemoteExecutor(store, size, settings.query_timeout_s, extra, Path(settings.corpus_root), cache, nice)
    return EmbeddedExecutor(store, size, settings.query_timeout_s, extra, cache, nice, copies)
