"""/health and a third client's query while 8 pathological SPARQL queries run (issue 12, item 4).

    .venv/bin/python bench/health_load.py [--slow 8] [--health 200]

Starts `policykg serve` on 127.0.0.1 (defaults: 2 + 4 query workers, 10 s query limit), sends `--slow`
cross-join queries from 4 loopback addresses (127.0.0.2-5, two each: they run until the time limit
stops them), and meanwhile times `GET /health` (`--health` times, one after another, from 127.0.0.1)
and a quick SELECT from a fifth address (127.0.0.6) every 0.5 s. Prints p50/p99/max of each, and how
the slow queries ended (503 with Retry-After at the time limit, or at once when over their share).
Only loopback addresses are contacted; the server is stopped by its PID.
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
import time
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


def measure(slow: int, health: int) -> dict:
    with server() as srv:
        base = f"http://127.0.0.1:{srv.port}"
        with client("127.0.0.1") as c:  # warm: the query workers are started
            c.get(base + "/sparql", params={"query": QUICK})
            c.get(base + "/health")
        ended: list[tuple[int, str | None, float]] = []

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
        health_ms = []
        with client("127.0.0.1") as c:
            for _ in range(health):
                t0 = time.perf_counter()
                assert c.get(base + "/health").status_code == 200
                health_ms.append((time.perf_counter() - t0) * 1000)
                time.sleep(0.02)
        for t in threads:
            t.join()
        q.join()
    return {"slowQueries": slow, "slowEnded": sorted(ended),
            "health": {"n": len(health_ms), "p50ms": pct(health_ms, 0.5), "p99ms": pct(health_ms, 0.99),
                       "maxms": round(max(health_ms), 1)},
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
