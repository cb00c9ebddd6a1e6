"""What every benchmark shares: a result row, timing statistics, the test cases as submissions, a real server.

Ratios are always against a baseline measured in the same run (never against numbers from a
document): `Row.vs` names the baseline row and holds `baseline / this` for times (× faster) or
`this / baseline` for rates, so a ratio above 1 means "better than the baseline".
"""
from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for p in (str(ROOT), str(ROOT / "tests")):  # server.*, and tests/shapes/caseload for the cases
    if p not in sys.path:
        sys.path.append(p)
VENV_BIN = Path(sys.executable).parent


@dataclass
class Row:
    """One measured path: n samples, median and p95 ms (or a rate), ratios against baselines."""

    bench: str
    path: str
    n: int
    median_ms: float | None = None
    p95_ms: float | None = None
    rate: float | None = None  # per second, where the benchmark is about throughput
    rate_unit: str = ""
    vs: list[tuple[str, float]] = field(default_factory=list)  # (baseline name, ratio > 1 = better)
    vs_rate: bool = False  # the ratios compare rates (this / baseline), not times (baseline / this)
    note: str = ""
    key: str = ""  # a short name for the ratios that compare against this row (default: path)

    @property
    def name(self) -> str:
        return self.key or self.path


def stats(ms: list[float]) -> tuple[float, float]:
    """(median, p95) of a list of milliseconds (p95 by the nearest-rank method)."""
    s = sorted(ms)
    return statistics.median(s), s[min(len(s) - 1, max(0, round(0.95 * len(s)) - 1))]


def cpu_note(cpu: list[float]) -> str:
    """The CPU-time median and p95 of a path, for its row's note."""
    med, p95 = stats(cpu)
    return f"CPU time: median {med:.2f} ms, p95 {p95:.2f} ms; load average {os.getloadavg()[0]:.2f}"


def timed_row(bench: str, path: str, ms: list[float], **kw: Any) -> Row:
    med, p95 = stats(ms)
    return Row(bench, path, len(ms), med, p95, **kw)


def time_each(fn: Callable[..., Any], items: list[tuple[Any, ...]], cpu: list[float] | None = None) -> list[float]:
    """ms per call of fn(*args) for each args in items; with `cpu`, the process's CPU ms of each call appended to
    it (on this shared machine the wall clock counts the other engineers' work too; CPU time does not)."""
    out = []
    for args in items:
        c = time.process_time()
        t = time.perf_counter()
        fn(*args)
        out.append((time.perf_counter() - t) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c) * 1000)
    return out


def faster(base: Row, row: Row) -> tuple[str, float]:
    """(base's name, base median / row median): how many times faster `row` is."""
    assert base.median_ms is not None and row.median_ms is not None
    return base.name, base.median_ms / row.median_ms if row.median_ms else float("inf")


def spread(items: list[Any], n: int) -> list[Any]:
    """n items taken evenly over the list (every document's cases, not the first directory's)."""
    if n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int((i + 0.5) * step)] for i in range(n)]  # centred: n=1 takes the middle item


# -- the submissions: every case of tests/cases/ ------------------------------

def cases() -> list[Any]:
    from shapes.caseload import case_files, load

    return [load(p) for p in case_files()]


def case_graph(case: Any, store: Any) -> Any:
    """The submission graph of a case, as the API builds it (JSON form, or Turtle)."""
    from policykg.corpus.index import build_index
    from policykg.submission.jsonform import json_to_graph
    from policykg.submission.parse import parse_rdf

    if case.turtle is not None:
        return parse_rdf(case.turtle, "turtle")
    return json_to_graph(case.submission, build_index(store))


# -- a real server on 127.0.0.1, stopped by its PID ---------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """The server of a benchmark; `token` is its admin token (POLICYKG_ADMIN_TOKEN), for the writes."""

    port: int
    pid: int
    data_dir: Path
    startup_s: float
    token: str = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def conn(self) -> http.client.HTTPConnection:
        """A keep-alive connection (one per client thread)."""
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)


def request(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    return r.status, r.read()


@contextmanager
def server(processes: int = 1) -> Iterator[Server]:
    """`policykg serve` on a free port with a fresh data dir; stopped by its PID (SIGTERM, then SIGKILL: its
    replicas, with processes > 1, stop with it)."""
    with tempfile.TemporaryDirectory(prefix="policykg-bench-") as tmp:
        data, port = Path(tmp) / "data", free_port()
        log = (Path(tmp) / "server.log").open("wb")
        t0 = time.perf_counter()
        token = secrets.token_urlsafe(32)  # the writes of the registry benchmark need a token
        proc = subprocess.Popen([str(VENV_BIN / "policykg"), "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--data-dir", str(data), "--processes", str(processes)], stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=tmp,
                                env={**os.environ, "POLICYKG_STORE": "oxigraph", "POLICYKG_ADMIN_TOKEN": token})
        try:
            _wait_up(proc, port, Path(tmp) / "server.log")
            yield Server(port, proc.pid, data, time.perf_counter() - t0, token)
        finally:
            stop(proc)
            log.close()


def stop(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a server a benchmark started, by its PID: SIGTERM, then SIGKILL."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)

def _wait_up(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}):\n{log.read_text(errors='replace')[-2000:]}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            status, body = request(c, "GET", "/health")
            c.close()
            if status == 200 and json.loads(body).get("corpusVersion"):
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not answer /health within 60 s")
