"""The registry at scale on the remote store (Debian's Virtuoso 7.2 on 127.0.0.1), beside the embedded store.

    .venv/bin/python bench/virtuoso_scale.py /work/bench-data/registry-10k-v2 [--repeat 10] [--writes 40]

For one seeded data dir (bench/generate.py --data-dir): a private Virtuoso is started in a temp dir
(tests/virtuoso.py's recipe), the dir's store (corpus + registry, read-only) is dumped as N-Quads and bulk-loaded
with Virtuoso's own loader (ld_dir + rdf_loader_run, then a checkpoint); then `policykg serve --store remote`
on it is measured exactly as bench/registry_scale.py measures a served registry (registry-* library queries,
POST /api/validate with a token, of the largest enterprise too, and writes), and the embedded store is measured
on a copy of the same dir in the same run as the baseline. Everything is stopped by its PID.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import virtuoso_load  # noqa: E402
from bench.generate import generate  # noqa: E402
from bench.registry_scale import measure_dir, measure_server, served, size_of  # noqa: E402


def bulk_load(v: Any, src: Path, work: Path) -> dict[str, float]:
    """The data dir's quads into Virtuoso through its bulk loader; seconds per step."""
    import pyoxigraph as ox

    t0 = time.perf_counter()
    nq = work / "registry.nq"
    ox.Store.read_only(str(src / "store")).dump(str(nq), format=ox.RdfFormat.N_QUADS)
    t1 = time.perf_counter()
    loaded = virtuoso_load.bulk_load(v, work, "registry.nq")
    if loaded["errors"]:
        raise RuntimeError(f"Virtuoso's bulk loader: {loaded['errors']}")
    nq.unlink()
    return {"dump_s": round(t1 - t0, 1), "load_s": round(time.perf_counter() - t1, 1)}


def measure_remote(src: Path, repeat: int, writes: int, skip: set[str]) -> dict[str, Any]:
    from tests.virtuoso import start

    n = size_of(src)
    subs, awards = generate(n, 15)
    token = secrets.token_urlsafe(32)
    auth = {"Authorization": f"Bearer {token}"}
    out: dict[str, Any] = {"dataDir": str(src), "store": "remote (Virtuoso)", "submissions": n}
    with tempfile.TemporaryDirectory(prefix="policykg-virt-", dir="/tmp") as tmp:
        work = Path(tmp)
        v = start(work)
        try:
            out.update(bulk_load(v, src, work))
            env = {"POLICYKG_STORE": "remote", "POLICYKG_REMOTE_QUERY_URL": v.sparql_url,
                   "POLICYKG_REMOTE_UPDATE_URL": v.sparql_auth_url, "POLICYKG_REMOTE_USER": "dba",
                   "POLICYKG_REMOTE_PASSWORD": "dba"}
            data = work / "data"
            data.mkdir()
            with served(data, token, work / "server.log", env) as (port, _pid, first):
                out["start_s"] = round(first, 2)
                out.update(measure_server(port, f"{src.name} (Virtuoso)", n, subs, awards, auth, repeat, writes, skip))
        finally:
            v.stop()
    out["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--writes", type=int, default=40)
    ap.add_argument("--skip", nargs="*", default=["registry-measure-candidates"], metavar="QUERY")
    a = ap.parse_args()
    if shutil.which("virtuoso-t") is None:
        print("virtuoso-t is not installed (make system-deps)", file=sys.stderr)
        return 2
    print(json.dumps(measure_remote(a.data_dir, a.repeat, a.writes, set(a.skip)), ensure_ascii=False), flush=True)
    print(json.dumps(measure_dir(a.data_dir, size_of(a.data_dir), 15, a.repeat, a.writes, set(a.skip)),
                     ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
