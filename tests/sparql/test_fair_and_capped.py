"""Issue 12 (item 4): /sparql answers are cut at a byte cap (with a flag), and the query workers are shared fairly."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app
from policykg.config import Settings
from policykg.endpoint import Busy, FairGate

ROOT = Path(__file__).resolve().parents[2]
MANY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 5000"
GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5000"


@pytest.fixture(scope="module")
def capped() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory", corpus_root=ROOT, max_result_bytes=20_000,
                                        query_workers=1, query_workers_extra=0))) as c:
        yield c


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv", "application/sparql-results+xml"])
def test_an_answer_over_the_byte_cap_is_cut_to_whole_rows_and_says_so(capped: TestClient, accept: str) -> None:
    r = capped.get("/sparql", params={"query": MANY}, headers={"accept": accept})
    assert r.status_code == 200
    assert r.headers["x-truncated"] == "true" and r.headers["x-max-result-bytes"] == "20000"
    assert len(r.content) <= 20_000
    n = int(r.headers["x-result-count"])
    assert 0 < n < 5000
    if "json" in accept:
        assert len(json.loads(r.content)["results"]["bindings"]) == n  # still a whole, valid answer


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/ld+json"])
def test_a_graph_answer_over_the_byte_cap_is_cut_too(capped: TestClient, accept: str) -> None:
    r = capped.get("/sparql", params={"query": GRAPH}, headers={"accept": accept})
    assert r.status_code == 200 and r.headers["x-truncated"] == "true" and len(r.content) <= 20_000


def test_an_answer_within_the_cap_is_whole_and_not_flagged(capped: TestClient) -> None:
    r = capped.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"})
    assert r.status_code == 200 and "x-truncated" not in r.headers and r.headers["x-result-count"] == "3"


def test_a_freed_worker_goes_to_the_waiting_client_with_fewest_queries_not_the_first_in_line() -> None:
    async def scenario() -> list[str]:
        gate, order = FairGate(capacity=2, per_client=3, max_waiting=4, reserve=0), []
        a1, a2 = gate.hold("A", 5, 1), gate.hold("A", 5, 1)
        await a1.__aenter__()
        await a2.__aenter__()

        async def later(client: str) -> None:
            async with gate.hold(client, 5, 1):
                order.append(client)
                await asyncio.sleep(0.01)

        waiting = [asyncio.create_task(later("A")), asyncio.create_task(later("B"))]  # A queued first
        await asyncio.sleep(0.01)
        await a1.__aexit__(None, None, None)  # one place frees: B (0 running) before A (1 running)
        await asyncio.sleep(0.05)
        await a2.__aexit__(None, None, None)
        await asyncio.gather(*waiting)
        return order

    assert asyncio.run(scenario()) == ["B", "A"]


def test_the_last_free_worker_is_kept_for_a_client_with_no_query_running() -> None:
    async def scenario() -> tuple[bool, bool]:
        gate = FairGate(capacity=3, per_client=4, max_waiting=4)  # reserve=1
        held = [gate.hold("busy", 5, 1) for _ in range(2)]
        for h in held:
            await h.__aenter__()
        third = asyncio.create_task(gate.hold("busy", 5, 1).__aenter__())
        await asyncio.sleep(0.05)
        busy_waits = not third.done()  # the busy client may not take the last place ...
        newcomer = gate.hold("new", 5, 1)
        await asyncio.wait_for(newcomer.__aenter__(), 1)  # ... a client with none running gets it at once
        third.cancel()
        return busy_waits, gate.running["new"] == 1

    assert asyncio.run(scenario()) == (True, True)


def test_past_the_queue_limit_a_query_gets_503_with_retry_after_at_once() -> None:
    async def scenario() -> Busy:
        gate = FairGate(capacity=1, per_client=0, max_waiting=1)
        async with gate.hold("A", 5, 3):
            queued = asyncio.create_task(gate.hold("B", 5, 3).__aenter__())
            await asyncio.sleep(0.01)
            try:
                async with gate.hold("C", 5, 3):
                    raise AssertionError("admitted past the queue limit")
            except Busy as e:
                refused = e
            queued.cancel()
        return refused

    e = asyncio.run(scenario())
    assert e.status == 503 and e.retry_after == 3 and e.detail == {"maxWaiting": 1, "workers": 1}
