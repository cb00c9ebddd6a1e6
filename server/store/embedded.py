"""The store: pyoxigraph on disk by default, in memory for tests (docs/architecture.md (engines)).

The corpus is loaded as named graphs; the corpus version (a hash of the source
files) is recorded in the meta graph so that a stale store is rebuilt, not
served. Reloading is idempotent: the corpus graphs are dropped and written
again, and the version triple is written in the same transaction as the data,
so a crash mid-load leaves a store that is reloaded at the next start.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from policykg.corpus import CORPUS_NODE, META_GRAPH, corpus_version, iter_corpus_quads
from policykg.errors import StoreInUse
from policykg.groupcommit import GroupCommit
from policykg.store.base import VERSION_Q, is_corpus_graph, is_replaced_on_reload

log = logging.getLogger(__name__)

class OxiStore:
    """pyoxigraph, on disk under data_dir/store or in memory."""

    # Only this handle writes its data (RocksDB locks the data directory; a read-only handle writes nothing), so a
    # value read from it stays true until `write_count` changes (registry/records.py keeps the registry's state so).
    single_writer = True

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        # Called with the graph name after each write (None: everything changed), e.g. by the
        # SPARQL query workers (server/endpoint/executor.py) that keep copies of the store in step.
        self.listeners: list[Callable[[str | None], None]] = []
        self._corpus: list[ox.NamedNode] | None = None  # the corpus graphs, the dataset of every read but the registry's
        # corpus.index.store_version's answer until a corpus graph is written (asked several times per request)
        self.version_memo: list[str | None] = [None]
        self._commit = GroupCommit(self._flush)  # sync(): one flush for the writes of callers that arrive together
        self._logs_synced: frozenset[str] = frozenset()  # WAL files whose directory entry is on disk (_sync_wal)
        self._logs_done: frozenset[str] = frozenset()  # WAL files synced after a newer one existed: complete
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
            try:
                self.ox = ox.Store(str(path))
            except OSError as e:  # RocksDB: "While lock file: …/LOCK: Resource temporarily unavailable"
                if "lock" not in str(e).lower():
                    raise
                raise StoreInUse(f"the data directory {path} is in use by another process (one policykg server "
                                 "per data directory: stop the other one, or give --data-dir another directory)",
                                 {"dataDir": str(path)}) from None
        else:
            self.ox = ox.Store()

    @classmethod
    def read_only(cls, path: Path) -> OxiStore:
        """A read-only handle on the store at `path`, which no process may be writing meanwhile (pyoxigraph: undefined
        behaviour otherwise): the worker processes of a batch over a stopped server's data directory
        (reforms/parallel.py). Several may be open at once; writes through it fail."""
        out = cls(None)
        out.ox = ox.Store.read_only(str(path))
        return out

    # -- corpus -----------------------------------------------------------
    def stored_version(self) -> str | None:
        rows = list(self.ox.query(VERSION_Q))
        return rows[0]["v"].value if rows else None

    def ensure_corpus(self, root: Path) -> bool:
        """Load the corpus if the store lacks it or holds another version; True if it (re)loaded."""
        version = corpus_version(root)
        if self.stored_version() == version:
            return False
        quads = list(iter_corpus_quads(root))  # parse everything before touching the store
        quads += _graph_list({q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)})
        self.ox.remove_graph(ox.NamedNode(str(META_GRAPH))) if self._has(str(META_GRAPH)) else None
        for g in self.named_graphs():
            if is_replaced_on_reload(g):
                self.ox.remove_graph(ox.NamedNode(g))
        self.ox.extend(quads)  # one transaction, version triple included
        self.ox.flush() if self.path else None
        log.info("corpus %s loaded: %d quads", version[:12], len(quads))
        self._changed(None)
        return True

    def _changed(self, graph: str | None) -> None:
        if graph is None or is_corpus_graph(graph) or graph == str(META_GRAPH):
            self._corpus = None
            self.version_memo[0] = None
        for fn in list(self.listeners):
            fn(graph)

    def _has(self, g: str) -> bool:
        return self.ox.contains_named_graph(ox.NamedNode(g))

    # -- queries ----------------------------------------------------------
    def corpus_graphs(self) -> list[ox.NamedNode]:
        """The corpus graphs, from the list the corpus load wrote in the meta graph: no scan of every named graph
        (131,000 of them with a registry of 100,000 submissions). A store loaded before the list existed is
        scanned once, and the list written."""
        if self._corpus is None:
            rows = self.ox.query(f"SELECT ?g WHERE {{ GRAPH <{META_GRAPH}> {{ <{CORPUS_NODE}> <{CORPUS_GRAPH}> ?g }} }}")
            names = sorted(r["g"].value for r in rows)
            if not names:
                names = [g for g in self.named_graphs() if is_corpus_graph(g)]
                if self.stored_version() is not None:
                    self.ox.extend(_graph_list(set(names)))
            self._corpus = [ox.NamedNode(g) for g in names if is_corpus_graph(g)]
        return list(self._corpus)

    def raw_query(self, query: str, *, registry: bool = False, **kw: Any) -> Any:
        """Reads the corpus graphs only (the default graph is their union; no other graph can be named),
        unless `registry`: the registry's own code reads every graph (docs/architecture.md (security))."""
        if registry:
            kw.setdefault("use_default_graph_as_union", True)
        else:
            graphs = self.corpus_graphs()
            kw.setdefault("default_graph", graphs)
            kw.setdefault("named_graphs", graphs)
        return self.ox.query(query, **kw)

    def select(self, query: str, bindings: dict[str, Any] | None = None, *,
               registry: bool = False) -> list[dict[str, Any]]:
        res = self.raw_query(query, substitutions=_subs(bindings), registry=registry)
        names = [v.value for v in res.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in res]

    def ask(self, query: str, bindings: dict[str, Any] | None = None, *, registry: bool = False) -> bool:
        return bool(self.raw_query(query, substitutions=_subs(bindings), registry=registry))

    @property
    def write_count(self) -> int:
        """How many writes (replace_graph, bulk_extend) this handle has made; counted once each is in the store."""
        return self._commit.written

    def bulk_extend(self, quads: Iterable[ox.Quad]) -> None:
        """pyoxigraph's bulk loader (no transaction: never on a store a server has open), counted in `write_count`."""
        self.ox.bulk_extend(quads)
        self._commit.wrote()

    # -- graphs -----------------------------------------------------------
    def replace_graph(self, graph: str, quads: Iterable[ox.Quad], *, durable: bool = True) -> None:
        """One transaction; flushed to disk before returning unless not `durable` (then sync() makes it so)."""
        g = ox.NamedNode(graph)
        quads = [ox.Quad(q.subject, q.predicate, q.object, g) for q in quads]
        if self._has(graph):
            self.ox.remove_graph(g)
        if is_corpus_graph(graph) and self.stored_version() is not None:
            quads += _graph_list({graph})  # a corpus graph written after the load is listed like the loaded ones
        self.ox.extend(quads)
        self._commit.wrote()
        if durable:
            self.sync()
        self._changed(graph)

    def sync(self) -> None:
        """Every write made before this call is on disk when it returns. Group commit (policykg.groupcommit):
        callers that arrive while a flush runs wait for it to end, then one of them flushes for all of them."""
        if self.path:
            self._commit.wait_durable()

    def _flush(self) -> None:
        if not self._sync_wal():
            self.ox.flush()

    def _sync_wal(self) -> bool:
        """fsync RocksDB's write-ahead log files and the directory: every committed transaction is on disk.

        pyoxigraph writes each transaction to RocksDB's WAL (`NNNNNN.log`) as it commits (the process can be
        killed right after and the write is there: tests/registry/test_durability.py passes with no flush at
        all); what is left for a power cut is the OS cache, which fsync empties. Store.flush() instead writes
        the memtables out as new SST files: ~14 ms and one more file per call, where this is one fsync.
        False when no WAL file is found (then the caller flushes)."""
        assert self.path is not None
        with os.scandir(self.path) as entries:  # (not Path.iterdir: the directory holds every table file too)
            logs = sorted(e.name for e in entries if e.name.endswith(".log") and e.name[:-4].isdigit())
        for name in logs:
            if name in self._logs_done:
                continue  # an older log than one synced after it: RocksDB writes only the newest
            try:
                fd = os.open(self.path / name, os.O_RDONLY)
            except FileNotFoundError:  # RocksDB dropped an obsolete log meanwhile: its data is in SST files
                continue
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        self._logs_done = frozenset(logs[:-1])  # numbered in order: all but the newest are written no more
        names = frozenset(logs)
        if logs and not names <= self._logs_synced:  # a log file created since: its directory entry, once
            fd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            self._logs_synced = names
        return bool(logs)

    def graph_quads(self, graph: str) -> list[ox.Quad]:
        return list(self.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def close(self) -> None:
        if self.path:
            self.ox.flush()
        del self.ox


CORPUS_GRAPH = "https://w3id.org/policykg/ontology#corpusGraph"


def _graph_list(names: set[str]) -> list[ox.Quad]:
    """The corpus's named graphs, listed in the meta graph (read by corpus_graphs)."""
    node, p, g = ox.NamedNode(str(CORPUS_NODE)), ox.NamedNode(CORPUS_GRAPH), ox.NamedNode(str(META_GRAPH))
    return [ox.Quad(node, p, ox.NamedNode(n), g) for n in sorted(names)]


def _subs(bindings: dict[str, Any] | None) -> dict[ox.Variable, Any] | None:
    """Values from users go in as substitutions, never spliced as text (docs/architecture.md (security))."""
    if not bindings:
        return None
    out = {}
    for k, v in bindings.items():
        if isinstance(v, (ox.NamedNode, ox.Literal, ox.BlankNode)):
            out[ox.Variable(k)] = v
        else:
            out[ox.Variable(k)] = ox.Literal(str(v))
    return out
