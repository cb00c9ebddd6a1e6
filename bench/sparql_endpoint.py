"""The SPARQL endpoint over keep-alive HTTP at 1 and 4 concurrent clients, beside rdflib-endpoint and bare pyoxigraph.

    .venv/bin/python bench/sparql_endpoint.py [--requests N]

Starts the real server (`policykg serve` on 127.0.0.1, a fresh on-disk store, stopped by PID) and, as the
peer baseline, rdflib-endpoint (the `bench` extra) serving the same public dataset (the merge of the corpus
graphs, written to N-Triples) as a real uvicorn server on 127.0.0.1, also stopped by PID. Each is sent N
small SELECTs (GET, SPARQL JSON results) by 1 and by 4 client processes, each on its own keep-alive
connection with a lean raw-socket client (the same for every server): requests/s and p50/p95/p99.
policykg is measured twice: the same text every time (after the first, the answer cache of
server/endpoint/fastpath.py), and a different text every time (a comment numbers it: each one a cache
miss, answered by the in-process light path). GET /health gives the floor of the HTTP stack. Bare
pyoxigraph: the same query and JSON serialisation in this process. Also one named query of the library
(queries/*.rq) through GET /api/queries/{name}, against the same text on pyoxigraph in-process.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402

from bench.common import ROOT, Row, faster, free_port, request, server, stop, time_each, timed_row  # noqa: E402

BENCH = "sparql"
QUERY = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?doc ?number WHERE { ?doc a eli:LegalResource ; eli:id_local ?number } ORDER BY ?number"""
LIBRARY_QUERY = "measures-by-kind"
JSON = "application/sparql-results+json"


def _get(port: int, path: str) -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {JSON}\r\n"
            "Connection: keep-alive\r\n\r\n").encode()


def _read(f: Any) -> tuple[int, bytes]:
    """One HTTP/1.1 answer with a Content-Length (what both servers send): (status, body)."""
    status = int(f.readline().split()[1])
    length, chunked = 0, False
    while (line := f.readline()) not in (b"\r\n", b""):
        k, _, v = line.partition(b":")
        if k.lower() == b"content-length":
            length = int(v)
        elif k.lower() == b"transfer-encoding" and b"chunked" in v.lower():
            chunked = True
    if chunked:
        raise RuntimeError("a chunked answer: the lean client reads Content-Length only")
    return status, f.read(length)


def _client(port: int, reqs: list[bytes], barrier: Any, out: Any) -> None:
    """One keep-alive connection sending `reqs` in turn, in its own process: (latencies ms, error)."""
    lat: list[float] = []
    try:
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            f = s.makefile("rb")
            barrier.wait(60)
            for r in reqs:
                t = time.perf_counter()
                s.sendall(r)
                status, body = _read(f)
                lat.append((time.perf_counter() - t) * 1000)
                if status != 200:
                    out.put((lat, f"{status} {body[:200]!r}"))
                    return
    except (OSError, ValueError, IndexError, threading.BrokenBarrierError) as e:  # refused (not up yet) …
        barrier.abort()  # nobody waits for a client that is gone
        out.put((lat, f"{type(e).__name__}: {e}"))
        return
    out.put((lat, None))


def hammer(port: int, paths: Callable[[int], str], total: int, threads: int) -> tuple[list[float], float]:
    """GET paths(i) for i < total from `threads` client processes, each on one keep-alive connection (no GIL
    shared between the clients): (latencies ms, wall s from the moment every client is connected)."""
    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(threads + 1), ctx.Queue()
    reqs = [_get(port, paths(i)) for i in range(total)]
    procs = [ctx.Process(target=_client, args=(port, reqs[k::threads], barrier, out)) for k in range(threads)]
    for p in procs:
        p.start()
    try:
        barrier.wait(60)
    except threading.BrokenBarrierError:
        pass
    t0 = time.perf_counter()
    results = [out.get(timeout=600) for _ in procs]
    wall = time.perf_counter() - t0
    for p in procs:
        p.join(timeout=10)
    errors = [e for _lat, e in results if e]
    if errors:
        raise RuntimeError(f"{paths(0)[:60]}: {errors[0]}")
    return [x for lat, _e in results for x in lat], wall


def p99(ms: list[float]) -> float:
    s = sorted(ms)
    return s[min(len(s) - 1, max(0, round(0.99 * len(s)) - 1))]


def public_dataset() -> Any:
    """The corpus in a store, and the merge of its graphs (the default graph /sparql answers from)."""
    from policykg.store import OxiStore, is_corpus_graph

    store = OxiStore(None)
    store.ensure_corpus(ROOT)
    merge = ox.Store()
    for g in store.named_graphs():
        if is_corpus_graph(g):
            merge.load(store.ox.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g)),
                       format=ox.RdfFormat.N_TRIPLES)
    return store, merge


