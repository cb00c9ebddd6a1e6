"""The light path of /sparql: cheap public queries answered in the server's process, and answers cached.

Per corpus version (a counter bumped when a corpus graph changes; registry writes do not
touch it), the server keeps:

- the list of public graphs (listing the store's named graphs costs 0.5 s at 100k submissions);
- a snapshot of the public dataset: an in-memory store whose default graph is the RDF merge
  of the corpus graphs (each triple once: the same default graph the workers build,
  endpoint/merged.py), made on first use (~0.1 s, in Rust: dump and load);
- a cache of answers (`ResultCache`) keyed by corpus version, query text, format, dataset and
  caps, bounded by bytes; a new corpus version empties it.

A query is answered on the snapshot, with no worker round trip, only when it is a public
SELECT/ASK that reads the default graph (no FROM, no protocol dataset, no bindings), that
sparql/cost.py reads as one basic graph pattern whose patterns are connected, and whose
work is bounded before it runs: the product of each pattern's match count on the snapshot
(counted up to `budget`) is at most `budget` (default 20,000 join steps: a few ms in the
engine). Any other query goes to the killable workers, as before. Its measured time is
logged when it passes `slow_ms`. A query whose pattern counts are already known and whose
product is within `inline_budget` (2,000) is answered on the event loop itself: under load a
thread-pool hop costs more than that (bench/README.md: ×2 the rate at c=4); the first of its
kind, which counts, and anything larger run in a thread.
"""
from __future__ import annotations

import dataclasses
import itertools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from policykg.sparql import Answer, Pattern, QueryInfo, QueryJob, basic_patterns, connected, evaluate, inspect

log = logging.getLogger("policykg.endpoint.fastpath")


@dataclasses.dataclass(frozen=True)
class RawAnswer:
    """A whole HTTP answer as sent: its headers (ASGI pairs) and body (api/sparql_lane.py)."""

    headers: list[tuple[bytes, bytes]]
    body: bytes


class ResultCache:
    """Answers (anything with a `body`) by key, least recently used dropped first, at most `max_bytes` in all:
    each entry counts its body and the text in its key (a query text can be as long as a request body)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.size = max(0, max_bytes), 0
        self._items: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            got = self._items.get(key)
            if got is None:
                return None
            self._items.move_to_end(key)
            return got[0]

    def put(self, key: Any, answer: Any, key_bytes: int = 0) -> None:
        n = len(answer.body) + key_bytes + 200  # 200: the entry itself
        if n > self.max_bytes // 8:  # one large answer does not evict everything else
            return
        with self._lock:
            old = self._items.pop(key, None)
            self.size += n - (old[1] if old is not None else 0)
            self._items[key] = (answer, n)
            while self.size > self.max_bytes and self._items:
                _, (_dropped, m) = self._items.popitem(last=False)
                self.size -= m

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._items)


class Snapshot:
    """The public dataset of one corpus version: its graphs' merge as the default graph of an in-memory store."""

    def __init__(self, source: ox.Store, graphs: tuple[str, ...]) -> None:
        self.store = ox.Store()
        for g in graphs:  # into one graph, a set: a triple of several graphs is written once
            self.store.load(source.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g)),
                            format=ox.RdfFormat.N_TRIPLES)
        self._counts: dict[tuple[Pattern, int], int] = {}

    def count(self, p: Pattern, cap: int, known_only: bool = False) -> int | None:
        """Matches of `p`'s constants (its variables and literals match anything), counted up to cap + 1;
        with `known_only`, None unless counted before (counting walks up to cap matches in Python)."""
        n = self._counts.get((p, cap))
        if n is None and known_only:
            return None
        if n is None:
            def const(t: Any) -> ox.NamedNode | None:
                return t if isinstance(t, ox.NamedNode) else None

            it = self.store.quads_for_pattern(const(p.s), const(p.p), const(p.o), ox.DefaultGraph())
            n = sum(1 for _ in itertools.islice(it, cap + 1))
            if len(self._counts) < 10_000:
                self._counts[(p, cap)] = n
        return n

    def work(self, patterns: list[Pattern], budget: int, known_only: bool = False) -> int | None:
        """The product of the patterns' counts (a bound on a join's work), budget + 1 once past it;
        None with `known_only` when a count is not known yet."""
        work = 1
        for p in patterns:
            n = self.count(p, budget, known_only)
            if n is None:
                return None
            work *= max(1, n)
            if work > budget:
                return budget + 1
        return work


