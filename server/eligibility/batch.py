"""Eligibility of many stored submissions (a reform's impact, one measure's candidates): what a batch reads once.

eligibility() of one stored submission loads its graph (registry.load_submission) and asks the registry
~11 queries. A batch reads the submissions' data graphs only (registry.load_data: no report graph, no
second existence check), then the awards and pending requests of all their projects in a few bulk
queries (registry/prefetch.py), and it knows the answer of eligibility's "is anything recorded under this
project key" for each (its own stored record is): eligibility itself then runs unchanged on the batch's
view, so its answers are the ones it gives submission by submission (tests/reforms/test_batch.py).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef

from policykg.eligibility.hypothetical import recorded_query
from policykg.namespaces import PKG
from policykg.registry import Prefetched, load_data
from policykg.validation import get_bundle, project_key, submissions

CHUNK = 500  # submissions read (and their projects' registry records prefetched) at a time


@dataclass
class Stored:
    """A stored submission as a batch reads it: its data graph, its one subject (None: not one project, which
    eligibility refuses), the project key its record holds, and when it was stored."""

    sid: str
    data: Graph
    subject: URIRef | None
    key: str
    submitted_at: str


class Batch:
    def __init__(self, store: Any) -> None:
        self.store = store
        self.view = Prefetched(store)
        self._terms: dict[Any, Any] = {}

    def read(self, sids: Iterable[str], chunk: int = CHUNK) -> Iterator[Stored]:
        """The stored submissions `sids` (absent ones left out), their registry records read a chunk at a time."""
        todo = list(sids)
        for i in range(0, len(todo), chunk):
            yield from self._chunk(todo[i:i + chunk])

    def _chunk(self, sids: list[str]) -> list[Stored]:
        b = get_bundle(self.store)
        out = []
        for sid in sids:
            found = load_data(self.store, sid, self._terms)
            if found is None:
                continue
            data, record = found
            subs = submissions(b, data)
            out.append(Stored(sid, data, subs[0] if len(subs) == 1 else None, record.get("projectKey", ""),
                              record.get("submittedAt", "")))
        self.view.prefetch(x.key for x in out if x.key)
        for x in out:
            if x.subject is None or x.key != project_key(x.data, x.subject) or x.key == str(x.subject):
                continue  # asked of the store (once) instead
            # its own record holds this key: whatever else is asked with it, something is recorded
            codes = {str(o) for a in x.data.objects(x.subject, PKG.applicant) for o in x.data.objects(a, PKG.creditCode)}
            self.view.remember_ask(recorded_query({x.key}, codes), True)
            self.view.remember_ask(recorded_query({x.key}), True)
        return out
