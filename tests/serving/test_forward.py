"""A replica's forwarding (server/serving/forward.py), in-process: a real replica app (the corpus in memory,
no registry, no tokens) in front of a small primary served by uvicorn on a Unix socket."""
from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from policykg.app import create_app
from policykg.config import Settings
from policykg.errors import NeedsPrimary
from policykg.serving.forward import ForwardToPrimary, goes_to_primary
from policykg.serving.primary import TrustForwardedClient, private_socket
from policykg.serving.replica_state import CorpusOnly, no_access, open_corpus_only

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def primary() -> Iterator[str]:
    """A stand-in primary that says who it is and which client address it was given."""
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
    async def anything(request: Request, path: str) -> dict[str, object]:
        return {"primary": True, "path": path, "body": (await request.body()).decode(),
                "client": request.client.host if request.client else None,
                "auth": request.headers.get("authorization")}

    sock, path = private_socket()
    server = uvicorn.Server(uvicorn.Config(TrustForwardedClient(app), log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield str(path)
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def replica(primary: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(store="memory", corpus_root=ROOT, data_dir=tmp_path_factory.mktemp("replica"))
    app = create_app(settings, store_opener=open_corpus_only, access_opener=no_access)

    @app.get("/probe/registry")
    def probe(request: Request) -> dict[str, int]:  # a public route that (wrongly) reads the registry
        return {"rows": len(request.app.state.store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1", registry=True))}

    with TestClient(ForwardToPrimary(app, primary, settings.max_body_bytes, "replica-1")) as c:
        yield c


def test_a_public_read_is_answered_by_the_replica_itself(replica: TestClient) -> None:
    r = replica.get("/api/documents")
    assert r.status_code == 200 and r.headers["x-policykg-process"] == "replica-1"


def test_a_registry_read_on_a_replica_goes_to_the_primary_instead_of_answering_empty(replica: TestClient) -> None:
    r = replica.get("/probe/registry")
    assert r.status_code == 200 and r.json()["primary"] is True and r.json()["path"] == "probe/registry"
    assert r.headers["x-policykg-process"] == "primary"  # the replica's 421 was never shown


def test_a_request_with_a_token_goes_to_the_primary_with_its_body_and_the_clients_address(
        replica: TestClient) -> None:
    r = replica.post("/api/validate", content=b'{"x": 1}', headers={"Authorization": "Bearer t"})
    assert r.json() == {"primary": True, "path": "api/validate", "body": '{"x": 1}', "client": "testclient",
                        "auth": "Bearer t"}


def test_an_anonymous_token_check_on_a_replica_is_the_primarys(replica: TestClient) -> None:
    """A route that looks at tokens (here: listing awards) reaches the primary, which alone holds them."""
    assert replica.get("/api/awards").json()["primary"] is True


def test_a_body_over_the_limit_is_refused_by_the_replica_without_reaching_the_primary(
        replica: TestClient) -> None:
    big = b"x" * (Settings().max_body_bytes + 10)
    r = replica.post("/api/submissions", content=big, headers={"Authorization": "Bearer t"})
    assert r.status_code == 413 and "primary" not in r.json()


@pytest.mark.parametrize(("method", "path", "headers", "query", "expected"), [
    ("GET", "/sparql", [], b"", False),
    ("POST", "/api/validate", [], b"", False),
    ("POST", "/api/validate", [(b"authorization", b"Bearer x")], b"", True),
    ("GET", "/api/submissions/abc", [], b"", True),
    ("GET", "/submissions/abc", [], b"key=k", True),
    ("GET", "/api/queries/registry-awards-per-enterprise-year", [], b"", True),
    ("GET", "/api/measures/m1/candidates", [], b"", True),
    ("DELETE", "/api/tokens/1", [], b"", True),
    ("GET", "/query", [], b"query=x", False),
    ("GET", "/anything", [], b"key=1", True),
])
def test_what_goes_to_the_primary_at_once(method: str, path: str, headers: list, query: bytes,
                                          expected: bool) -> None:
    assert goes_to_primary({"method": method, "path": path, "headers": headers, "query_string": query}) is expected


def test_the_corpus_only_store_refuses_registry_reads_and_writes() -> None:
    store = CorpusOnly()
    with pytest.raises(NeedsPrimary):
        store.select("ASK {}", registry=True)
    with pytest.raises(NeedsPrimary):
        store.replace_graph("https://w3id.org/policykg/registry/submission/x", [])
    with pytest.raises(NeedsPrimary):
        store.graph_quads("https://w3id.org/policykg/registry/submission/x")
    assert store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1") == []


def test_the_port_socket_of_every_process_sends_small_writes_at_once() -> None:
    """TCP_NODELAY on the socket each process binds (accepted connections inherit it): without it a keep-alive
    response written in two parts waited ~40 ms for the client's delayed ACK (bench/processes.py: p50 44 ms)."""
    import socket

    from policykg.serving.processes import port_socket

    with port_socket("127.0.0.1", 0) as sock:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
