"""The registry survives a killed server: every acknowledged submission is there, whole, and none is partial.

The real server (`policykg serve`, pyoxigraph on disk in a temp data dir, 127.0.0.1) takes
submissions from three client threads; it is SIGKILLed mid-way, restarted on the same data
dir, and every submission it acknowledged is read back and compared with what was sent.
Then the store is opened directly and every submission graph in it is checked whole.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from rdflib import XSD, Graph, Literal
from rdflib.compare import isomorphic

from policykg.registry.records import graph_hash, load_submission, submission_graph_name, submission_id
from policykg.store import OxiStore
from policykg.submission.parse import parse_submission
from tests.conftest import clean_env, missing_tool

ROOT = Path(__file__).resolve().parents[2]
# the checkout under test, through the interpreter running the tests (not whatever `policykg` is on PATH)
POLICYKG = [sys.executable, "-m", "policykg.cli"]
TOKEN = "durability-test-admin-token-0123456789abcdef"  # POLICYKG_ADMIN_TOKEN of the server under test
AUTH = {"Authorization": f"Bearer {TOKEN}"}
KILL_AFTER = 40  # acknowledgements before the kill
MAX_POSTS = 400  # the loop is bounded whatever happens


def body(i: int) -> bytes:
    return json.dumps({
        "type": "RenovationProject", "id": f"kill-{i}", "projectType": "old-factory", "floorArea": 3001 + i,
        "fixedAssetInvestment": 1000 + i, "status": "under-construction", "applicationDate": "2024-06-01",
        "propertyRightsClear": True, "operationsMechanism": True, "industryPositioning": "高精尖",
        "industryCategory": "high-tech", "inOldFactoryLedger": True, "inHighTechProjectDatabase": True,
        "applicant": {"name": "测试", "creditCode": "91110000000000005K"}, "projectCode": f"K-{i}",
        "requests": [{"measure": "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure",
                      "amount": 100 + i}],
    }).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data: Path, port: int, log: Path) -> subprocess.Popen:
    env = clean_env(POLICYKG_CORPUS_ROOT=str(ROOT), POLICYKG_ADMIN_TOKEN=TOKEN)
    with log.open("ab") as fh:
        proc = subprocess.Popen([*POLICYKG, "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--data-dir", str(data)], stdout=fh, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise AssertionError("server did not come up in 90 s")


def stop(proc: subprocess.Popen, sig: int) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, sig)
    proc.wait(timeout=30)


def expected_graph(store: OxiStore, i: int) -> Graph:
    return parse_submission(body(i), "application/json", 2 * 1024 * 1024, store).graph


def same(a: Graph, b: Graph) -> bool:
    """Isomorphic, decimals compared by value (the store keeps 3002.0 as its canonical form 3002)."""
    def canon(g: Graph) -> Graph:
        out = Graph()
        for s, p, o in g:
            if isinstance(o, Literal) and o.datatype == XSD.decimal:
                o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=XSD.decimal)
            out.add((s, p, o))
        return out
    return isomorphic(canon(a), canon(b))


def test_every_acknowledged_submission_survives_a_sigkill_whole(tmp_path: Path) -> None:
    data, log, port = tmp_path / "data", tmp_path / "server.log", free_port()
    proc = start(data, port, log)
    acked: dict[int, str] = {}
    lock, counter = threading.Lock(), iter(range(MAX_POSTS))
    killed = threading.Event()
    t0 = time.monotonic()

    def client() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30, headers=AUTH) as c:
            while not killed.is_set():
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                try:
                    r = c.post("/api/submissions", content=body(i), headers={"content-type": "application/json"})
                except httpx.HTTPError:
                    return  # the server is gone
                assert r.status_code == 201, r.text
                with lock:
                    acked[i] = r.json()["id"]
                    if len(acked) >= KILL_AFTER and not killed.is_set():
                        killed.set()
                        os.kill(proc.pid, signal.SIGKILL)  # mid-way: other threads have requests in flight

    threads = [threading.Thread(target=client) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    elapsed = time.monotonic() - t0
    stop(proc, signal.SIGKILL)
    assert killed.is_set() and len(acked) >= KILL_AFTER
    print(f"\n{len(acked)} submissions acknowledged in {elapsed:.1f} s before SIGKILL "
          f"({len(acked) / elapsed:.1f}/s through the API)")

    corpus = OxiStore(None)
    corpus.ensure_corpus(ROOT)
    proc = start(data, port, log)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30, headers=AUTH) as c:
            for i, sid in sorted(acked.items()):
                r = c.get(f"/api/submissions/{sid}")
                assert r.status_code == 200, (i, r.text)
                assert r.json()["projectKey"] == f"91110000000000005K/K-{i}"
                assert r.json()["conforms"] is True and r.json()["receipt"]["asOf"] == "2024-06-01"
                ttl = c.get(f"/api/submissions/{sid}?part=submission", headers={"accept": "text/turtle"}).text
                assert same(Graph().parse(data=ttl, format="turtle"), expected_graph(corpus, i)), i
            again = c.post("/api/submissions", content=body(min(acked)), headers={"content-type": "application/json"})
            assert again.status_code == 200 and again.json()["id"] == acked[min(acked)]
    finally:
        stop(proc, signal.SIGTERM)

    store = OxiStore(data / "store")  # the server is stopped: open its store and look at every graph
    try:
        ids = {g.rsplit("/", 1)[-1] for g in store.named_graphs() if "/graph/submission/" in g}
        assert set(acked.values()) <= ids
        by_id = {v: k for k, v in acked.items()}
        for sid in ids:
            stored = load_submission(store, sid)  # 404 if its record (written last) is missing
            assert len(stored["report"]) >= 2 and submission_id(graph_hash(stored["data"])) == sid  # whole
            i = by_id.get(sid) or int(stored["subject"].rsplit("-", 1)[-1])
            assert same(stored["data"], expected_graph(corpus, i)), submission_graph_name(sid)
    finally:
        store.close()


class RecordingStore(OxiStore):
    """The real in-memory store, remembering the order of the quads of each write."""

    def __init__(self) -> None:
        super().__init__(None)
        self.writes: list[list] = []

    def replace_graph(self, graph, quads, **kw) -> None:  # type: ignore[override]
        quads = list(quads)
        self.writes.append(quads)
        super().replace_graph(graph, quads, **kw)


def test_a_record_is_written_ground_and_its_type_last_so_a_chunked_write_is_never_seen_half_done() -> None:
    from policykg.registry.checks import check
    from policykg.registry.records import RECORD, store_submission

    store = RecordingStore()
    store.ensure_corpus(ROOT)
    parsed = parse_submission(body(7), "application/json", 2 * 1024 * 1024, store)
    outcome = check(store, parsed.graph)
    sid, created = store_submission(store, sha256=parsed.sha256, fmt=parsed.format, data=parsed.graph,
                                    subject="https://w3id.org/policykg/data/kill-7", project_key="k",
                                    report=outcome.report_graph, receipt={"timestamp": "2024-06-01T00:00:00Z",
                                                                          "corpusVersion": "v", "asOf": None})
    assert created
    from policykg.registry.records import SEQUENCE_GRAPH

    record_writes = [w for w in store.writes if w and w[0].graph_name.value != SEQUENCE_GRAPH]
    assert store.writes[-1][0].graph_name.value == SEQUENCE_GRAPH  # the sequence is bumped after the record
    quads = record_writes[-1]
    last = quads[-1]
    assert (last.subject.value, last.object.value) == (RECORD + sid, "https://w3id.org/policykg/ontology#SubmissionRecord")
    assert not any(type(t).__name__ == "BlankNode" for q in quads for t in (q.subject, q.object))
    assert same(load_submission(store, sid)["data"], parsed.graph)  # blank nodes come back as blank nodes


@pytest.mark.virtuoso
def test_the_registry_works_the_same_on_a_remote_sparql_store(tmp_path: Path) -> None:
    """Submissions, keys, awards and the cross-submission checks on Virtuoso through RemoteStore."""
    from datetime import date as day

    from rdflib import URIRef

    from policykg.config import Settings
    from policykg.errors import Conflict
    from policykg.registry import records as registry
    from policykg.registry.checks import check
    from policykg.store.remote import RemoteStore
    from policykg.validation.engine import project_key
    from policykg.validation.receipt import receipt
    from tests import virtuoso as vt

    if not vt.available():
        missing_tool("Debian's virtuoso-opensource is not installed")
    server = vt.start(tmp_path)
    try:
        store = RemoteStore(Settings(store="remote", remote_query_url=server.sparql_url, corpus_root=ROOT,
                                     query_timeout_s=30))
        store.ensure_corpus(ROOT)
        parsed = parse_submission(body(3), "application/json", 2 * 1024 * 1024, store)
        subject = "https://w3id.org/policykg/data/kill-3"
        key = project_key(parsed.graph, URIRef(subject))
        outcome = check(store, parsed.graph)
        assert outcome.conforms

        def put(k: str | None) -> tuple[str, bool]:
            return registry.store_submission(
                store, sha256=parsed.sha256, fmt=parsed.format, data=parsed.graph, subject=subject,
                project_key=key, report=outcome.report_graph, idempotency_key=k,
                receipt=receipt(store, input_sha256=parsed.sha256, as_of=None))

        sid, created = put("key-1")
        assert created and put("key-1") == (sid, False)
        with pytest.raises(Conflict):
            registry.claim_key(store, "submission", "key-1", "another body")
        assert same(registry.load_submission(store, sid)["data"], parsed.graph)
        award, _ = registry.record_award(
            store, project_key=key, measure="https://w3id.org/policykg/doc/jjxj/2022/old-factory/measure/"
            "space-upgrade-support", amount=Decimal(100), when=day(2023, 1, 1), credit_code="91110000000000005K",
            body_sha="b")
        assert [a["id"] for a in registry.awards_for_enterprise(store, "91110000000000005K")] == [award["id"]]
        again = check(store, parsed.graph)
        assert [r["sourceShape"] for r in again.results] == \
            ["https://w3id.org/policykg/shape/jfgg/2023/12/rule/no-double-funding"]
    finally:
        server.stop()
