"""Several server processes (server/serving/): the same load on `--processes 1` and `--processes 2`.

Two mixes, each from 4 client threads on keep-alive connections, against a fresh server on 127.0.0.1
with the embedded store: anonymous POST /api/validate of the cases' JSON forms (CPU-bound Python,
what a replica takes off the primary), and small SELECTs on /sparql. The baseline is the one-process
server measured in the same run; the ratio is the two-process rate / the one-process rate. On this
2-core machine the 4 client threads compete with the server for the cores, so the ratio is a lower
bound of what a dedicated machine gives.

    .venv/bin/python bench/processes.py [--requests 400]
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, cases, request, server, timed_row  # noqa: E402

BENCH = "processes"
SELECT = "SELECT ?doc ?n WHERE { ?doc <http://data.europa.eu/eli/ontology#id_local> ?n }"


def bodies() -> list[bytes]:
    return [json.dumps(c.submission, ensure_ascii=False).encode() for c in cases() if c.submission is not None][:40]


def load(srv, calls: list[tuple[str, str, bytes | None, dict]], threads: int = 4) -> tuple[list[float], float, dict]:
    """Send `calls` round-robin from `threads` threads: (latencies ms, wall s, answers by process)."""
    lat: list[float] = []
    seen: dict[str, int] = {}
    lock = threading.Lock()
    errors: list[str] = []

    def client(i: int) -> None:
        conn = srv.conn()
        for method, path, body, headers in calls[i::threads]:
            t = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            ms = (time.perf_counter() - t) * 1000
            with lock:
                lat.append(ms)
                p = r.getheader("x-policykg-process") or "single"
                seen[p] = seen.get(p, 0) + 1
                if r.status != 200:
                    errors.append(f"{r.status} {data[:200]!r}")
        conn.close()

    ts = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise RuntimeError(errors[0])
    return lat, time.perf_counter() - t0, seen


def measure(requests: int = 400) -> list[Row]:
    forms = bodies()
    validate = [("POST", "/api/validate", forms[i % len(forms)], {"Content-Type": "application/json"})
                for i in range(requests)]
    sparql = [("GET", "/sparql?query=" + urllib.parse.quote(SELECT), None,
               {"Accept": "application/sparql-results+json"})] * requests
    rows: list[Row] = []
    base: dict[str, Row] = {}
    for n in (1, 2):
        with server(processes=n) as srv:
            for name, calls in (("validate", validate), ("sparql", sparql)):
                conn = srv.conn()  # warm both paths once
                request(conn, *calls[0][:2], body=calls[0][2], headers=calls[0][3])
                conn.close()
                lat, wall, seen = load(srv, calls)
                row = timed_row(BENCH, f"{name}, {n} process{'es' if n > 1 else ''}, c=4", lat,
                                rate=len(lat) / wall, rate_unit="req/s", key=f"{name}-{n}",
                                note="answered by " + ", ".join(f"{k} {v}" for k, v in sorted(seen.items())))
                if n == 1:
                    base[name] = row
                else:
                    row.vs, row.vs_rate = [(base[name].name, row.rate / base[name].rate)], True
                rows.append(row)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=400)
    for r in measure(ap.parse_args().requests):
        print(f"{r.path:40} n={r.n:4} p50 {r.median_ms:7.1f} ms  p95 {r.p95_ms:7.1f} ms  {r.rate:7.1f} req/s  "
              + " ".join(f"×{v:.2f} of {k}" for k, v in r.vs) + f"  ({r.note})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
