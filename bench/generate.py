"""A seeded registry of N submissions across all submission types, with awards: the data of bench/matching.py.

    .venv/bin/python bench/generate.py --submissions 1000 --seed 15 --out /tmp/registry.jsonl

Every submission is built from a one-project case of tests/cases/ of its type (so that its fields
are the JSON form's and its combinations plausible), then varied, reproducibly from the seed:
- type: RenovationProject 55 %, PilotEnterpriseApplication 12 %, DemoParkApplication 8 %,
  ComputingCenter 8 %, UrbanRenewalProjectEntry 7 %, CoordinatorEntity 5 %, ExpertNomination 5 %
  (renovation projects are most of what the documents fund; the others are calls for a few entities);
- amounts and areas (fields named …Area, …Investment, …Amount, …Revenue, …Tce, …Cost): the case's
  value × a log-normal factor (σ = 0.6), so that they straddle the thresholds and caps of the texts
  (e.g. 12号's 3000 m² and 5000 万元) with a heavy tail, as investments are (shares, rates and growth
  figures stay the case's);
- status: the case's in 70 %, else another of the JSON form's values;
- enterprises: about N/3 credit codes; the enterprise of rank k (from 0) is drawn with weight 1/(k + 11), a
  Zipf–Mandelbrot law: a few enterprises hold many projects (a large group files dozens, most enterprises one
  or two), and the largest holds ~1 % of all projects at N = 100,000 (1.6 % at 10,000). An earlier law
  (Pareto, α = 1.2) gave one enterprise 56 % of all projects, which no registry of applications looks like;
- application dates: uniform over 2024-01-01 … 2025-06-30;
- awards: 15 % of the submissions that request a measure are awarded their first request, at the
  amount requested, 60 days after the application.
The registry is written in-process through policykg.registry's records (the code POST /api/submissions
and POST /api/awards run, without the validation report, which the benchmarks do not read), or, with
--data-dir, the same quads in bulk into a server data directory (policykg.registry.bulk; ~N/300 s):

    .venv/bin/python bench/generate.py --submissions 100000 --seed 15 --data-dir /work/bench-data/registry-100k
"""
from __future__ import annotations

import argparse
import copy
import functools
import itertools
import json
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import cases  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

WEIGHTS = {"RenovationProject": 55, "PilotEnterpriseApplication": 12, "DemoParkApplication": 8, "ComputingCenter": 8,
           "UrbanRenewalProjectEntry": 7, "CoordinatorEntity": 5, "ExpertNomination": 5}
SCALED = ("Area", "Investment", "Amount", "Revenue", "Tce", "Cost")
UNSCALED = ("Share", "Ratio", "Rate", "Growth")  # shares and rates stay the case's (0..1)
STATUSES = ("planned", "under-construction", "ready-to-start", "completed")
START, DAYS = date(2024, 1, 1), 547
AWARD_SHARE = 0.15
FIRM_OFFSET = 11  # Zipf–Mandelbrot offset of the enterprise law (module docstring)


def templates() -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for c in cases():
        s = c.submission
        if s is not None and "id" in s and s.get("type") in WEIGHTS:
            out.setdefault(s["type"], []).append(s)
    return out


def _vary(v: Any, rng: random.Random) -> Any:
    x = v * rng.lognormvariate(0, 0.6)
    return max(1, round(x)) if isinstance(v, int) else round(x, 2)