class FastPath:
    """Public graphs, snapshot and answer cache of the current corpus version (module docstring)."""

    def __init__(self, source: Callable[[], ox.Store], list_graphs: Callable[[], tuple[str, ...]],
                 cache_bytes: int = 32 * 1024 * 1024, budget: int = 20_000, slow_ms: float = 50.0,
                 inline_budget: int = 2_000) -> None:
        self.source, self.list_graphs, self.budget, self.slow_ms = source, list_graphs, budget, slow_ms
        self.inline_budget = inline_budget
        self.version = 0
        self.cache = ResultCache(cache_bytes)
        self._graphs: tuple[int, tuple[str, ...]] | None = None
        self._snapshot: tuple[int, Snapshot] | None = None
        self._lock = threading.Lock()
        self.listener: Callable[[str | None], None] | None = None  # the store's call to changed(), set by executor.py

    def changed(self, corpus: bool) -> None:
        """A store write: a corpus graph changed (or everything) when `corpus`; the registry's writes are ignored."""
        if corpus:
            with self._lock:
                self.version += 1
                self._graphs = self._snapshot = None
            self.cache.clear()

    def cached_graphs(self) -> tuple[str, ...] | None:
        g = self._graphs
        return g[1] if g is not None and g[0] == self.version else None

    def public_graphs(self) -> tuple[str, ...]:
        got = self.cached_graphs()
        if got is not None:
            return got
        version = self.version
        graphs = self.list_graphs()
        with self._lock:
            if version == self.version:
                self._graphs = (version, graphs)
        return graphs

    @staticmethod
    def key(job: QueryJob, version: int) -> Any:
        return (version, job.text, job.fmt, job.form, job.public_graphs is None, job.default_graphs, job.named_graphs,
                tuple(sorted((k, str(v)) for k, v in job.bindings.items())), job.max_rows, job.max_bytes)

    def lookup(self, job: QueryJob) -> Answer | None:
        if job.public_graphs is None:  # a registry query: the registry is not versioned here
            return None
        return self.cache.get(self.key(job, self.version))

    def remember(self, job: QueryJob, answer: Answer, version: int) -> None:
        if job.public_graphs is not None and version == self.version:
            self.cache.put(self.key(job, version), answer, len(job.text) + sum(map(len, job.default_graphs))
                           + sum(map(len, job.named_graphs)))

    def raw_lookup(self, key: Any) -> RawAnswer | None:
        """A whole GET /sparql answer by (raw query string, Accept), for this corpus version."""
        return self.cache.get(("raw", self.version, key))

    def raw_remember(self, key: Any, answer: RawAnswer, version: int) -> None:
        if version == self.version:
            self.cache.put(("raw", version, key), answer, sum(map(len, key)) + sum(len(a) + len(b) for a, b in
                                                                                answer.headers))

    def _current(self) -> Snapshot:
        snap = self._snapshot
        version = self.version
        if snap is not None and snap[0] == version:
            return snap[1]
        made = Snapshot(self.source(), self.public_graphs())
        with self._lock:
            if version == self.version:
                self._snapshot = (version, made)
        return made

    def cheap(self, job: QueryJob, info: QueryInfo | None = None, inline: bool = False) -> Answer | None | bool:
        """The answer of a cheap public query on the snapshot, or None (not cheap: for a worker).

        `info`: the guard's reading of `job.text` with `job.prefixes`, when the caller has it. `inline`
        (the caller is the event loop): answered only if the snapshot is made, every pattern's count is
        known and their product is within `inline_budget` (a fraction of a millisecond of engine work, less
        than a thread hop costs under load); else True: "ask again from a thread"."""
        if job.public_graphs is None or job.protocol_dataset or job.bindings or job.form not in ("SELECT", "ASK"):
            return None
        patterns = basic_patterns(job.text, info or inspect(job.text, job.prefixes), job.base_iri)
        if patterns is None or not connected(patterns):
            return None
        version = self.version
        if inline:
            ready = self._snapshot
            if ready is None or ready[0] != version:
                return True
            snap = ready[1]
            work = snap.work(patterns, self.budget, known_only=True)
            if work is None or work > self.inline_budget:
                return True if work is None or work <= self.budget else None
        else:
            snap = self._current()
            if snap.work(patterns, self.budget) > self.budget:  # type: ignore[operator]
                return None
        t0 = time.perf_counter()
        try:
            answer = self.on_snapshot(job, snap)
        except Exception:  # noqa: BLE001 - a syntax error, an answer over the cap …: the worker path says it
            return None
        ms = (time.perf_counter() - t0) * 1000
        if ms > self.slow_ms:
            log.warning("a query admitted as cheap took %.0f ms: %s", ms, job.text[:200])
        self.remember(job, answer, version)
        return answer

    def on_snapshot(self, job: QueryJob, snap: Snapshot | None = None) -> Answer:
        """`job` (a public query that reads the default graph) evaluated on the snapshot, cheap or not."""
        local = dataclasses.replace(job, public_graphs=None, union_default=False, protocol_dataset=True,
                                    default_graphs=(), named_graphs=())  # the default graph: the merge
        return evaluate((snap or self._current()).store, local)
