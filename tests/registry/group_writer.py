"""A process that stores submissions from several threads on an on-disk store (group commit), printing each
acknowledged id and the durability points so far (WAL fsyncs, or flushes); tests/registry/test_group_commit.py SIGKILLs it mid-way.

    python -m tests.registry.group_writer DATA_DIR THREADS
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from rdflib import Graph

from policykg.registry.records import graph_hash, store_submission
from policykg.store import OxiStore
from policykg.store.factory import corpus_store
from policykg.submission.parse import parse_submission
from tests.registry.test_durability import body


class Counting:
    """pyoxigraph's store, with its flushes counted."""

    def __init__(self, inner: object) -> None:
        self.inner, self.flushes = inner, 0

    def flush(self) -> None:
        self.flushes += 1
        self.inner.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def main() -> None:
    store = OxiStore(Path(sys.argv[1]))
    counting = Counting(store.ox)
    store.ox = counting  # type: ignore[assignment]
    wal_sync = store._sync_wal  # a durability point now fsyncs the write-ahead log: counted as a flush too

    def counted_sync() -> bool:
        counting.flushes += 1
        return wal_sync()

    store._sync_wal = counted_sync  # type: ignore[method-assign]
    out = threading.Lock()
    n = int(sys.argv[2])
    corpus = corpus_store(Path(__file__).resolve().parents[2])  # the JSON form's vocabulary

    def writer(t: int) -> None:
        try:
            write(t)
        except BaseException as e:  # noqa: BLE001 - a writer that fails ends the process: the test sees it
            print(f"writer {t}: {e!r}", file=sys.stderr, flush=True)
            os._exit(3)

    def write(t: int) -> None:
        for i in range(t, 10_000, n):
            parsed = parse_submission(body(i), "application/json", 1 << 20, corpus)
            sid, _ = store_submission(store, sha256=parsed.sha256, fmt="json", data=parsed.graph,
                                      subject=f"urn:kill:{i}", project_key=f"K-{i}", report=Graph(),
                                      receipt={"timestamp": "2026-01-01T00:00:00Z"}, graph_sha256=graph_hash(parsed.graph))
            with out:
                print(f"{i} {sid} {counting.flushes}", flush=True)

    for t in range(n):
        threading.Thread(target=writer, args=(t,), daemon=True).start()
    threading.Event().wait()


if __name__ == "__main__":
    main()