def generate(n: int, seed: int = 15, firms: int | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(n JSON-form submissions, the awards: {index, measure, amount, date}). `firms`: the number of enterprises
    the law draws from (N/3 by default; new submissions to a registry of N give N/3, as the registry's own)."""
    rng = random.Random(seed)
    tpl = templates()
    types = [t for t in WEIGHTS if t in tpl]
    weights = [WEIGHTS[t] for t in types]
    firms = firms or max(1, n // 3)
    firm_weights = list(itertools.accumulate(1 / (k + FIRM_OFFSET) for k in range(firms)))
    subs, awards = [], []
    for i in range(n):
        t = rng.choices(types, weights)[0]
        f = copy.deepcopy(rng.choice(tpl[t]))
        f["id"], f["projectCode"] = f"gen-{i}", f"GEN-{i}"
        for k, v in list(f.items()):
            if isinstance(v, (int, float)) and not isinstance(v, bool) and any(s in k for s in SCALED) \
                    and not any(s in k for s in UNSCALED):
                f[k] = _vary(v, rng)
        if "status" in f and rng.random() > 0.7:
            f["status"] = rng.choice(STATUSES)
        firm = rng.choices(range(firms), cum_weights=firm_weights)[0]
        f["applicant"] = {"name": f"生成企业{firm}有限公司", "creditCode": f"91110000GEN{firm:07d}"}
        day = START + timedelta(days=rng.randrange(DAYS))
        f["applicationDate"] = day.isoformat()
        for r in f.get("requests", []):
            if isinstance(r.get("amount"), (int, float)):
                r["amount"] = _vary(r["amount"], rng)
        subs.append(f)
        reqs = [r for r in f.get("requests", []) if isinstance(r.get("amount"), (int, float)) and r["amount"] > 0]
        if reqs and rng.random() < AWARD_SHARE:
            awards.append({"index": i, "measure": reqs[0]["measure"], "amount": reqs[0]["amount"],
                           "date": (day + timedelta(days=60)).isoformat()})
    return subs, awards


def load(store: Any, subs: list[dict[str, Any]], awards: list[dict[str, Any]], *, bulk: bool = False,
         at: str | None = None, progress: Callable[[int], None] | None = None,
         sink: Callable[[list[Any]], None] | None = None, start: int = 0) -> dict[str, Any]:
    """Write them into `store` (which holds the corpus); {ids, awards, quads}.

    Normal path: store_submission / record_award, one transaction and flush each (what the API runs).
    bulk: the same quads (policykg.registry.bulk) through pyoxigraph's bulk loader, for an OxiStore no server
    has open. `at`: the timestamp of every record (now by default); `start`: the registry sequence before the
    first record (a chunk of load_parallel's)."""
    from rdflib import Graph

    from policykg.eligibility import catalogue
    from policykg.registry.bulk import BulkWriter, oxigraph_sink
    from policykg.registry.records import record_award, store_submission
    from policykg.submission import parse_submission
    from policykg.validation import get_bundle, project_key, submissions

    b = get_bundle(store)
    slugs = {m.slug: str(m.iri) for m in catalogue(store, b).values()}
    now = at or datetime.now(UTC).isoformat()
    writer = BulkWriter(sink or oxigraph_sink(store), now, sequence=start) if bulk else None
    put_sub = writer.submission if writer else functools.partial(store_submission, store)
    ids: dict[int, str] = {}
    keys: dict[int, str] = {}
    for i, f in enumerate(subs):
        parsed = parse_submission(json.dumps(f, ensure_ascii=False).encode(), "application/json", 1 << 22, store)
        subject = submissions(b, parsed.graph)[0]
        keys[i] = project_key(parsed.graph, subject)
        ids[i], _ = put_sub(sha256=parsed.sha256, fmt=parsed.format, data=parsed.graph, subject=str(subject),
                            project_key=keys[i], report=Graph(), receipt={"timestamp": now, "corpusVersion": "bench"})
        if progress and i % 10_000 == 0:
            progress(i)
    for a in awards:
        kw = dict(project_key=keys[a["index"]], measure=slugs.get(a["measure"], a["measure"]),
                  amount=Decimal(str(a["amount"])), when=date.fromisoformat(a["date"]),
                  credit_code=subs[a["index"]]["applicant"]["creditCode"])
        if writer:
            writer.award(**kw)
        else:
            record_award(store, body_sha=f"bench-{a['index']}", **kw)
    quads = writer.finish() if writer else None
    if writer and store.path:
        store.ox.flush()
    return {"ids": ids, "keys": keys, "awards": len(awards), "quads": quads}


_WORKER: dict[str, Any] = {}


def _chunk(job: tuple[list[dict[str, Any]], str, int]) -> tuple[bytes, list[str], list[str]]:
    """In a worker process: (N-Quads of the chunk's submission records, their ids, their project keys)."""
    import pyoxigraph as ox

    from policykg.store.factory import corpus_store

    subs, at, start = job
    if "store" not in _WORKER:
        _WORKER["store"] = corpus_store(ROOT)
    quads: list[Any] = []

    def sink(batch: list[Any]) -> None:
        quads.extend(batch)

    store = _WORKER["store"]
    out = load(store, subs, [], bulk=True, at=at, sink=sink, start=start)
    ids = [out["ids"][i] for i in range(len(subs))]
    keys = [out["keys"][i] for i in range(len(subs))]
    return ox.serialize([q for q in quads if not q.graph_name.value.endswith("/sequence")],
                        format=ox.RdfFormat.N_QUADS), ids, keys


def load_parallel(store: Any, subs: list[dict[str, Any]], awards: list[dict[str, Any]], jobs: int, at: str,
                  chunk: int = 2000) -> dict[str, Any]:
    """load(bulk=True) with the submissions parsed in `jobs` processes (N-Quads chunks, bulk-loaded here)."""
    import multiprocessing as mp

    import pyoxigraph as ox

    from policykg.registry.bulk import BulkWriter, oxigraph_sink
    from policykg.registry.quads import RECORD

    keys: list[str] = []
    ids: list[str] = []
    quads = 0
    with mp.get_context("fork").Pool(jobs) as pool:
        parts = [(subs[i:i + chunk], at, i) for i in range(0, len(subs), chunk)]  # the generated ids are unique
        for nq, cids, ckeys in pool.imap(_chunk, parts):
            store.ox.bulk_load(nq, format=ox.RdfFormat.N_QUADS)
            quads += nq.count(b"\n")
            ids += cids
            keys += ckeys
            print(f"  {len(ids)} submissions", file=sys.stderr, flush=True)
    writer = BulkWriter(oxigraph_sink(store), at, sequence=len(set(ids)), last=RECORD + ids[-1] if ids else None)
    for a in awards:
        writer.award(project_key=keys[a["index"]], measure=_slugs(store).get(a["measure"], a["measure"]),
                     amount=Decimal(str(a["amount"])), when=date.fromisoformat(a["date"]),
                     credit_code=subs[a["index"]]["applicant"]["creditCode"])
    quads += writer.finish()
    store.ox.flush()
    return {"ids": dict(enumerate(ids)), "awards": len(awards), "quads": quads}


def _slugs(store: Any) -> dict[str, str]:
    if "slugs" not in _WORKER:
        from policykg.eligibility import catalogue
        from policykg.validation import get_bundle

        _WORKER["slugs"] = {m.slug: str(m.iri) for m in catalogue(store, get_bundle(store)).values()}
    return _WORKER["slugs"]


def build(data_dir: Path, n: int, seed: int, *, bulk: bool = True, jobs: int = 1) -> dict[str, Any]:
    """A data directory (data_dir/store, as `policykg serve --data-dir`) holding the corpus and the seeded registry."""
    from policykg.store import OxiStore

    if (data_dir / "store").exists():
        raise SystemExit(f"{data_dir / 'store'} exists: remove it first")
    t0 = time.perf_counter()
    subs, awards = generate(n, seed)
    t1 = time.perf_counter()
    store = OxiStore(data_dir / "store")
    store.ensure_corpus(ROOT)
    if bulk and jobs > 1:
        out = load_parallel(store, subs, awards, jobs, datetime.now(UTC).isoformat())
    else:
        out = load(store, subs, awards, bulk=bulk, progress=lambda i: print(f"  {i} submissions", file=sys.stderr,
                                                                             flush=True))
    t2 = time.perf_counter()
    if bulk:
        store.ox.optimize()  # compact the bulk-loaded SST files: a served store starts and reads faster
    store.close()
    t3 = time.perf_counter()
    size = sum(p.stat().st_size for p in (data_dir / "store").rglob("*") if p.is_file())
    return {"dataDir": str(data_dir), "submissions": n, "seed": seed, "awards": out["awards"], "quads": out["quads"],
            "bulk": bulk, "generate_s": round(t1 - t0, 1), "load_s": round(t2 - t1, 1),
            "optimize_s": round(t3 - t2, 1), "bytes": size}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--submissions", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--out", help="write the submissions (JSON lines) and awards here")
    ap.add_argument("--data-dir", type=Path, help="build a server data directory holding them (DATA_DIR/store)")
    ap.add_argument("--jobs", type=int, default=1, help="with --data-dir: parse in this many processes")
    ap.add_argument("--per-record", action="store_true", help="with --data-dir: the normal path, one write each")
    a = ap.parse_args()
    if a.data_dir:
        print(json.dumps(build(a.data_dir, a.submissions, a.seed, bulk=not a.per_record, jobs=a.jobs)))
        return 0
    subs, awards = generate(a.submissions, a.seed)
    counts: dict[str, int] = {}
    for s in subs:
        counts[s["type"]] = counts.get(s["type"], 0) + 1
    print(json.dumps({"submissions": len(subs), "awards": len(awards), "types": counts}, ensure_ascii=False))
    if a.out:
        with open(a.out, "w", encoding="utf-8") as fh:
            for s in subs:
                fh.write(json.dumps(s, ensure_ascii=False) + "\n")
            fh.write(json.dumps({"awards": awards}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
