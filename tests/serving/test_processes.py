"""`policykg serve --processes 2`: a real server on 127.0.0.1 with the embedded store on disk, one primary
and one replica on one port. Public reads are answered by both with the same answers; every write, token
check and registry read is the primary's; a replica never answers from its empty registry; a replica that
dies is started again, and stopping the server stops it."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Auth
from tests.sparql.support import serve

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "docs" / "examples" / "RenovationProject.json").read_bytes()
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def call(base: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection (so that the kernel may hand it to either process)."""
    req = urllib.request.Request(base + path, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


@pytest.fixture(scope="module")
def server(role_tokens: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        tuple[str, Auth]]:
    auth = Auth(role_tokens, tmp_path_factory.mktemp("procs") / "data")
    with serve(auth.data_dir, store="oxigraph", processes="2") as base:
        yield base, auth


def by_process(base: str, path: str, seconds: float = 30.0, **kw: Any) -> dict[str, tuple[int, bytes]]:
    """The answer of each process to the same request, asked until both have answered (a replica just
    started answers once it has loaded the corpus)."""
    seen: dict[str, tuple[int, bytes]] = {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, headers, body = call(base, path, **kw)
        seen.setdefault(headers["x-policykg-process"], (status, body))
        if len(seen) == 2:
            break
    return seen


def test_public_sparql_is_answered_by_both_processes_with_the_same_count(server: tuple[str, Auth]) -> None:
    base, _ = server
    q = urllib.request.quote(COUNT)
    seen = by_process(base, f"/sparql?query={q}", headers={"Accept": "application/sparql-results+json"})
    assert set(seen) == {"primary", "replica-1"}
    counts = {p: json.loads(b)["results"]["bindings"][0]["n"]["value"] for p, (s, b) in seen.items()}
    assert all(s == 200 for s, _ in seen.values())
    assert counts["primary"] == counts["replica-1"] and int(counts["primary"]) > 1000


def test_an_anonymous_validation_gives_the_same_report_on_both_processes(server: tuple[str, Auth]) -> None:
    base, _ = server
    seen = by_process(base, "/api/validate", body=EXAMPLE, headers={"Content-Type": "application/json"})
    assert set(seen) == {"primary", "replica-1"}
    reports = {p: json.loads(b) for p, (_s, b) in seen.items()}
    for r in reports.values():
        r["receipt"].pop("timestamp")  # when it was validated: the one field that differs
    assert reports["primary"]["registryConsulted"] is False
    assert reports["primary"] == reports["replica-1"]


def test_writes_token_checks_and_registry_reads_are_always_the_primarys(server: tuple[str, Auth]) -> None:
    base, auth = server
    answered = set()
    for _ in range(12):
        status, headers, body = call(base, "/api/submissions", body=EXAMPLE,
                                     headers={"Content-Type": "application/json", **auth.headers("submitter")})
        assert status in (200, 201), body
        answered.add(headers["x-policykg-process"])
        sid = json.loads(body)["id"]
        status, headers, body = call(base, f"/api/submissions/{sid}", headers=auth.headers("reviewer"))
        assert status == 200 and json.loads(body)["id"] == sid
        answered.add(headers["x-policykg-process"])
        status, headers, _ = call(base, "/api/queries/registry-awards-per-enterprise-year")
        assert status == 401  # anonymous: refused by the primary, never answered empty by a replica
        answered.add(headers["x-policykg-process"])
    assert answered == {"primary"}


def test_a_validation_with_a_token_consults_the_registry_whichever_process_accepts_it(
        server: tuple[str, Auth]) -> None:
    base, auth = server
    for _ in range(8):
        status, headers, body = call(base, "/api/validate", body=EXAMPLE,
                                     headers={"Content-Type": "application/json", **auth.headers("reviewer")})
        assert status == 200 and json.loads(body)["registryConsulted"] is True
        assert headers["x-policykg-process"] == "primary"


def test_the_client_address_header_cannot_be_chosen_from_outside(server: tuple[str, Auth]) -> None:
    """x-policykg-client is trusted on the primary's private socket only: sent on the port, it is dropped
    (the request is answered as usual and the header does not reach the app)."""
    base, _ = server
    status, headers, _ = call(base, "/health", headers={"x-policykg-client": "10.9.9.9"})
    assert status == 200


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid), "-f", "policykg.serving"], capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


def test_a_replica_that_dies_is_started_again_and_stopping_the_server_stops_it(
        role_tokens: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    auth = Auth(role_tokens, tmp_path / "data")
    with serve(auth.data_dir, store="oxigraph", processes="2") as base:
        primary = _server_pid(base)
        replicas = _children(primary)
        assert len(replicas) == 1
        os.kill(replicas[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = _children(primary)
            if now and now != replicas:
                break
            time.sleep(0.2)
        assert now and now != replicas
        seen = by_process(base, "/health")
        assert set(seen) == {"primary", "replica-1"}  # the new replica answers
    time.sleep(1.0)
    assert not _alive(now[0])


def _server_pid(base: str) -> int:
    port = base.rsplit(":", 1)[1]
    out = subprocess.run(["pgrep", "-f", f"policykg.cli serve --host 127.0.0.1 --port {port}"],
                         capture_output=True, text=True)
    return int(out.stdout.split()[0])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_a_port_held_by_another_program_is_reported_in_use_not_shared(tmp_path: Path) -> None:
    import socket
    import sys

    from tests.conftest import clean_env

    with socket.socket() as other:  # a listener without SO_REUSEPORT, as most programs are
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        port = other.getsockname()[1]
        out = subprocess.run([sys.executable, "-m", "policykg.cli", "serve", "--port", str(port), "--processes", "2",
                              "--store", "memory", "--data-dir", str(tmp_path / "data")],
                             capture_output=True, text=True, timeout=120, env=clean_env())
    assert out.returncode == 2, out.stderr
    assert f"127.0.0.1:{port} is in use" in out.stderr and "Traceback" not in out.stderr
