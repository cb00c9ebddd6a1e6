"""A seeded registry moved into the remote store (Virtuoso) by its bulk loader: the loader, counts and timings.

    .venv/bin/python bench/virtuoso_load.py /work/bench-data/registry-10k-v2 [--hold SECONDS]

1. export: the registry's graphs (graph/submission/*, graph/registry/*) of the data dir's store, opened
   read-only, written as one N-Quads file (the corpus is not exported: the server on the remote store loads
   its own corpus version through ensure_corpus);
2. load: a private Virtuoso on 127.0.0.1 (tests/virtuoso.py's recipe, the export dir in DirsAllowed), the file
   registered with ld_dir() and loaded by rdf_loader_run(), then checkpoint; errors of DB.DBA.LOAD_LIST reported;
3. the loaded quads counted, and the remote store's named-graph listing timed (a server's corpus check at start).
Virtuoso is stopped by its PID at the end (or after --hold seconds, to query it by hand). The registry figures
on the remote store beside the embedded one: bench/virtuoso_scale.py, which loads with `bulk_load` below.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from policykg.namespaces import BASE

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests import virtuoso as vt  # noqa: E402 - the one recipe for a private Virtuoso

REGISTRY_PREFIXES = ("graph/submission/", "graph/registry/")


def export(store_dir: Path, out: Path) -> int:
    """The registry quads of the store at `store_dir` (read-only) as N-Quads in `out`; their number."""
    prefixes = tuple(BASE + p for p in REGISTRY_PREFIXES)
    store = ox.Store.read_only(str(store_dir))
    n = 0
    with out.open("wb") as fh:
        batch: list[ox.Quad] = []
        for q in store.quads_for_pattern(None, None, None, None):
            g = q.graph_name
            if isinstance(g, ox.NamedNode) and g.value.startswith(prefixes):
                batch.append(q)
                if len(batch) >= 50_000:
                    ox.serialize(batch, fh, ox.RdfFormat.N_QUADS)
                    n += len(batch)
                    batch = []
        ox.serialize(batch, fh, ox.RdfFormat.N_QUADS)
        n += len(batch)
    return n


def bulk_load(v: vt.Virtuoso, directory: Path, pattern: str = "*.nq") -> dict[str, object]:
    """Virtuoso's bulk loader over the files of `directory` (in DirsAllowed): seconds and errors."""
    t = time.perf_counter()
    v.isql(f"ld_dir('{directory}', '{pattern}', 'urn:policykg:bulk-default');")
    v.isql("rdf_loader_run();")
    v.isql("checkpoint;")
    secs = time.perf_counter() - t
    errors = v.isql("select ll_file, ll_error from DB.DBA.LOAD_LIST where ll_error is not null;")
    return {"load_s": round(secs, 1), "errors": [ln for ln in errors.splitlines() if ".nq" in ln]}


def named_graphs_ms(url: str) -> float:
    """The remote store's named_graphs() query (ensure_corpus asks it at start), once, in ms."""
    import urllib.error
    import urllib.parse
    import urllib.request
    q = urllib.parse.urlencode({"query": "SELECT ?g WHERE { { SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } } }"}).encode()
    req = urllib.request.Request(url, data=q, headers={"Accept": "application/sparql-results+xml"})
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            r.read()
    except urllib.error.HTTPError as e:
        return f"HTTP {e.code}: {e.read()[:300].decode(errors='replace')}"  # type: ignore[return-value]
    return round((time.perf_counter() - t) * 1000, 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data_dir", type=Path, help="a seeded registry data dir (bench/generate.py --data-dir)")
    ap.add_argument("--hold", type=float, default=0, help="seconds to keep Virtuoso up after the load")
    a = ap.parse_args()
    out: dict[str, object] = {"dataDir": str(a.data_dir)}
    with tempfile.TemporaryDirectory(prefix="policykg-virt-", dir="/tmp") as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        out["quads"] = export(a.data_dir / "store", work / "registry.nq")
        out["export_s"] = round(time.perf_counter() - t, 1)
        v = vt.start(work)
        try:
            out["virtuoso_start_s"] = round(v.started_in_s, 1)
            out.update(bulk_load(v, work))
            out["quads_per_s"] = round(int(out["quads"]) / max(float(out["load_s"]), 1e-3))  # type: ignore[arg-type]
            count = v.isql("sparql select count(*) where { graph ?g { ?s ?p ?o } "
                           f"filter(strstarts(str(?g), '{BASE}graph/')) }};")
            out["count_check"] = [ln.strip() for ln in count.splitlines() if ln.strip().isdigit()]
            out["named_graphs_ms"] = named_graphs_ms(v.sparql_url)
            print(json.dumps(out), file=sys.stderr, flush=True)
            if a.hold:
                print(f"holding: sparql {v.sparql_url} isql port {v.sql_port}", file=sys.stderr, flush=True)
                time.sleep(a.hold)
        finally:
            v.stop()
    out["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
