"""The store a reform is evaluated on: the reformed corpus (in memory) and the real registry, without a copy.

Corpus reads (the default: `registry=False`) and the corpus graphs go to the in-memory store holding the
reformed corpus and its regenerated shapes; the registry's own reads (`registry=True`: awards, other
submissions' requests; server/registry/) and the registry's graphs go to the real store, read-only. The
registry's queries read records only, never the parameters a reform changes, so the answer is the one a
copy of the registry beside the reformed corpus gave (tests/reforms/test_impact.py's hand-derived answers),
without copying every stored submission (2.4 M quads at 100,000 submissions) for each reform.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from policykg.store import OxiStore, is_corpus_graph


class Reformed:
    def __init__(self, corpus: OxiStore, registry: Any) -> None:
        self.corpus, self.registry = corpus, registry
        self.ox = corpus.ox  # the reformed corpus, for code that reads the engine directly

    @property
    def version_memo(self) -> list[str | None]:
        """The reformed corpus's version, kept by its in-memory store (read-only here: it never changes)."""
        return self.corpus.version_memo

    def select(self, query: str, bindings: dict[str, Any] | None = None, *,
               registry: bool = False) -> list[dict[str, Any]]:
        if registry:
            return self.registry.select(query, bindings, registry=True)
        return self.corpus.select(query, bindings)

    def ask(self, query: str, bindings: dict[str, Any] | None = None, *, registry: bool = False) -> bool:
        return self.registry.ask(query, bindings, registry=True) if registry else self.corpus.ask(query, bindings)

    def graph_quads(self, graph: str) -> list[ox.Quad]:
        return self.corpus.graph_quads(graph) if is_corpus_graph(graph) else self.registry.graph_quads(graph)

    def named_graphs(self) -> list[str]:
        return sorted([g for g in self.corpus.named_graphs() if is_corpus_graph(g)]
                      + [g for g in self.registry.named_graphs() if not is_corpus_graph(g)])

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        raise PermissionError("a reform is evaluated read-only")

    def ensure_corpus(self, root: Any) -> bool:
        return False

    def close(self) -> None:
        self.corpus.close()
