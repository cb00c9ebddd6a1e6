"""Judgements of stored submissions kept between requests (candidates, the "before" of reforms): each submission evaluated once per corpus version.

A stored submission never changes (its id is its content's hash), so whether it meets a measure on a day
is fixed by the corpus version and what the registry holds about the same project and enterprise: its
awards and the other submissions' requests (server/registry/checks.py, history.py). The cache keeps each
judgement with the project key and credit code it depends on; when the registry has taken writes since,
the records and awards written since (one query) name the projects and enterprises whose judgements are
dropped, and only those are evaluated again. A new corpus version starts a new cache. Bounded: at most
MAX_ENTRIES judgements (the oldest corpus version's go first, then everything).

A store on disk keeps them in data_dir/judgements.sqlite too (registry/judgement_file.py): what is computed is
written at the end of each request (persist()), a group of them read back when first asked (load()), and the
rows of the projects and enterprises written since drop there as here. A new cache starts from the file's state
when that state is one this registry went through, otherwise from nothing.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from policykg.namespaces import PREFIXES
from policykg.registry.judgement_file import JudgementFile, judgement_file
from policykg.registry.records import registry_state
from policykg.validation import get_bundle

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
SINCE_Q = PFX + """SELECT DISTINCT ?key ?cc WHERE {
  { GRAPH ?g { ?rec a pkg:SubmissionRecord ; pkg:submittedAt ?at ; pkg:projectKey ?key ; foaf:primaryTopic ?s .
               OPTIONAL { ?s pkg:applicant/pkg:creditCode ?cc } } }
  UNION { ?rec a pkg:AwardRecord ; pkg:submittedAt ?at ; pkg:projectKey ?key . OPTIONAL { ?rec pkg:creditCode ?cc } }
  FILTER(STR(?at) >= "%s") }"""
KNOWN_Q = "ASK { GRAPH ?g { %s ?p ?o } }"  # the file's last record is one of this registry's
MAX_ENTRIES = 500_000
_LOCK = threading.Lock()
_CACHES: dict[tuple[int, str], Cache] = {}


class Cache:
    """(submission id, measure, day, lang) -> (judgement, project key, credit code) for one store and corpus version."""

    def __init__(self, file: JudgementFile | None = None, version: str = "") -> None:
        self.entries: dict[tuple[str, str, str, str], tuple[Any, str | None, str | None]] = {}
        self.state: dict[str, Any] | None = None
        self.sieves: dict[str, tuple[Any, list[str]]] = {}  # measure -> (registry sequence, what its sieve left)
        self.index: Any = None  # the stored projects as candidates' sieve reads them (matching/sieve.py's Index)
        self.hits = self.misses = 0
        self.file, self.version = file, version
        self.pending: list[tuple[tuple[str, str, str, str], tuple[Any, str | None, str | None]]] = []
        self.loaded: set[tuple[str | None, str | None, str | None]] = set()
        self._lock = threading.Lock()

    def start(self, store: Any) -> None:
        """Take up the file's state if this registry went through it; otherwise forget the file's rows."""
        if self.file is None:
            return
        kept = self.file.state(self.version)
        now = registry_state(store)
        trusted = kept is not None and kept["sequence"] <= now["sequence"] and (
            kept["last"] is None or store.ask(KNOWN_Q % f"<{kept['last']}>", registry=True))
        self.file.clear(keep=self.version if trusted else None)
        if trusted:
            self.state = kept
        else:
            self.state = now
            self.file.set_state(self.version, now)

    def refresh(self, store: Any) -> None:
        """Drop what the registry's writes since the last look may have changed."""
        with self._lock:
            state = registry_state(store)
            if self.state is not None and state["sequence"] != self.state["sequence"]:
                since = self.state.get("at") or ""
                keys, ccs = set(), set()
                for r in store.select(SINCE_Q % since.replace('"', ""), registry=True):
                    keys.add(r["key"].value)
                    if "cc" in r:
                        ccs.add(r["cc"].value)
                self.entries = {k: v for k, v in self.entries.items()
                                if v[1] not in keys and (v[2] is None or v[2] not in ccs)}
                self.pending = [(k, v) for k, v in self.pending if v[1] not in keys and (v[2] is None or v[2] not in ccs)]
                if self.file is not None:
                    self.file.drop(self.version, keys, ccs)
            if self.file is not None and state != self.state:
                self.file.set_state(self.version, state)
            self.state = state

    def load(self, measure: str | None = None, day: str | None = None, lang: str | None = None) -> None:
        """Read the file's judgements of one measure / day / lang (once per cache)."""
        group = (measure, day, lang)
        if self.file is None or group in self.loaded:
            return
        with self._lock:
            rows = self.file.load(self.version, measure, day, lang)
            if len(self.entries) + len(rows) > MAX_ENTRIES:  # the file keeps them: memory holds what is asked now
                self.entries, self.loaded = {}, set()
            for k, v in rows:
                self.entries.setdefault(k, v)
            self.loaded.add(group)

    def persist(self) -> None:
        """Write what was computed since the last call to the file."""
        if self.file is None:
            return
        with self._lock:
            rows, self.pending = self.pending, []
            if rows:
                self.file.put(self.version, rows)

    def get(self, key: tuple[str, str, str, str], compute: Callable[[], tuple[Any, str | None, str | None]]) -> Any:
        hit = self.entries.get(key)
        if hit is not None:
            self.hits += 1
            return hit[0]
        self.misses += 1
        seen = (self.state or {}).get("sequence")
        value = compute()
        if (self.state or {}).get("sequence") != seen:  # the registry was written meanwhile and its writes dropped:
            return value[0]  # this one may have read what was there before; not kept
        if len(self.entries) < MAX_ENTRIES:
            self.entries[key] = value
        if self.file is not None:
            self.pending.append((key, value))
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
            c = _CACHES[key] = Cache(judgement_file(base), key[1])
            c.start(store)
    c.refresh(store)
    return c
