"""A read-only view of a store for one batch (a reform's impact, one measure's candidates): the registry's
per-project reads answered from a few bulk reads, and every other registry read asked once.

Eligibility of one stored submission asks the registry, per submission, for the project's awards
(registry_context, history_findings: records.AWARDS_Q), its pending conforming requests (history.PENDING_Q)
and whether anything is recorded under its key (eligibility/hypothetical.recorded): at 100,000 submissions
~11 queries per submission, half of a reform's time. Here the awards and the pending requests of every
project of the batch are read in one query each (the same query text with all the keys in its VALUES
block, so each row is the row the per-key query gives, in the same order), and the answers are kept under
the exact text the per-key read sends: the registry code runs unchanged and finds them. What was not
prefetched is read from the store once and kept (as matching/memo.py does for one profile). Nothing is
written through the view, and it is meant to live for one batch: it does not see later writes.
tests/registry/test_prefetch.py compares every prefetched answer with the store's own.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from policykg.registry.bound import bound
from policykg.registry.history import PENDING_Q
from policykg.registry.records import AWARDS_Q
from policykg.sparql import values_block

CHUNK = 2000  # keys per bulk query (a VALUES block of a few hundred kB at most)


def _key(query: str, bindings: dict[str, Any] | None) -> tuple[str, tuple[tuple[str, str], ...]]:
    return query, tuple(sorted((k, str(v)) for k, v in (bindings or {}).items()))


class Prefetched:
    def __init__(self, store: Any) -> None:
        self.base = getattr(store, "base", store)  # caches keyed by store (bundle, catalogue) share its entry
        self._store = store
        self._seen: dict[tuple[str, tuple[tuple[str, str], ...]], list[dict[str, Any]]] = {}
        self._asked: dict[tuple[str, tuple[tuple[str, str], ...]], bool] = {}
        self.hits = self.reads = 0

    # -- bulk reads ------------------------------------------------------------
    def prefetch(self, keys: Iterable[str]) -> None:
        """Read the awards and the pending conforming requests of every project key in `keys`."""
        todo = sorted(set(keys))
        for query, var in ((AWARDS_Q, "key"), (PENDING_Q, "key")):
            todo_q = [k for k in todo if _key(bound(query, {var: ox.Literal(k)}), None) not in self._seen]
            for i in range(0, len(todo_q), CHUNK):
                self._bulk(query, var, todo_q[i:i + CHUNK])

    def _bulk(self, query: str, var: str, keys: list[str]) -> None:
        groups: dict[str, list[dict[str, Any]]] = {k: [] for k in keys}
        text = bound(query, {var: ox.Literal(keys[0])})  # where the VALUES block goes, then all the keys in it
        one = values_block({var: ox.Literal(keys[0])})
        if text.count(one) != 1:  # not where bound() writes it: read per key instead (never a wrong answer)
            return
        rows = " ".join(f"({ox.Literal(k)})" for k in keys)
        many = text.replace(one, f" VALUES (?{var}) {{ {rows} }} ", 1)
        projected = _projects(query, var)
        if not projected:  # ?key projected too (no DISTINCT or aggregate in these queries: the same rows)
            many = many.replace("SELECT ", f"SELECT ?{var} ", 1)
        self.reads += 1
        for r in self._store.select(many, registry=True):
            k = r[var].value if var in r else None
            if k in groups:
                groups[k].append(r)
        for k, rows in groups.items():
            self._seen[_key(bound(query, {var: ox.Literal(k)}), None)] = \
                rows if projected else [{n: v for n, v in r.items() if n != var} for r in rows]

    def remember_ask(self, query: str, answer: bool) -> None:
        """An ASK whose answer the caller knows (e.g. a stored submission's own record answers 'is anything
        recorded under this key': True)."""
        self._asked[_key(query, None)] = answer

    # -- the store's reads -------------------------------------------------------
    def select(self, query: str, bindings: dict[str, Any] | None = None, *,
               registry: bool = False) -> list[dict[str, Any]]:
        if not registry:
            return self._store.select(query, bindings)
        key = _key(query, bindings)
        rows = self._seen.get(key)
        if rows is None:
            self.reads += 1
            rows = self._seen[key] = self._store.select(query, bindings, registry=True)
        else:
            self.hits += 1
        return [dict(r) for r in rows]  # the caller's own rows

    def ask(self, query: str, bindings: dict[str, Any] | None = None, *, registry: bool = False) -> bool:
        if not registry:
            return self._store.ask(query, bindings)
        key = _key(query, bindings)
        found = self._asked.get(key)
        if found is None:
            self.reads += 1
            found = self._asked[key] = self._store.ask(query, bindings, registry=True)
        else:
            self.hits += 1
        return found

    def __getattr__(self, name: str) -> Any:  # reads of every other kind (graph_quads, named_graphs, ox, …)
        if name in ("replace_graph", "remove_graph", "add_graph", "extend", "clear"):
            raise PermissionError("a Prefetched view is read-only")
        return getattr(self._store, name)


def _projects(query: str, var: str) -> bool:
    head = query.split("SELECT", 1)[1].split("WHERE", 1)[0]
    if "DISTINCT" in head or "(" in head:
        raise ValueError("prefetch reads only plain SELECT queries")
    return f"?{var}" in head.split()