RDFLIB_ENDPOINT = """import sys, rdflib, uvicorn
from rdflib_endpoint import SparqlEndpoint
g = rdflib.Graph(); g.parse(sys.argv[1], format="nt")
uvicorn.run(SparqlEndpoint(graph=g, path="/sparql"), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


@contextmanager
def rdflib_endpoint(merge: ox.Store) -> Iterator[int | None]:
    """rdflib-endpoint on 127.0.0.1 serving `merge` (its port), or None when the package is absent."""
    try:
        import rdflib_endpoint  # noqa: F401
    except ImportError:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="policykg-rdflib-endpoint-") as tmp:
        data, port = Path(tmp) / "public.nt", free_port()
        data.write_bytes(merge.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
        proc = subprocess.Popen([sys.executable, "-c", RDFLIB_ENDPOINT, str(data), str(port)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    hammer(port, lambda i: "/sparql?" + urllib.parse.urlencode({"query": QUERY}), 1, 1)
                    break
                except (OSError, RuntimeError, ValueError, IndexError):
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("rdflib-endpoint did not start") from None
                    time.sleep(0.2)
            yield port
        finally:
            stop(proc)


def http_row(name: str, lat: list[float], wall: float, key: str = "", note: str = "") -> Row:
    extra = f"p99 {p99(lat):.1f} ms" + (f"; {note}" if note else "")
    return timed_row(BENCH, name, lat, rate=len(lat) / wall, rate_unit="req/s", key=key, note=extra)


def measure(requests: int = 500, library_requests: int = 50, rdflib_queries: int = 100) -> list[Row]:
    from policykg.sparql.library import load_library

    store, merge = public_dataset()
    lib = load_library(ROOT)[LIBRARY_QUERY]
    subs = {ox.Variable(k): v for k, v in lib.bindings({}).items()}
    bare = time_each(lambda: merge.query(QUERY).serialize(format=ox.QueryResultsFormat.JSON), [()] * requests)
    lib_ox = time_each(lambda: store.raw_query(lib.text, substitutions=subs).serialize(
        format=ox.QueryResultsFormat.JSON), [()] * library_requests)
    same = "/sparql?" + urllib.parse.urlencode({"query": QUERY})

    def distinct(i: int) -> str:  # a new text each time: never a cached answer
        return "/sparql?" + urllib.parse.urlencode({"query": f"{QUERY} # {time.time_ns()}-{i}"})

    rows: list[Row] = []
    peers: dict[int, Row] = {}
    with rdflib_endpoint(merge) as port:
        if port is not None:
            for c in (1, 4):
                lat, wall = hammer(port, lambda i: same, min(requests, rdflib_queries * 2), c)
                peers[c] = http_row(f"rdflib-endpoint GET /sparql, c={c}", lat, wall, key=f"rdflib-endpoint c={c}",
                                    note="same data, uvicorn")
                rows.append(peers[c])
    with server() as srv:
        for p in (same, f"/api/queries/{LIBRARY_QUERY}"):  # workers and caches warm
            status, body = request(srv.conn(), "GET", p, headers={"Accept": JSON})
            if status != 200:
                raise RuntimeError(f"{p}: {status} {body[:300]!r}")
        floor: dict[int, Row] = {}
        for c in (1, 4):
            lat, wall = hammer(srv.port, lambda i: "/health", requests, c)
            floor[c] = http_row(f"GET /health, c={c} (the HTTP floor)", lat, wall, key=f"/health c={c}")
            rows.append(floor[c])
        for label, paths in (("same text: cached answer", lambda i: same), ("new text: in-process path", distinct)):
            for c in (1, 4):
                lat, wall = hammer(srv.port, paths, requests, c)
                row = http_row(f"policykg GET /sparql, {label}, c={c}", lat, wall,
                               note=f"server up in {srv.startup_s:.1f} s")
                row.vs = [(floor[c].name, row.rate / floor[c].rate)]
                if c in peers:
                    row.vs.insert(0, (peers[c].name, row.rate / peers[c].rate))
                row.vs_rate = True
                rows.append(row)
        lib_lat, lib_wall = hammer(srv.port, lambda i: f"/api/queries/{LIBRARY_QUERY}", library_requests, 1)
    ox_row = timed_row(BENCH, "bare pyoxigraph in-process (same query, JSON)", bare, key="pyoxigraph")
    ox_row.rate, ox_row.rate_unit = 1000 / ox_row.median_ms, "q/s"
    lib_row = timed_row(BENCH, f"{LIBRARY_QUERY}.rq on pyoxigraph in-process", lib_ox, key="in-process")
    lib_http = http_row(f"GET /api/queries/{LIBRARY_QUERY}, c=1", lib_lat, lib_wall)
    lib_http.vs = [faster(lib_row, lib_http)]
    return [ox_row, *rows, lib_row, lib_http]


def main() -> int:
    from bench.run import machine, print_rows

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=500, help="SELECTs over HTTP per measurement (default 500)")
    print(machine())
    print_rows(measure(ap.parse_args().requests))
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
