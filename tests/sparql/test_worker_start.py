"""Starting query workers costs the server little (issue 12: /health while slow queries are killed):
each worker is niced before it loads anything, the replacements started together share one dump
of the store, and a query can be stopped (its client left) with its worker killed at once."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.endpoint.pool import WorkerPool
from policykg.endpoint.workers import Stopped
from policykg.sparql.formats import QueryJob
from policykg.store import OxiStore

CROSS_JOIN = "SELECT (COUNT(*) AS ?count) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?p ?q ?r }"


def niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


class CountingStore:
    """An OxiStore whose graph dumps are counted."""

    def __init__(self, store: OxiStore) -> None:
        self.inner, self.dumps, self.listeners = store, 0, []

    @property
    def ox(self) -> CountingStore:
        return self

    def named_graphs(self) -> list[str]:
        return self.inner.named_graphs()

    def dump(self, **kw: object) -> bytes:
        self.dumps += 1
        return self.inner.ox.dump(**kw)


@pytest.fixture
def small_store() -> OxiStore:
    s = OxiStore(None)
    for i in range(30):
        s.ox.add(ox.Quad(ox.NamedNode(f"urn:x:s{i}"), ox.NamedNode("urn:x:p"), ox.Literal(i),
                         ox.NamedNode("https://w3id.org/policykg/graph/doc/t")))
    return s


def test_workers_run_at_the_configured_niceness_and_share_one_dump_of_the_store(small_store: OxiStore) -> None:
    store = CountingStore(small_store)
    base = niceness(os.getpid())
    pool = WorkerPool(store, 1, 10, extra=3, nice=7)
    try:
        threads = [threading.Thread(target=pool._replacement) for _ in range(3)]
        with pool._lock:
            pool._pending += 3
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert len(pool._all) == 4
        assert store.dumps == 1  # three replacements loaded from one dump of the store's one graph
        assert {niceness(w.proc.pid) for w in pool._all} == {min(19, base + 7)}
    finally:
        pool.close()


def test_a_stopped_query_has_its_worker_killed_at_once_and_a_new_one_started(small_store: OxiStore) -> None:
    pool = WorkerPool(small_store, 1, 30)
    try:
        job = QueryJob(text=CROSS_JOIN, fmt="json", form="SELECT")
        stop = threading.Event()
        threading.Timer(0.5, stop.set).start()
        t0 = time.monotonic()
        (w,) = pool._all
        with pytest.raises(Stopped):
            pool.run("query", job, stop)
        assert time.monotonic() - t0 < 2.5 and w.proc.poll() is not None  # killed, not at the 30 s limit
        deadline = time.monotonic() + 20
        while not pool._all and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(pool._all) == 1 and w not in pool._all
    finally:
        pool.close()
