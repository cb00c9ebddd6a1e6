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
- enterprises: about N/3 credit codes drawn by a Zipf-like law (a few enterprises hold many projects);
- application dates: uniform over 2024-01-01 … 2025-06-30;
- awards: 15 % of the submissions that request a measure are awarded their first request, at the
  amount requested, 60 days after the application.
The registry is written in-process through policykg.registry's records (the code POST /api/submissions
and POST /api/awards run, without the validation report, which the benchmarks do not read).
"""
from __future__ import annotations

import argparse
import copy
import json
import random
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import cases  # noqa: E402

WEIGHTS = {"RenovationProject": 55, "PilotEnterpriseApplication": 12, "DemoParkApplication": 8, "ComputingCenter": 8,
           "UrbanRenewalProjectEntry": 7, "CoordinatorEntity": 5, "ExpertNomination": 5}
SCALED = ("Area", "Investment", "Amount", "Revenue", "Tce", "Cost")
UNSCALED = ("Share", "Ratio", "Rate", "Growth")  # shares and rates stay the case's (0..1)
STATUSES = ("planned", "under-construction", "ready-to-start", "completed")
START, DAYS = date(2024, 1, 1), 547
AWARD_SHARE = 0.15


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


def generate(n: int, seed: int = 15) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(n JSON-form submissions, the awards: {index, measure, amount, date})."""
    rng = random.Random(seed)
    tpl = templates()
    types = [t for t in WEIGHTS if t in tpl]
    weights = [WEIGHTS[t] for t in types]
    firms = max(1, n // 3)
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
        firm = min(firms - 1, int(rng.paretovariate(1.2)) - 1)
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


def load(store: Any, subs: list[dict[str, Any]], awards: list[dict[str, Any]]) -> dict[str, Any]:
    """Write them into `store` (which holds the corpus); {ids, awards, skipped}."""
    from rdflib import Graph

    from policykg.eligibility import catalogue
    from policykg.registry.records import record_award, store_submission
    from policykg.submission import parse_submission
    from policykg.validation import get_bundle, project_key, submissions

    b = get_bundle(store)
    slugs = {m.slug: str(m.iri) for m in catalogue(store, b).values()}
    now = datetime.now(UTC).isoformat()
    ids: dict[int, str] = {}
    keys: dict[int, str] = {}
    for i, f in enumerate(subs):
        parsed = parse_submission(json.dumps(f, ensure_ascii=False).encode(), "application/json", 1 << 22, store)
        subject = submissions(b, parsed.graph)[0]
        keys[i] = project_key(parsed.graph, subject)
        ids[i], _ = store_submission(store, sha256=parsed.sha256, fmt=parsed.format, data=parsed.graph,
                                     subject=str(subject), project_key=keys[i], report=Graph(),
                                     receipt={"timestamp": now, "corpusVersion": "bench"})
    for a in awards:
        record_award(store, project_key=keys[a["index"]], measure=slugs.get(a["measure"], a["measure"]),
                     amount=Decimal(str(a["amount"])), when=date.fromisoformat(a["date"]),
                     credit_code=subs[a["index"]]["applicant"]["creditCode"], body_sha=f"bench-{a['index']}")
    return {"ids": ids, "awards": len(awards)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--submissions", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--out", help="write the submissions (JSON lines) and awards here")
    a = ap.parse_args()
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
