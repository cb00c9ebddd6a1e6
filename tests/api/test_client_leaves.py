"""Issue 12 (item 4): when the client leaves, the server stops the work it was doing for it.

Against a real `policykg serve` on 127.0.0.1 (a temp data dir, stopped by its PID): a client
opens a raw socket, sends a request that would run for a long time, and closes the socket.
(a) /sparql: the query worker running the query is killed (its PID is gone, reaped) well before
the time limit, and the client's only slot (max 1 query per client) is free again at once.
(b) /api/validate/batch: the validation thread is stopped (WorkCancelled raised in it at its next
Python instruction, server/api/work.py) within about a second, long before the 60 s work limit: with
one place for such work (and no queue), another validation gets 503 while the batch runs and 200
as soon as its thread has really ended (the place is freed only then).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests import virtuoso as vt
from tests.api.test_bounds import GOOD
from tests.conftest import clean_env
from tests.sparql.support import stop

ROOT = Path(__file__).resolve().parents[2]
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = "SELECT ?n WHERE { <https://w3id.org/policykg/doc/jfgg/2023/7> eli:id_local ?n }"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def children(pid: int) -> set[int]:
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.add(int(d.name))
            except (OSError, ValueError, IndexError):
                pass
    return out


def alive(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """(base URL, PID) of `policykg serve` with long limits: only the client's leaving can stop the work early."""
    port = vt.free_port()
    env = {**clean_env(), "POLICYKG_STORE": "memory", "POLICYKG_CORPUS_ROOT": str(ROOT), "PYTHONPATH": str(ROOT),
           "POLICYKG_DATA_DIR": str(tmp_path_factory.mktemp("leaves") / "data"), "POLICYKG_QUERY_TIMEOUT_S": "60",
           "POLICYKG_WORK_TIMEOUT_S": "60", "POLICYKG_QUERY_MAX_PER_CLIENT": "1", "POLICYKG_QUERY_WORKERS": "1",
           "POLICYKG_MAX_BATCH_ITEMS": "1000", "POLICYKG_WORK_MAX_RUNNING": "1", "POLICYKG_WORK_MAX_WAITING": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "policykg.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield base, proc.pid
    finally:
        stop(proc)


def send_and_leave(base: str, raw: bytes, until: callable, within: float = 5.0) -> None:
    """Send a raw HTTP request, wait until `until()` (the work has started), then close the socket."""
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(raw)
        deadline = time.monotonic() + within
        while not until():
            assert time.monotonic() < deadline, "the work did not start"
            time.sleep(0.05)


def test_a_slow_sparql_query_whose_client_leaves_has_its_worker_killed_and_its_slot_freed(server) -> None:
    base, pid = server
    assert httpx.get(base + "/sparql", params={"query": QUICK}, timeout=30).status_code == 200  # workers started
    time.sleep(0.5)
    before = {w: cpu_s(w) for w in children(pid)}
    busy: list[int] = []

    def started() -> bool:  # a worker's CPU time grows: it runs the cross join
        busy.extend(w for w, t in before.items() if alive(w) and cpu_s(w) > t + 0.05)
        return bool(busy)

    q = urllib.parse.urlencode({"query": CROSS_JOIN})
    send_and_leave(base, f"GET /sparql?{q} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), started)
    left = time.monotonic()
    while alive(busy[0]) and time.monotonic() - left < 3:
        time.sleep(0.05)
    assert not alive(busy[0]), "the worker still runs the query of a client that left"
    gone_after = time.monotonic() - left
    r = httpx.get(base + "/sparql", params={"query": QUICK}, timeout=30)  # 1 query per client: the slot is free
    assert r.status_code == 200, r.text
    assert gone_after < 1.5  # polled every 0.25 s; the time limit (60 s) had nothing to do with it


def test_a_cpu_bound_validation_whose_client_leaves_is_stopped(server) -> None:
    base, _pid = server
    assert httpx.post(base + "/api/validate", json=GOOD, timeout=30).status_code == 200  # warm

    def probe() -> int:
        return httpx.post(base + "/api/validate", json=GOOD, timeout=30).status_code

    body = json.dumps([dict(GOOD, id=f"p{i}") for i in range(1000)]).encode()  # tens of seconds of CPU
    raw = (f"POST /api/validate/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    send_and_leave(base, raw, lambda: probe() == 503, within=8)  # the batch holds the only place
    left = time.monotonic()
    while probe() != 200:
        assert time.monotonic() - left < 3, "the batch still runs for a client that left"
        time.sleep(0.1)
