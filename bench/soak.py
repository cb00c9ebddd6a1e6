"""Load and soak (issue 12, item 7): a steady mix of validations, library queries, SPARQL and writes for N minutes.

    .venv/bin/pip install -e ".[bench]"          # locust
    .venv/bin/python bench/soak.py [--minutes 5] [--users 4] [--rate 1.0]

Starts `policykg serve` on 127.0.0.1 (a free port, a fresh data dir, `POLICYKG_ADMIN_TOKEN` set to a
random token that writes send as a Bearer token), drives it with locust (headless, in this process)
at `users` × `rate` requests per second for `minutes`, then stops by itself and stops the server by
its PID. Prints: requests and errors per kind (an error is any answer but 2xx and the documented
429/503-with-Retry-After), p50/p99 of the first minute and of the last, and the server's resident
memory (the server process and its query workers) against the number of stored submissions, with the
growth per stored submission after the first minute. Only 127.0.0.1 is ever contacted.
"""
from __future__ import annotations

from gevent import monkey

monkey.patch_all()  # before anything else imports socket or ssl (locust runs on gevent)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from locust import HttpUser, constant_throughput, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import server  # noqa: E402

TOKEN = secrets.token_urlsafe(24)
PROJECT = {"type": "RenovationProject", "projectType": "old-factory", "floorArea": 8000, "fixedAssetInvestment": 8000,
           "status": "under-construction", "applicationDate": "2024-06-01", "propertyRightsClear": True,
           "operationsMechanism": True, "industryPositioning": "高精尖", "industryCategory": "high-tech",
           "inOldFactoryLedger": True, "inHighTechProjectDatabase": True,
           "applicant": {"name": "甲公司", "creditCode": "91110000000000001X"},
           "requests": [{"measure": "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure", "amount": 2400}]}
SELECT = ("PREFIX eli: <http://data.europa.eu/eli/ontology#> "
          "SELECT ?doc ?n WHERE { ?doc eli:id_local ?n } ORDER BY ?n LIMIT 50")
LIBRARY = ["measures-by-kind", "documents-in-force"]
OK_BUSY = (429, 503)


class Soak(HttpUser):
    wait_time = constant_throughput(1.0)  # replaced by --rate
    written = 0

    def _check(self, r, kind: str) -> None:
        if r.status_code < 300 or (r.status_code in OK_BUSY and "retry-after" in r.headers):
            r.success()
        else:
            r.failure(f"{kind}: {r.status_code} {r.text[:120]}")

    @task(4)
    def validate(self) -> None:
        with self.client.post("/api/validate", json=dict(PROJECT, id="v"), name="validate",
                              catch_response=True) as r:
            self._check(r, "validate")

    @task(3)
    def library(self) -> None:
        name = LIBRARY[int(time.time()) % len(LIBRARY)]
        with self.client.get(f"/api/queries/{name}", name="library", catch_response=True) as r:
            self._check(r, "library")

    @task(3)
    def sparql(self) -> None:
        with self.client.get("/sparql", params={"query": SELECT}, name="sparql", catch_response=True,
                             headers={"accept": "application/sparql-results+json"}) as r:
            self._check(r, "sparql")

    @task(2)
    def write(self) -> None:
        Soak.written += 1
        body = dict(PROJECT, id=f"soak-{os.getpid()}-{Soak.written}", projectCode=f"S-{Soak.written}")
        with self.client.post("/api/submissions", json=body, name="write", catch_response=True,
                              headers={"authorization": f"Bearer {TOKEN}"}) as r:
            self._check(r, "write")


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its children (the query workers), in MB."""
    total = 0
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


def run(minutes: float, users: int, rate: float) -> dict:
    os.environ["POLICYKG_ADMIN_TOKEN"] = TOKEN  # the server's admin token (once authentication is in)
    samples: list[tuple[float, str, float, bool]] = []  # (t, kind, ms, error)
    memory: list[tuple[float, float, int]] = []  # (t, MB, stored)
    Soak.wait_time = constant_throughput(rate)
    with server() as srv:
        env = Environment(user_classes=[Soak], events=events, host=f"http://127.0.0.1:{srv.port}")
        t0 = time.monotonic()

        def on_request(name, response_time, exception, response=None, **_kw) -> None:
            samples.append((time.monotonic() - t0, name, response_time, exception is not None))

        env.events.request.add_listener(on_request)

        def sample_memory() -> None:
            while True:
                stored = sum(1 for _t, k, _ms, err in samples if k == "write" and not err)
                memory.append((time.monotonic() - t0, rss_mb(srv.pid), stored))
                gevent.sleep(10)

        sampler = gevent.spawn(sample_memory)
        runner = env.create_local_runner()
        runner.start(users, spawn_rate=users)
        gevent.spawn_later(minutes * 60, runner.quit)
        runner.greenlet.join()
        sampler.kill()
        memory.append((time.monotonic() - t0, rss_mb(srv.pid),
                       sum(1 for _t, k, _ms, err in samples if k == "write" and not err)))
    return report(samples, memory, minutes, users, rate)


def report(samples: list, memory: list, minutes: float, users: int, rate: float) -> dict:
    end = max((t for t, *_ in samples), default=0)
    first = [ms for t, _k, ms, _e in samples if t < 60]
    last = [ms for t, _k, ms, _e in samples if t >= end - 60]
    kinds = sorted({k for _t, k, _ms, _e in samples})
    after = [m for m in memory if m[0] >= 60] or memory
    grown = after[-1][1] - after[0][1]
    stored = after[-1][2] - after[0][2]
    out = {
        "minutes": minutes, "users": users, "ratePerUser": rate, "requests": len(samples),
        "errors": sum(1 for s in samples if s[3]),
        "perKind": {k: {"n": sum(1 for s in samples if s[1] == k), "errors": sum(1 for s in samples if s[1] == k and s[3]),
                        "p99ms": round(pct([s[2] for s in samples if s[1] == k], 0.99), 1)} for k in kinds},
        "firstMinute": {"p50ms": round(pct(first, 0.5), 1), "p99ms": round(pct(first, 0.99), 1), "n": len(first)},
        "lastMinute": {"p50ms": round(pct(last, 0.5), 1), "p99ms": round(pct(last, 0.99), 1), "n": len(last)},
        "rssMB": {"start": round(memory[0][1], 1), "afterFirstMinute": round(after[0][1], 1),
                  "end": round(memory[-1][1], 1)},
        "storedSubmissions": memory[-1][2],
        "rssGrowthPerStoredSubmissionMB": round(grown / stored, 3) if stored else None,
        "memory": " ".join(f"{round(t)}s:{mb:.0f}MB/{n}" for t, mb, n in memory),  # t: RSS / stored
    }
    out["p99LastOverFirst"] = round(out["lastMinute"]["p99ms"] / out["firstMinute"]["p99ms"], 2) \
        if out["firstMinute"]["p99ms"] else None
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--users", type=int, default=4)
    ap.add_argument("--rate", type=float, default=1.0, help="requests per second per user")
    a = ap.parse_args()
    print(json.dumps(run(a.minutes, a.users, a.rate), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
