"""The registry at scale: a served copy of a seeded registry data dir (bench/generate.py --data-dir), measured.

    .venv/bin/python bench/registry.py --scale /work/bench-data/registry-10k /work/bench-data/registry-100k

For each data dir, in one run (the first, usually the 10k registry, is the baseline of the others): the
server started on a copy (`cp -a`; the data dir itself is never written), then
- restart: the server stopped (SIGTERM) and started again on the same copy, until /health answers;
- every registry-* library query through GET /api/queries/{name} (admin token), the per-enterprise-year
  query for one enterprise and one year, and for one enterprise (a median one, by the generator's law);
- POST /api/validate with a token (registryConsulted: true) of submissions whose project holds awards, and of
  those of the enterprise with the most projects (whose checks read the most records);
- POST /api/submissions of new submissions from 4 client threads (c=4): stored per second;
- the server's resident memory (its process and its children: the query workers) after all that;
each with p50/p95/p99, and the load average beside them.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import ROOT, VENV_BIN, _wait_up, free_port, request, stop
from bench.generate import generate

HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def pct(ms: list[float]) -> dict[str, float]:
    s = sorted(ms)
    at = lambda p: s[min(len(s) - 1, max(0, round(p * len(s)) - 1))]  # noqa: E731 - nearest rank
    return {"n": len(s), "p50": round(at(0.5), 1), "p95": round(at(0.95), 1), "p99": round(at(0.99), 1)}


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its children (the query workers), MB."""
    total = 0
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                    text=True).stdout.split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


@contextmanager
def served(data: Path, token: str, log: Path, env: dict[str, str] | None = None) -> Iterator[tuple[int, int, float]]:
    """(port, pid, seconds until /health answered) of `policykg serve --data-dir data` (`env`: more settings,
    e.g. the remote store's); stopped by its PID."""
    port = free_port()
    t0 = time.perf_counter()
    with log.open("ab") as fh:
        proc = subprocess.Popen([str(VENV_BIN / "policykg"), "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--data-dir", str(data)], stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=data,
                                env={**os.environ, "POLICYKG_STORE": "oxigraph", "POLICYKG_ADMIN_TOKEN": token,
                                     "POLICYKG_CORPUS_ROOT": str(ROOT), **(env or {})})
    try:
        _wait_up(proc, port, log)
        yield port, proc.pid, time.perf_counter() - t0
    finally:
        stop(proc, timeout=30)


def _timed(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None,
           auth: dict[str, str]) -> tuple[float, int, bytes]:
    t = time.perf_counter()
    status, resp = request(conn, method, path, body=body, headers={**HEADERS, **auth})
    return (time.perf_counter() - t) * 1000, status, resp


