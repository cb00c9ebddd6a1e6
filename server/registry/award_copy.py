"""An in-memory copy of the corpus and of the registry's award records, kept in step with the store, for the
curated registry queries that read nothing else (`reads: awards` in their header: registry-awards-over-project-cap,
registry-awards-per-enterprise-year, registry-projects-with-several-measures).

Why: at 100,000 submissions such a query over the whole registry joins and sorts 6,373 awards through RocksDB,
where pyoxigraph reads every term's string back from disk to compare it: 0.30-0.38 s for the first page. The same
text over this copy (the corpus and the awards, ~60,000 quads) answers in 27-52 ms (bench/README.md).

Why the answers are the same: every triple about an award is in the award's own graph (registry/quads.py), a
submission may state no AwardRecord and nothing about a registry or corpus IRI (submission/parse.py), and these
queries match award records and corpus resources only. tests/registry/test_award_copy.py runs each of them, with
and without its parameters, on the store and on the copy.

Kept in step through the store's listeners, which the store calls after each write and before the write returns:
an award graph or a corpus graph written is copied again; a corpus reload rebuilds the copy. The copy is built in
a thread at start (~0.7-1.1 s at 100,000 submissions, more on a loaded machine); until it is ready the queries read
the store itself (0.3-0.4 s for a whole-registry page, milliseconds with a parameter: waiting for the build would be
slower). It is read through the store's registry read, so a process without the registry (a replica,
server/serving/) never has one.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

import pyoxigraph as ox

from policykg.errors import PolicyKGError
from policykg.registry.quads import AWARD_GRAPH
from policykg.store import is_corpus_graph

log = logging.getLogger(__name__)
AWARDS_Q = ("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s a <https://w3id.org/policykg/ontology#AwardRecord> ; ?p ?o } "
            f'FILTER (STRSTARTS(STR(?g), "{AWARD_GRAPH}")) }}')
READS = "awards"  # the header value (`reads: awards`) of the queries this copy answers


class AwardCopy:
    """The corpus graphs and the award graphs of `store`, in memory; `query` reads them as the registry read does
    (the default graph is the union of all of them)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.ox = ox.Store()
        self._lock = threading.Lock()
        self._generation = 0  # a corpus reload starts a new one: a build of an older one is dropped
        self._pending: set[str] | None = set()  # graphs written while a build runs; None once the copy is ready
        self._closed = False
        store.listeners.append(self._changed)

    @property
    def ready(self) -> bool:
        return self._pending is None

    def start(self) -> AwardCopy:
        threading.Thread(target=self.build, name="policykg-award-copy", daemon=True).start()
        return self

    def build(self) -> None:
        """Read the corpus and the awards into a new copy, then bring in the graphs written meanwhile."""
        with self._lock:
            generation = self._generation
        self._build(generation)

    def _build(self, generation: int) -> None:
        try:
            fresh = ox.Store()
            quads = [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in self.store.raw_query(AWARDS_Q, registry=True)]
            for g in self.store.corpus_graphs():
                quads += self.store.graph_quads(g.value)
            fresh.extend(quads)
            with self._lock:
                if generation != self._generation:
                    return  # the corpus was reloaded meanwhile: that reload's build replaces this one
                for g in self._pending or ():
                    _copy(self.store, fresh, g)
                self.ox, self._pending = fresh, None
        except PolicyKGError as e:  # no registry in this process: the queries read the store, which refuses
            log.info("no award copy: %s", e.message)
            return
        except Exception:  # the store closed under the build (a server stopped at once): nothing to answer
            if not self._closed:
                log.exception("the award copy could not be built; the queries read the store")
            return
        log.info("award copy ready: %d quads", len(quads))

    def _changed(self, graph: str | None) -> None:
        if graph is None:  # everything changed (a corpus reload)
            with self._lock:
                self._generation += 1
                self._pending = set()
            self.start()
            return
        if not (graph.startswith(AWARD_GRAPH) or is_corpus_graph(graph)):
            return
        with self._lock:
            if self._pending is not None:
                self._pending.add(graph)
            else:
                _copy(self.store, self.ox, graph)

    def query(self, text: str, **kw: Any) -> Any:
        kw.setdefault("use_default_graph_as_union", True)
        return self.ox.query(text, **kw)

    def close(self) -> None:
        self._closed = True
        if self._changed in self.store.listeners:
            self.store.listeners.remove(self._changed)


def _copy(store: Any, into: ox.Store, name: str) -> None:
    """The graph as the store has it now: what is new added first, then what is gone removed (a query meanwhile
    sees the graph's triples, never none of them)."""
    new, g = set(store.graph_quads(name)), ox.NamedNode(name)  # the store's own read (a replica's refuses)
    old = set(into.quads_for_pattern(None, None, None, g))
    into.extend(list(new - old))
    for q in old - new:
        into.remove(q)
