"""The SPARQL endpoint: small SELECTs over keep-alive HTTP from 2 client threads, against in-process engines.

    .venv/bin/python bench/sparql_endpoint.py [--requests N]

Starts the real server (`policykg serve` on 127.0.0.1, a fresh on-disk store, stopped by PID),
sends N small SELECTs (GET /sparql, SPARQL JSON results) from 2 threads, each on its own
keep-alive connection, and reports requests/s and p50/p95 latency, next to GET /health sent the
same way (the floor of the HTTP stack on this machine: what any endpoint costs). Baselines, in this process
on the same corpus: the same query and JSON serialisation on a pyoxigraph Store, and on an rdflib
Graph (rdflib's SPARQL engine). Also one named query of the library (queries/*.rq) through
GET /api/queries/{name}, against the same text with the same bindings on pyoxigraph in-process.
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402
import rdflib  # noqa: E402

from bench.common import ROOT, Row, faster, request, server, time_each, timed_row  # noqa: E402

BENCH = "sparql"
QUERY = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?doc ?number WHERE { ?doc a eli:LegalResource ; eli:id_local ?number } ORDER BY ?number"""
LIBRARY_QUERY = "measures-by-kind"
JSON = "application/sparql-results+json"


def hammer(srv: Any, path: str, total: int, threads: int = 2) -> tuple[list[float], float]:
    """GET `path` `total` times from `threads` threads on keep-alive connections: (latencies ms, wall s)."""
    lat: list[list[float]] = [[] for _ in range(threads)]
    errors: list[str] = []

    def client(i: int) -> None:
        conn = srv.conn()
        for _ in range(total // threads + (1 if i < total % threads else 0)):
            t = time.perf_counter()
            status, body = request(conn, "GET", path, headers={"Accept": JSON})
            lat[i].append((time.perf_counter() - t) * 1000)
            if status != 200:
                errors.append(f"{status} {body[:200]!r}")
                break
        conn.close()

    ts = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise RuntimeError(f"{path}: {errors[0]}")
    return [x for lt in lat for x in lt], wall


def in_process(n_ox: int, n_rdflib: int, library_text: str, library_bindings: dict) -> dict[str, list[float]]:
    """ms per query (with JSON serialisation) on pyoxigraph and on rdflib, in this process."""
    from policykg.store import OxiStore
    from policykg.submission.parse import to_rdflib

    store = OxiStore(None)
    store.ensure_corpus(ROOT)
    union = rdflib.Graph()  # the default graph of the endpoint: the union of the named graphs
    for q in store.ox.quads_for_pattern(None, None, None, None):
        union.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))

    def ox_run() -> None:
        store.raw_query(QUERY).serialize(format=ox.QueryResultsFormat.JSON)

    def ox_library() -> None:
        subs = {ox.Variable(k): v for k, v in library_bindings.items()}
        store.raw_query(library_text, substitutions=subs).serialize(format=ox.QueryResultsFormat.JSON)

    def rdflib_run() -> None:
        union.query(QUERY).serialize(format="json")

    ox_run(), rdflib_run(), ox_library()  # first-call costs out of the timing
    return {"ox": time_each(ox_run, [()] * n_ox), "rdflib": time_each(rdflib_run, [()] * n_rdflib),
            "ox-library": time_each(ox_library, [()] * n_ox), "triples": [float(len(union))]}


def measure(requests: int = 500, library_requests: int = 50, rdflib_queries: int = 100) -> list[Row]:
    from policykg.sparql.library import load_library

    lib = load_library(ROOT)[LIBRARY_QUERY]
    bindings = lib.bindings({})
    base = in_process(requests, rdflib_queries, lib.text, bindings)
    path = "/sparql?" + urllib.parse.urlencode({"query": QUERY})
    with server() as srv:
        warm = srv.conn()
        for p in (path, f"/api/queries/{LIBRARY_QUERY}"):  # the query workers load the store on first use
            status, body = request(warm, "GET", p, headers={"Accept": JSON})
            if status != 200:
                raise RuntimeError(f"{p}: {status} {body[:300]!r}")
        warm.close()
        lat, wall = hammer(srv, path, requests)
        floor_lat, floor_wall = hammer(srv, "/health", requests)
        lib_lat, lib_wall = hammer(srv, f"/api/queries/{LIBRARY_QUERY}", library_requests, threads=1)
        startup = srv.startup_s
    ox_row = timed_row(BENCH, "pyoxigraph in-process (same query)", base["ox"], key="pyoxigraph")
    ox_row.rate, ox_row.rate_unit = 1000 / ox_row.median_ms, "q/s"
    rd_row = timed_row(BENCH, "rdflib Graph in-process (same query)", base["rdflib"],
                       note=f"{int(base['triples'][0])} triples", key="rdflib")
    rd_row.rate, rd_row.rate_unit = 1000 / rd_row.median_ms, "q/s"
    http = timed_row(BENCH, "GET /sparql, 2 threads, keep-alive", lat, rate=len(lat) / wall, rate_unit="req/s",
                     note=f"server up in {startup:.1f} s")
    floor = timed_row(BENCH, "GET /health, 2 threads (the HTTP floor)", floor_lat, rate=len(floor_lat) / floor_wall,
                      rate_unit="req/s", key="/health", note="one tiny store.select: FastAPI + uvicorn + client")
    http.vs = [(rd_row.name, http.rate / rd_row.rate), (ox_row.name, http.rate / ox_row.rate),
               (floor.name, http.rate / floor.rate)]
    http.vs_rate = True
    lib_ox = timed_row(BENCH, f"{LIBRARY_QUERY}.rq on pyoxigraph in-process", base["ox-library"], key="in-process")
    lib_http = timed_row(BENCH, f"GET /api/queries/{LIBRARY_QUERY}", lib_lat, rate=len(lib_lat) / lib_wall,
                         rate_unit="req/s", note="1 thread")
    lib_http.vs = [faster(lib_ox, lib_http)]
    return [ox_row, rd_row, floor, http, lib_ox, lib_http]


def main() -> int:
    from bench.run import print_rows

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=500, help="SELECTs over HTTP (default 500)")
    print_rows(measure(ap.parse_args().requests))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
