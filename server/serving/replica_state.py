"""What a replica process holds: the public corpus in memory, and nothing of the registry.

`CorpusOnly` is an in-memory pyoxigraph store with the corpus loaded from the same files as the
primary's (so the same corpus version). Every read of the registry (`registry=True`, a submission's
graph) and every write raises `NeedsPrimary`; the app answers it 421, and the replica's forwarding
middleware (server/serving/forward.py) sends the request to the primary instead. So a code path that
needs the registry can never run on a replica's empty registry and answer as if nothing were there.
`NoAccess` does the same for tokens and the audit trail, which only the primary opens.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from policykg.config import Settings
from policykg.errors import NeedsPrimary
from policykg.store import OxiStore, is_corpus_graph


def _needs_primary(what: str) -> NeedsPrimary:
    return NeedsPrimary(f"{what} is served by the primary process", None)


class CorpusOnly:
    """The corpus in memory; anything about the registry is the primary's."""

    def __init__(self) -> None:
        self.inner = OxiStore(None)

    def __getattr__(self, name: str) -> Any:  # corpus reads, listeners, corpus_graphs, ox, path …
        return getattr(self.inner, name)

    def ensure_corpus(self, root: Any) -> bool:
        return self.inner.ensure_corpus(root)

    def raw_query(self, query: str, *, registry: bool = False, **kw: Any) -> Any:
        if registry:
            raise _needs_primary("a registry read")
        return self.inner.raw_query(query, **kw)

    def select(self, query: str, bindings: dict[str, Any] | None = None, *,
               registry: bool = False) -> list[dict[str, Any]]:
        if registry:
            raise _needs_primary("a registry read")
        return self.inner.select(query, bindings)

    def ask(self, query: str, bindings: dict[str, Any] | None = None, *, registry: bool = False) -> bool:
        if registry:
            raise _needs_primary("a registry read")
        return self.inner.ask(query, bindings)

    def graph_quads(self, graph: str) -> list[ox.Quad]:
        if not is_corpus_graph(graph):
            raise _needs_primary("a registry graph")
        return self.inner.graph_quads(graph)

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        raise _needs_primary("a write")

    def close(self) -> None:
        self.inner.close()


class NoAccess:
    """A replica's app.state.access: tokens and the audit trail live in the primary only."""

    def __getattr__(self, name: str) -> Any:
        raise _needs_primary("a token check or the audit trail")


def open_corpus_only(settings: Settings) -> CorpusOnly:
    return CorpusOnly()


def no_access(settings: Settings) -> tuple[NoAccess, None]:
    return NoAccess(), None