def query_cases(n: int, subs: list[dict[str, Any]], awards: list[dict[str, Any]]) -> list[tuple[str, dict[str, str]]]:
    """(query, params): a median enterprise (by number of projects) with awards, and a project with awards."""
    firms: dict[str, int] = {}
    for s in subs:
        firms[s["applicant"]["creditCode"]] = firms.get(s["applicant"]["creditCode"], 0) + 1
    awarded = sorted({subs[a["index"]]["applicant"]["creditCode"] for a in awards}, key=lambda c: firms[c])
    cc = awarded[len(awarded) // 2]
    project = f"{subs[awards[0]['index']]['applicant']['creditCode']}/{subs[awards[0]['index']]['projectCode']}"
    return [("registry-awards-per-enterprise-year", {"creditCode": cc, "year": "2024"}),
            ("registry-awards-per-enterprise-year", {"creditCode": cc}),
            ("registry-awards-per-enterprise-year", {}),
            ("registry-projects-with-several-measures", {"project": project}),
            ("registry-projects-with-several-measures", {}),
            ("registry-awards-over-project-cap", {}),
            ("registry-measure-candidates", {})]


def largest_enterprise(subs: list[dict[str, Any]], awards: list[dict[str, Any]], k: int) -> list[bytes]:
    """The bodies of up to k awarded submissions of the enterprise with the most projects (its checks read most)."""
    firms: dict[str, int] = {}
    for s in subs:
        firms[s["applicant"]["creditCode"]] = firms.get(s["applicant"]["creditCode"], 0) + 1
    top = max(firms, key=lambda c: firms[c])
    mine = [subs[a["index"]] for a in awards if subs[a["index"]]["applicant"]["creditCode"] == top]
    return [json.dumps(f, ensure_ascii=False).encode() for f in mine[:k]]


def measure_dir(src: Path, n: int, seed: int = 15, repeat: int = 20, writes: int = 200,
                skip: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    token = secrets.token_urlsafe(32)
    auth = {"Authorization": f"Bearer {token}"}
    subs, awards = generate(n, seed)
    out: dict[str, Any] = {"dataDir": str(src), "submissions": n, "awards": len(awards)}
    with tempfile.TemporaryDirectory(prefix="policykg-scale-", dir="/tmp") as tmp:
        data, log = Path(tmp) / "data", Path(tmp) / "server.log"
        t = time.perf_counter()
        shutil.copytree(src, data)
        out["copy_s"] = round(time.perf_counter() - t, 1)
        with served(data, token, log) as (_port, _pid, first):
            out["first_start_s"] = round(first, 2)
        with served(data, token, log) as (port, pid, again):
            out["restart_s"] = round(again, 2)
            out.update(measure_server(port, src.name, n, subs, awards, auth, repeat, writes, skip))
            out["rss_mb"] = rss_mb(pid)
    out["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    return out


def measure_server(port: int, label: str, n: int, subs: list[dict[str, Any]], awards: list[dict[str, Any]],
                   auth: dict[str, str], repeat: int, writes: int, skip: set[str] | frozenset[str]) -> dict[str, Any]:
    """The figures of one served registry: library queries, validation (and of the largest enterprise), writes."""
    out: dict[str, Any] = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    out["queries"] = {}
    for name, params in query_cases(n, subs, awards):
        if name in skip:
            continue
        path = f"/api/queries/{name}?{urlencode(params)}"
        print(f"  {label}: {path}", file=sys.stderr, flush=True)
        ms, statuses, rows = [], set(), None
        for _i in range(repeat if name != "registry-measure-candidates" else max(3, repeat // 5)):
            m, status, body = _timed(conn, "GET", path, None, auth)
            ms.append(m)
            statuses.add(status)
            if status == 200 and rows is None:
                rows = len(json.loads(body)["results"]["bindings"])
        out["queries"][f"{name} {json.dumps(params)}"] = {**pct(ms), "status": sorted(statuses), "rows": rows}
    bodies = [json.dumps(subs[a["index"]], ensure_ascii=False).encode() for a in awards[:repeat * 3]]
    _timed(conn, "POST", "/api/validate", bodies[0], auth)  # the bundle, once per corpus version
    ms, consulted = [], set()
    for b in bodies:
        m, status, body = _timed(conn, "POST", "/api/validate", b, auth)
        ms.append(m)
        consulted.add(json.loads(body).get("registryConsulted") if status == 200 else status)
    out["validate"] = {**pct(ms), "registryConsulted": sorted(map(str, consulted))}
    ms = []
    for b in largest_enterprise(subs, awards, repeat * 3):
        m, status, body = _timed(conn, "POST", "/api/validate", b, auth)
        ms.append(m)
    out["validate_largest_enterprise"] = pct(ms)
    if writes:  # --writes 0: reads only (a registry left as seeded)
        out["submissions_c1"] = write_rate(port, auth, n + 1, writes, clients=1)
        out["submissions_c4"] = write_rate(port, auth, n, writes)
    conn.close()
    return out


def write_rate(port: int, auth: dict[str, str], n: int, writes: int, clients: int = 4) -> dict[str, Any]:
    """POST /api/submissions of `writes` new submissions from `clients` threads: stored per second."""
    new, _ = generate(writes, seed=1000 + n, firms=max(1, n // 3))  # the registry's enterprises, by its law
    for i, f in enumerate(new):
        f["id"], f["projectCode"] = f"bench-new-{n}-{i}", f"NEW-{n}-{i}"
    bodies = [json.dumps(f, ensure_ascii=False).encode() for f in new]
    ms: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for b in bodies[k::clients]:
            m, status, _ = _timed(conn, "POST", "/api/submissions", b, auth)
            with lock:
                ms.append(m)
                statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    return {**pct(ms), "per_s": round(len(ms) / wall, 1), "status": statuses}


def size_of(d: Path) -> int:
    """N from a data dir named registry-10k / registry-100k, or registry-100k-v2 (a later generator law)."""
    m = re.search(r"-(\d+)(k?)(?:-v\d+)?$", d.name.lower())
    if m is None:
        raise SystemExit(f"{d}: name it registry-<N>[k][-v<version>] (bench/generate.py --data-dir)")
    return int(m.group(1)) * (1000 if m.group(2) else 1)


def empty_restart() -> dict[str, Any]:
    """The baseline of restart: a server on a data dir holding the corpus only (no registry), started twice."""
    token = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="policykg-scale-", dir="/tmp") as tmp:
        data, log = Path(tmp) / "data", Path(tmp) / "server.log"
        data.mkdir()
        with served(data, token, log) as (_port, _pid, first):
            pass
        with served(data, token, log) as (_port, pid, again):
            rss = rss_mb(pid)
    return {"dataDir": "(corpus only)", "first_start_s": round(first, 2), "restart_s": round(again, 2),
            "rss_mb_idle": rss, "loadavg": [round(x, 2) for x in os.getloadavg()]}


def main(dirs: list[Path], repeat: int = 20, writes: int = 200, skip: set[str] | None = None) -> list[dict[str, Any]]:
    results = [empty_restart()]
    print(json.dumps(results[0]), flush=True)
    for d in dirs:
        r = measure_dir(d, size_of(d), 15, repeat, writes, skip or set())
        print(json.dumps(r, ensure_ascii=False), flush=True)
        results.append(r)
    return results
