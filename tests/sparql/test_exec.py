"""User queries run in killable worker processes: time-limited, capped, never blocking the others."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app
from policykg.config import Settings
from policykg.endpoint.executor import QueryCrashed, WorkerPool
from policykg.sparql.formats import QueryJob
from tests.sparql.support import ROOT, serve

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = "SELECT ?n WHERE { <https://w3id.org/policykg/doc/jfgg/2023/7> eli:id_local ?n }"
# the same answer, but a nested group: never the in-process light path (endpoint/fastpath.py), always a worker
QUICK_IN_WORKER = "SELECT ?n WHERE { { <https://w3id.org/policykg/doc/jfgg/2023/7> eli:id_local ?n } }"


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("data"), query_timeout_s="2", max_result_rows="50") as base:
        yield base


def test_a_query_past_the_time_limit_is_stopped_with_a_clear_error(slow_server: str) -> None:
    t0 = time.monotonic()
    r = httpx.get(slow_server + "/sparql", params={"query": CROSS_JOIN}, timeout=30)
    elapsed = time.monotonic() - t0
    assert r.status_code == 503
    assert r.json() == {"error": "the query ran longer than 2 s and was stopped", "detail": {"timeoutSeconds": 2.0}}
    assert elapsed < 6
    assert int(r.headers["retry-after"]) >= 1  # issue 12: every 503 says when to come back


def test_a_slow_query_does_not_block_other_requests(slow_server: str) -> None:
    slow: dict[str, httpx.Response] = {}
    t = threading.Thread(target=lambda: slow.setdefault(
        "r", httpx.get(slow_server + "/sparql", params={"query": CROSS_JOIN}, timeout=30)))
    t.start()
    time.sleep(0.3)  # the cross join is running in a worker
    quick_times = []
    for _ in range(5):
        t0 = time.monotonic()
        r = httpx.get(slow_server + "/sparql", params={"query": QUICK}, timeout=30)
        quick_times.append(time.monotonic() - t0)
        assert r.status_code == 200
        assert r.json()["results"]["bindings"][0]["n"]["value"] == "京发改规〔2023〕7号"
    t.join()
    assert slow["r"].status_code == 503
    assert max(quick_times) < 1.5, quick_times


def test_an_answer_over_the_row_cap_is_its_first_rows_flagged_and_a_limit_fits(slow_server: str) -> None:
    # issue 14 (item 4): was a 413 with no rows
    r = httpx.get(slow_server + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30)
    assert r.status_code == 200 and r.headers["x-result-truncated"] == "true"
    assert r.headers["x-max-result-rows"] == "50" and len(r.json()["results"]["bindings"]) == 50
    r = httpx.get(slow_server + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 50"}, timeout=30)
    assert r.status_code == 200 and "x-result-truncated" not in r.headers
    assert len(r.json()["results"]["bindings"]) == 50
    r = httpx.get(slow_server + "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, timeout=30,
                  headers={"accept": "application/n-triples"})
    assert r.status_code == 200 and r.headers["x-result-truncated"] == "true"
    assert len([ln for ln in r.text.splitlines() if ln and not ln.startswith("#")]) == 50


@pytest.fixture
def small_client() -> Iterator[TestClient]:
    app = create_app(Settings(store="memory", corpus_root=ROOT, query_timeout_s=2, query_workers=1,
                              query_workers_extra=0))
    with TestClient(app) as c:
        yield c


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie is not running
        return fh.read().split()[2] != "Z"


def test_the_worker_of_a_stopped_query_is_killed_and_replaced(small_client: TestClient) -> None:
    small_client.get("/sparql", params={"query": QUICK_IN_WORKER})
    pool = small_client.app.state.sparql_executor.pool
    (before,) = [w.proc.pid for w in pool._all]
    assert small_client.get("/sparql", params={"query": CROSS_JOIN}).status_code == 503
    assert not _alive(before)
    r = small_client.get("/sparql", params={"query": QUICK_IN_WORKER + " # another text: not a cached answer"})
    assert r.status_code == 200
    (after,) = [w.proc.pid for w in pool._all]
    assert after != before and _alive(after)


def test_a_write_to_the_store_is_seen_by_the_next_query(small_client: TestClient) -> None:
    store = small_client.app.state.store
    g = "https://w3id.org/policykg/graph/doc/test-written"  # a corpus graph: /sparql reads only those
    ask = "ASK {{ GRAPH <{}> {{ <urn:x:a> <urn:x:p> ?v FILTER(?v = {}) }} }}".format
    assert small_client.get("/sparql", params={"query": ask(g, 1)}).json()["boolean"] is False
    store.replace_graph(g, [ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.Literal(1), ox.NamedNode(g))])
    assert small_client.get("/sparql", params={"query": ask(g, 1)}).json()["boolean"] is True
    store.replace_graph(g, [ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.Literal(2), ox.NamedNode(g))])
    assert small_client.get("/sparql", params={"query": ask(g, 1)}).json()["boolean"] is False
    assert small_client.get("/sparql", params={"query": ask(g, 2)}).json()["boolean"] is True


def test_the_workers_stop_with_the_app(tmp_path: Path) -> None:
    app = create_app(Settings(store="memory", corpus_root=ROOT, query_workers=2))
    with TestClient(app) as c:
        c.get("/sparql", params={"query": QUICK})
        pids = [w.proc.pid for w in app.state.sparql_executor.pool._all]
        assert len(pids) == 2 and all(map(_alive, pids))
    assert not any(map(_alive, pids))


def test_a_worker_that_dies_under_a_query_is_a_400_and_is_replaced() -> None:
    pool = WorkerPool(None, 1, 10)
    try:
        (before,) = [w.proc.pid for w in pool._all]
        deep = QueryJob(text="ASK { " + "{" * 3000 + "}" * 3000 + " }", fmt="json", form="ASK")  # past the guard
        with pytest.raises(QueryCrashed) as e:
            pool.run("check", deep)  # the engine overflows its stack and the process dies
        assert e.value.status == 400
        assert e.value.message.startswith("the query engine stopped on this query (exit status -")
        assert e.value.detail["exitStatus"] < 0  # killed by a signal
        assert not _alive(before)
        assert pool.run("check", QueryJob(text="ASK { FILTER(true) }", fmt="json", form="ASK")) is True
    finally:
        pool.close()


def _slow(base: str, out: list[httpx.Response]) -> threading.Thread:
    t = threading.Thread(target=lambda: out.append(httpx.get(base + "/sparql", params={"query": CROSS_JOIN},
                                                             timeout=30)))
    t.start()
    return t


@pytest.fixture(scope="module")
def roomy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # a longer limit than slow_server's, so that starting a spare worker on a loaded
    # machine (CI runs on 2 shared cores) never reaches it: the test is about order, not speed
    with serve(tmp_path_factory.mktemp("data"), query_timeout_s="6") as base:
        yield base


def test_a_quick_query_is_answered_while_three_slow_ones_still_run(roomy_server: str) -> None:
    slow: list[httpx.Response] = []
    threads = [_slow(roomy_server, slow) for _ in range(3)]  # more than the 2 workers
    time.sleep(0.8)  # all three are running; extra workers started for them
    for _ in range(3):
        r = httpx.get(roomy_server + "/sparql", params={"query": QUICK}, timeout=30)
        assert r.status_code == 200
        assert r.json()["results"]["bindings"][0]["n"]["value"] == "京发改规〔2023〕7号"
    # the quick answers came back while the slow queries were still running (not after them)
    assert all(t.is_alive() for t in threads) and slow == []
    for t in threads:
        t.join()
    assert [r.status_code for r in slow] == [503, 503, 503]  # each stopped at the time limit


@pytest.fixture(scope="module")
def capped_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("data"), query_timeout_s="2", query_max_per_client="2") as base:
        yield base


def test_a_client_over_its_concurrent_query_cap_gets_503_with_retry_after(capped_server: str) -> None:
    slow: list[httpx.Response] = []
    threads = [_slow(capped_server, slow) for _ in range(2)]
    time.sleep(0.5)
    # a query for a worker (a cheap one is answered in the server's process, outside the workers' share)
    r = httpx.get(capped_server + "/sparql", params={"query": QUICK_IN_WORKER}, timeout=30)
    assert r.status_code == 503
    assert r.headers["retry-after"] == "1"
    assert r.json() == {"error": "this client already has 2 queries running or waiting; wait for one to finish",
                        "detail": {"maxQueriesPerClient": 2}}
    for t in threads:
        t.join()
    assert httpx.get(capped_server + "/sparql", params={"query": QUICK}, timeout=30).status_code == 200
