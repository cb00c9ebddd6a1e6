"""Judgements of stored submissions kept between requests (candidates, the "before" of reforms): each submission evaluated once per corpus version.

A stored submission never changes (its id is its content's hash), so whether it meets a measure on a day
is fixed by the corpus version and what the registry holds about the same project and enterprise: its
awards and the other submissions' requests (server/registry/checks.py, history.py). The cache keeps each
judgement with the project key and credit code it depends on; when the registry has taken writes since,
the records and awards written since (one query) name the projects and enterprises whose judgements are
dropped, and only those are evaluated again. A new corpus version starts a new cache. Bounded: at most
MAX_ENTRIES judgements (the oldest corpus version's go first, then everything).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from policykg.namespaces import PREFIXES
from policykg.registry.records import registry_state
from policykg.validation import get_bundle

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
SINCE_Q = PFX + """SELECT DISTINCT ?key ?cc WHERE {
  { GRAPH ?g { ?rec a pkg:SubmissionRecord ; pkg:submittedAt ?at ; pkg:projectKey ?key ; foaf:primaryTopic ?s .
               OPTIONAL { ?s pkg:applicant/pkg:creditCode ?cc } } }
  UNION { ?rec a pkg:AwardRecord ; pkg:submittedAt ?at ; pkg:projectKey ?key . OPTIONAL { ?rec pkg:creditCode ?cc } }
  FILTER(STR(?at) >= "%s") }"""
MAX_ENTRIES = 500_000
_LOCK = threading.Lock()
_CACHES: dict[tuple[int, str], Cache] = {}


class Cache:
    """(submission id, measure, day, lang) -> (judgement, project key, credit code) for one store and corpus version."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str, str, str], tuple[Any, str | None, str | None]] = {}
        self.state: dict[str, Any] | None = None
        self.sieves: dict[str, tuple[Any, list[str]]] = {}  # measure -> (registry sequence, what its sieve left)
        self.index: Any = None  # the stored projects as candidates' sieve reads them (matching/sieve.py's Index)
        self.hits = self.misses = 0

    def refresh(self, store: Any) -> None:
        """Drop what the registry's writes since the last look may have changed."""
        state = registry_state(store)
        if self.state is not None and state["sequence"] != self.state["sequence"]:
            since = self.state.get("at") or ""
            keys, ccs = set(), set()
            for r in store.select(SINCE_Q % since.replace('"', ""), registry=True):
                keys.add(r["key"].value)
                if "cc" in r:
                    ccs.add(r["cc"].value)
            self.entries = {k: v for k, v in self.entries.items() if v[1] not in keys and (v[2] is None or v[2] not in ccs)}
        self.state = state

    def get(self, key: tuple[str, str, str, str], compute: Callable[[], tuple[Any, str | None, str | None]]) -> Any:
        hit = self.entries.get(key)
        if hit is not None:
            self.hits += 1
            return hit[0]
        self.misses += 1
        value = compute()
        if len(self.entries) < MAX_ENTRIES:
            self.entries[key] = value
        return value[0]


def cache_for(store: Any) -> Cache:
    """The cache of `store`'s current corpus version, its registry writes taken into account."""
    base = getattr(store, "base", store)
    key = (id(base), get_bundle(store).version)
    with _LOCK:
        c = _CACHES.get(key)
        if c is None:
            for k in [k for k in _CACHES if k[0] == key[0]]:  # an older corpus version of the same store
                del _CACHES[k]
            c = _CACHES[key] = Cache()
    c.refresh(store)
    return c
