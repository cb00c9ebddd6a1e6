"""RegistryHidden: a read-only view of a store in which the registry does not exist.

What an anonymous POST /api/validate or /api/eligibility runs on: the registry's own reads
(`registry=True`: prior awards, other submissions' requests, yearly totals) see the corpus
graphs only, so the answer cannot reveal any enterprise's records; the answer says the
registry was not consulted (server/api/validate.py). Writes through the view are refused.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from policykg.store.base import is_corpus_graph


class RegistryHidden:
    def __init__(self, store: Any) -> None:
        self.base = store  # caches keyed by store (bundle, catalog) share the base store's entry

    @property
    def version_memo(self) -> list[str | None] | None:
        """The base store's memo of its corpus version (the same corpus: corpus.index.store_version)."""
        return getattr(self.base, "version_memo", None)

    def select(self, query: str, bindings: dict[str, Any] | None = None, *,
               registry: bool = False) -> list[dict[str, Any]]:
        return self.base.select(query, bindings)

    def ask(self, query: str, bindings: dict[str, Any] | None = None, *, registry: bool = False) -> bool:
        return self.base.ask(query, bindings)

    def graph_quads(self, graph: str) -> list[ox.Quad]:
        return self.base.graph_quads(graph) if is_corpus_graph(graph) else []

    def named_graphs(self) -> list[str]:
        if hasattr(self.base, "corpus_graphs"):  # listed, not a scan of every registry graph
            return sorted(g.value for g in self.base.corpus_graphs())
        return [g for g in self.base.named_graphs() if is_corpus_graph(g)]

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        raise PermissionError("a RegistryHidden view is read-only")

    def ensure_corpus(self, root: Any) -> bool:
        return self.base.ensure_corpus(root)

    def close(self) -> None:
        pass
