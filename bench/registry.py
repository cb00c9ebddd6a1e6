"""The registry: submissions stored per second through POST /api/submissions, and the read-back time.

    .venv/bin/python bench/registry.py [--submissions N]
    .venv/bin/python bench/registry.py --scale /work/bench-data/registry-10k /work/bench-data/registry-100k

Starts the real server (`policykg serve` on 127.0.0.1, a fresh on-disk store, stopped by PID)
and sends, from one keep-alive connection, N distinct JSON-form submissions (the cases of
tests/cases/, each with its own id and project code) to POST /api/submissions: each is parsed,
validated with the registry's checks, and written (data + report + record) as its own named
graph before the 201. Baseline: the same bodies through POST /api/validate (validation without
storing), on the same server. Then each stored submission is read back (GET /api/submissions/{id}),
and a few are posted again (the idempotent 200 path).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, cases, faster, request, server, spread, timed_row  # noqa: E402

BENCH = "registry"
HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def bodies(n: int) -> list[bytes]:
    """n distinct JSON-form submissions, cycling over the one-project cases of tests/cases/."""
    forms = [c.submission for c in cases() if c.submission is not None and "id" in c.submission]
    forms = spread(forms, min(n, len(forms)))
    out = []
    for i in range(n):
        f = dict(forms[i % len(forms)])
        f["id"] = f"bench-{i}"
        f["projectCode"] = f"BENCH-{i}"
        out.append(json.dumps(f, ensure_ascii=False).encode())
    return out


def send(conn: Any, method: str, path: str, items: list[bytes], ok: tuple[int, ...],
         auth: dict[str, str]) -> tuple[list[float], float, list[bytes]]:
    """(ms per request, wall s, response bodies) of sending each item in turn (with the admin token)."""
    ms, out = [], []
    t0 = time.perf_counter()
    for body in items:
        t = time.perf_counter()
        status, resp = request(conn, method, path, body=body, headers={**HEADERS, **auth})
        ms.append((time.perf_counter() - t) * 1000)
        if status not in ok:
            raise RuntimeError(f"{method} {path}: {status} {resp[:300]!r}")
        out.append(resp)
    return ms, time.perf_counter() - t0, out


def measure(submissions: int = 100, again: int = 20) -> list[Row]:
    items = bodies(submissions)
    with server() as srv:
        conn = srv.conn()
        send(conn, "POST", "/api/validate", items[:1], (200,), srv.auth)  # the bundle, once per corpus version
        v_ms, v_wall, _ = send(conn, "POST", "/api/validate", items, (200,), srv.auth)  # registry read, like a write
        s_ms, s_wall, stored = send(conn, "POST", "/api/submissions", items, (201,), srv.auth)
        ids = [json.loads(b)["id"] for b in stored]
        r_ms = []
        for sid in ids:
            t = time.perf_counter()
            status, resp = request(conn, "GET", f"/api/submissions/{sid}", headers={"Accept": "application/json", **srv.auth})
            r_ms.append((time.perf_counter() - t) * 1000)
            if status != 200 or json.loads(resp)["id"] != sid:
                raise RuntimeError(f"GET /api/submissions/{sid}: {status} {resp[:300]!r}")
        a_ms, _a_wall, _ = send(conn, "POST", "/api/submissions", items[:again], (200,), srv.auth)
        conn.close()
        size = sum(p.stat().st_size for p in srv.data_dir.rglob("*") if p.is_file())
    base = timed_row(BENCH, "POST /api/validate (baseline: no storing)", v_ms, rate=len(v_ms) / v_wall,
                     rate_unit="/s", key="POST /api/validate")
    post = timed_row(BENCH, "POST /api/submissions (new: validate + store)", s_ms, rate=len(s_ms) / s_wall,
                     rate_unit="stored/s", note=f"store on disk {size / 1e6:.1f} MB after")
    post.vs, post.vs_rate = [(base.name, post.rate / base.rate)], True
    read = timed_row(BENCH, "GET /api/submissions/{id} (read-back)", r_ms)
    read.vs = [faster(base, read)]
    dup = timed_row(BENCH, "POST /api/submissions again (idempotent 200)", a_ms)
    dup.vs = [faster(base, dup)]
    return [base, post, read, dup]


def main() -> int:
    from bench.run import print_rows

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--submissions", type=int, default=100, help="submissions to store (default 100)")
    ap.add_argument("--scale", nargs="+", type=Path, metavar="DATA_DIR",
                    help="instead: the registry at scale on these seeded data dirs (bench/registry_scale.py), "
                         "the first the baseline, e.g. /work/bench-data/registry-10k /work/bench-data/registry-100k")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--writes", type=int, default=200)
    ap.add_argument("--skip", nargs="*", default=[], metavar="QUERY",
                    help="library queries left out of --scale (e.g. registry-measure-candidates: minutes at 100k)")
    a = ap.parse_args()
    if a.scale:
        from bench.registry_scale import main as scale

        scale(a.scale, a.repeat, a.writes, skip=set(a.skip))
        return 0
    print_rows(measure(a.submissions))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
