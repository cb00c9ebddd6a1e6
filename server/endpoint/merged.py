"""The default graph of a public query as the RDF merge of its graphs: each triple answers once.

SPARQL 1.1 §13.1: the default graph of a dataset given as several graphs is their RDF
merge, a set of triples. pyoxigraph, given `default_graph=[g1, g2, …]`, evaluates the
union of the graphs as a bag: a triple held by several corpus graphs (a document
described in 2–5 of them) answers once per graph, and COUNTs are wrong. A query worker
therefore keeps, beside its copy of the store, a second store holding the deduplicated
merge of each set of graphs a query reads as its default graph, under a reserved name that
no query can name (the named graphs a public query sees are given explicitly), and – only
for a query that uses GRAPH – copies of the public graphs. A merge is built on first use
(~40 ms for the corpus, in Rust: dump and load) and dropped when one of its graphs changes;
the registry's graphs never enter.
"""
from __future__ import annotations

import dataclasses
import hashlib

import pyoxigraph as ox

from policykg.sparql import QueryJob, restricted_dataset

MERGE = "urn:x-policykg:merge:"  # not an http(s) IRI: never a corpus graph, never public
MAX_MERGES = 8


class PublicView:
    """The public graphs of the worker's store and their merges, in a store of their own."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.graphs: set[str] = set()  # the named graphs copied into self.store
        self.sources: set[str] = set()  # the graphs the merges are made of
        self.merges: dict[frozenset[str], str] = {}

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]

    def changed(self, graph: str) -> None:
        """A graph of the worker's store was replaced: forget the copies that depended on it."""
        if graph in self.graphs or graph in self.sources:
            self.reset()

    def prepare(self, source: ox.Store, job: QueryJob) -> tuple[ox.Store, QueryJob]:
        """(the store to run `job` on, the job): a public job whose default graph spans several graphs is
        answered here, its default graph the merge; any other job runs on `source` unchanged."""
        limited = restricted_dataset(job)
        if limited is None or len(set(limited[0])) < 2:
            return source, job
        default, named = limited
        if named and "GRAPH" in job.text.upper():  # the named graphs are copied only for a query that reads them
            self._copy(source, set(named))
        merge = self._merge(source, frozenset(default))
        return self.store, dataclasses.replace(job, public_graphs=None, protocol_dataset=True,
                                               default_graphs=(merge,), named_graphs=tuple(named))

    def _copy(self, source: ox.Store, graphs: set[str]) -> None:
        missing = graphs - self.graphs
        if not missing:
            return
        for g in sorted(missing):  # serialised and parsed by the engine: no Python object per triple
            self.store.load(source.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g)),
                            format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(g))
        self.graphs |= missing

    def _merge(self, source: ox.Store, graphs: frozenset[str]) -> str:
        name = self.merges.get(graphs)
        if name is not None:
            return name
        if len(self.merges) >= MAX_MERGES:
            for old in self.merges.values():
                self.store.remove_graph(ox.NamedNode(old))
            self.merges.clear()
        name = MERGE + hashlib.sha256("\n".join(sorted(graphs)).encode()).hexdigest()[:32]
        target = ox.NamedNode(name)
        for g in sorted(graphs):  # a graph is a set: a triple of several graphs is written once
            self.store.load(source.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g)),
                            format=ox.RdfFormat.N_TRIPLES, to_graph=target)
        self.sources |= graphs
        self.merges[graphs] = name
        return name
