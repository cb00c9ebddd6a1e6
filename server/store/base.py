"""What every store is: the Store protocol, the corpus version query, which named graphs are the corpus."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from policykg.corpus import CORPUS_NODE, META_GRAPH

VERSION_Q = f"""SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ <{CORPUS_NODE}>
  <https://w3id.org/policykg/ontology#corpusVersion> ?v }} }}"""
# Marks a query whose triple patterns are written in the order they are best joined (those its VALUES block binds
# first): a remote Virtuoso is then told to keep that order rather than search for one (store/remote.py), since
# compiling is most of such a query's time there (at 100,000 submissions the enterprise's pending requests
# 94 ms -> 3.4 ms, a project's pending requests 7.5 -> 2.0 ms). A comment: every other engine ignores it.
IN_ORDER = "# policykg: joined in the order written\n"
CORPUS_GRAPH_PREFIXES = (
    "https://w3id.org/policykg/graph/doc/",
)
CORPUS_GRAPHS = {
    "https://w3id.org/policykg/graph/ontology",
    "https://w3id.org/policykg/graph/shapes",
    "https://w3id.org/policykg/graph/queries",
    "https://w3id.org/policykg/graph/organizations",
    str(META_GRAPH),
}


# Named graphs of earlier corpus layouts (policies/<stem>.ttl files used to be graph/policies/<stem>):
# never served, dropped when the corpus is reloaded.
LEGACY_CORPUS_PREFIXES = ("https://w3id.org/policykg/graph/policies/",)


def is_corpus_graph(name: str) -> bool:
    return name in CORPUS_GRAPHS or name.startswith(CORPUS_GRAPH_PREFIXES)


def is_replaced_on_reload(name: str) -> bool:
    """Graphs a corpus reload drops: the corpus graphs and those of earlier corpus layouts."""
    return is_corpus_graph(name) or name.startswith(LEGACY_CORPUS_PREFIXES)


class Store(Protocol):
    """What the rest of the server needs of a store (embedded or remote)."""

    def ensure_corpus(self, root: Path) -> bool: ...
    # Reads see the corpus graphs only; `registry=True` (the registry's own code) sees every graph.
    def select(self, query: str, bindings: dict[str, Any] | None = None, *,
               registry: bool = False) -> list[dict[str, Any]]: ...
    def ask(self, query: str, bindings: dict[str, Any] | None = None, *, registry: bool = False) -> bool: ...
    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None: ...
    def graph_quads(self, graph: str) -> list[ox.Quad]: ...
    def named_graphs(self) -> list[str]: ...
    def close(self) -> None: ...
