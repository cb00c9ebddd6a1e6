"""/health and a third client's query while 8 pathological SPARQL queries run (issue 12, item 4).

    .venv/bin/python bench/health_load.py [--slow 8] [--health 200]

Starts `policykg serve` on 127.0.0.1 (defaults: 2 + 4 query workers, 10 s query limit), times
`GET /health` with no load (`--health` times: the baseline of the same run), then sends `--slow`
cross-join queries from 4 loopback addresses (127.0.0.2-5, two each: they run until the time limit
stops them and their workers are killed and replaced), and meanwhile times `GET /health` every 20 ms
from 127.0.0.1 until the last slow query has ended and the replacements are loaded (so the kills and
the restarts are inside the measurement), and a quick SELECT from a fifth address (127.0.0.6) every
0.5 s. Prints p50/p99/max of each, the ratio of the loaded p99 to the unloaded one, the load average,
and how the slow queries ended (503 with Retry-After at the time limit, or at once when over their share).
Only loopback addresses are contacted; the server is stopped by its PID.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import server  # noqa: E402

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = "SELECT ?n WHERE { <https://w3id.org/policykg/doc/jfgg/2023/7> <http://data.europa.eu/eli/ontology#id_local> ?n }"


def client(address: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60)


def pct(v: list[float], q: float) -> float:
    v = sorted(v)
    return round(v[min(len(v) - 1, int(q * len(v)))], 1) if v else float("nan")


def time_health(c: httpx.Client, base: str, more: Callable[[], bool], extra_s: float = 0.0) -> list[float]:
    """ms of each GET /health, one every 20 ms while more(), then for extra_s seconds."""
    out: list[float] = []
    end = None
    while end is None or time.monotonic() < end:
        if end is None and not more():
            end = time.monotonic() + extra_s
        t0 = time.perf_counter()
        assert c.get(base + "/health").status_code == 200
        out.append((time.perf_counter() - t0) * 1000)
        if out[-1] > 15 and os.environ.get("HEALTH_DEBUG"):
            print(f"{time.time() % 1000:.2f} {out[-1]:.0f}", file=sys.stderr)
        time.sleep(0.02)
    return out


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50ms": pct(ms, 0.5), "p99ms": pct(ms, 0.99), "maxms": round(max(ms), 1)}


def measure(slow: int, health: int) -> dict:
    with server() as srv:
        base = f"http://127.0.0.1:{srv.port}"
        with client("127.0.0.1") as c:  # warm: the query workers are started
            c.get(base + "/sparql", params={"query": QUICK})
            c.get(base + "/health")
            time.sleep(1.0)
            n = iter(range(health))
            idle = summary(time_health(c, base, lambda: next(n, None) is not None))
        ended: list[tuple[int, str | None, float]] = []
        cpu0, wall0 = cpu_s(srv.pid), time.monotonic()

        def slow_query(addr: str) -> None:
            t0 = time.perf_counter()
            with client(addr) as c:
                r = c.get(base + "/sparql", params={"query": CROSS_JOIN})
            ended.append((r.status_code, r.headers.get("retry-after"), round(time.perf_counter() - t0, 1)))

        threads = [threading.Thread(target=slow_query, args=(f"127.0.0.{2 + i % 4}",)) for i in range(slow)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        quick_ms: list[float] = []
        quick_status: list[int] = []

        def quick() -> None:
            with client("127.0.0.6") as c:
                while any(t.is_alive() for t in threads):
                    t0 = time.perf_counter()
                    r = c.get(base + "/sparql", params={"query": QUICK})
                    quick_ms.append((time.perf_counter() - t0) * 1000)
                    quick_status.append(r.status_code)
                    time.sleep(0.5)

        q = threading.Thread(target=quick)
        q.start()
        with client("127.0.0.1") as c:
            health_ms = time_health(c, base, lambda: any(t.is_alive() for t in threads), extra_s=3.0)
        for t in threads:
            t.join()
        q.join()
        server_cpu = {"cpuSeconds": round(cpu_s(srv.pid) - cpu0, 2), "wallSeconds": round(time.monotonic() - wall0, 1)}
    loaded = summary(health_ms)
    return {"loadAverage": os.getloadavg(), "slowQueries": slow, "slowEnded": sorted(ended),
            "healthNoLoad": idle, "health": loaded, "p99VsNoLoad": round(loaded["p99ms"] / idle["p99ms"], 1),
            "serverProcessDuringLoad": server_cpu,
            "quickFromAnotherClient": {"n": len(quick_ms), "statuses": sorted(set(quick_status)),
                                       "p50ms": pct(quick_ms, 0.5), "maxms": round(max(quick_ms, default=0), 1)}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--slow", type=int, default=8)
    ap.add_argument("--health", type=int, default=200)
    a = ap.parse_args()
    print(json.dumps(measure(a.slow, a.health), indent=1))


if __name__ == "__main__":
    main()
