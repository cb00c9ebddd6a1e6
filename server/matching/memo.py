"""A read-through view of a store for one request: each registry query asked once.

Matching one profile evaluates several submissions (its projects and one per other submission type, all of
the same enterprise): eligibility asks the registry, per submission and per capped measure, for the
enterprise's awards and pending requests, and for the project's awards (server/registry/checks.py,
history.py). Those reads do not change during one request, so the view answers the repeats from memory: the
registry reads of one match cost as much as for one submission, whatever the registry's size or how many
projects the enterprise holds. Corpus reads are cached already (per corpus version, in the bundle) and
go straight through. Nothing is written through the view.
"""
from __future__ import annotations

from typing import Any


class Memo:
    def __init__(self, store: Any) -> None:
        self.base = getattr(store, "base", store)  # caches keyed by store (bundle, catalogue) share its entry
        self._store = store
        self._seen: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        self.hits = 0

    def select(self, query: str, bindings: dict[str, Any] | None = None, *,
               registry: bool = False) -> list[dict[str, Any]]:
        if not registry:
            return self._store.select(query, bindings)
        key = (query, tuple(sorted((k, str(v)) for k, v in (bindings or {}).items())))
        rows = self._seen.get(key)
        if rows is None:
            rows = self._seen[key] = self._store.select(query, bindings, registry=True)
        else:
            self.hits += 1
        return [dict(r) for r in rows]  # the caller's own rows

    def ask(self, query: str, bindings: dict[str, Any] | None = None, *, registry: bool = False) -> bool:
        return self._store.ask(query, bindings, registry=registry) if registry else self._store.ask(query, bindings)

    def __getattr__(self, name: str) -> Any:  # reads of every other kind (graph_quads, named_graphs, ox, …)
        if name in ("replace_graph", "remove_graph", "add_graph", "extend", "clear"):
            raise PermissionError("a Memo view is read-only")
        return getattr(self._store, name)
