"""The registry written in bulk: the very quads of store_submission / record_award (server/registry/quads.py),
collected and handed to the store in large batches, for building a registry of 100,000 seeded submissions
(bench/generate.py --data-dir) in minutes instead of hours.

Offline only: no write lock, no idempotency keys, no per-record transaction. On pyoxigraph the batches go
through `Store.bulk_extend` (the bulk loader: no transaction, so never on a store a server has open); the
registry's sequence graph is written last, so an interrupted build reads as a registry without a state.
Equal submission graphs are one submission and the same award once, as on the normal path.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from policykg.registry.hashing import graph_hash, submission_id
from policykg.registry.quads import AWARD, RECORD, award_quads, sequence_quads, submission_quads

BATCH = 200_000  # quads per bulk_extend: ~100 MB of Python objects at most


@dataclass
class BulkWriter:
    """Collects records; `sink` takes each batch of quads (e.g. OxiStore's bulk_extend)."""

    sink: Callable[[list[ox.Quad]], None]
    at: str  # the timestamp every award and the final state are recorded at
    batch: int = BATCH
    sequence: int = 0
    last: str | None = None
    quads: int = 0
    _pending: list[ox.Quad] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)

    def _add(self, quads: list[ox.Quad], record: str) -> None:
        self._pending.extend(quads)
        self.sequence += 1
        self.last = record
        if len(self._pending) >= self.batch:
            self.flush()

    def submission(self, *, sha256: str, fmt: str, data: Graph, subject: str | None, project_key: str,
                   report: Graph, receipt: dict[str, Any], graph_sha256: str | None = None) -> tuple[str, bool]:
        """(id, created), as store_submission."""
        sid = submission_id(graph_sha256 or graph_hash(data))
        if "s" + sid in self._seen:
            return sid, False
        self._seen.add("s" + sid)
        self._add(submission_quads(sid, sha256=sha256, fmt=fmt, data=data, subject=subject, project_key=project_key,
                                   report=report, receipt=receipt, sequence=self.sequence + 1), RECORD + sid)
        return sid, True

    def award(self, *, project_key: str, measure: str, amount: Decimal, when: date,
              credit_code: str | None) -> tuple[str, bool]:
        """(id, created), as record_award."""
        from policykg.registry.records import award_id

        aid = award_id(project_key, measure, amount, when)
        if "a" + aid in self._seen:
            return aid, False
        self._seen.add("a" + aid)
        self._add(award_quads(aid, project_key=project_key, measure=measure, amount=amount, when=when.isoformat(),
                              credit_code=credit_code, at=self.at, sequence=self.sequence + 1), AWARD + aid)
        return aid, True

    def flush(self) -> None:
        if self._pending:
            self.sink(self._pending)
            self.quads += len(self._pending)
            self._pending = []

    def finish(self) -> int:
        """Write what is pending, then the registry's state (its sequence, last record); the quads written."""
        if self.last is not None:
            self._pending.extend(sequence_quads(self.sequence, self.last, self.at))
        self.flush()
        return self.quads


def oxigraph_sink(store: Any) -> Callable[[list[ox.Quad]], None]:
    """Batches into an OxiStore through pyoxigraph's bulk loader (the store must not be served meanwhile)."""
    return store.bulk_extend
