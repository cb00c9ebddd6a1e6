"""Per-enterprise yearly-cap cost of a registry-consulting validation (issue 13 item 5), in-process.

Opens a copy (cp -a) of a seeded data dir and times
registry.check of one submission of the largest enterprise and of a median one; `--profile` prints cProfile.
  .venv/bin/python bench/yearcap.py /tmp/copy-of-registry-10k 10000 [--profile]
"""
from __future__ import annotations

import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.generate import generate  # noqa: E402
from policykg.namespaces import PKG  # noqa: E402
from policykg.registry import check, yearly  # noqa: E402
from policykg.registry.checks import requested  # noqa: E402
from policykg.store import OxiStore  # noqa: E402
from policykg.submission.parse import parse_submission  # noqa: E402
from policykg.validation import get_bundle, submissions  # noqa: E402


def capped(store: Any, form: dict[str, Any]) -> Any:
    """The parsed form if it requests a measure with a per-enterprise yearly cap, else None."""
    parsed = parse_submission(json.dumps(form, ensure_ascii=False).encode(), "application/json", 1 << 20, store)
    b = get_bundle(store)
    for s in submissions(b, parsed.graph):
        for _r, m, _a in requested(parsed.graph, s):
            y = yearly(b, m)
            if y is not None and y.per_enterprise:
                return parsed
    return None


def cases(store: Any, n: int) -> dict[str, Any]:
    """A capped submission of the largest enterprise and of a median one (among those with a capped request)."""
    subs, _ = generate(n, 15)
    firms: dict[str, list[dict[str, Any]]] = {}
    for s in subs:
        firms.setdefault(s["applicant"]["creditCode"], []).append(s)
    out: dict[str, Any] = {}
    by_size = sorted(firms.values(), key=len)
    for name, order in (("largest", by_size[::-1]), ("median", by_size[len(by_size) // 2:])):
        out[name] = next(p for forms in order for f in forms[:50] if (p := capped(store, f)) is not None)
    return out


def run(data_dir: Path, n: int, repeat: int = 15, profile: bool = False) -> dict[str, Any]:
    store = OxiStore(data_dir / "store")  # a COPY of a seeded dir (cp -a): the store is opened read-write
    out: dict[str, Any] = {"submissions": n}
    for name, parsed in cases(store, n).items():
        check(store, parsed.graph)  # the bundle, once
        ms = []
        for _ in range(repeat):
            t = time.perf_counter()
            check(store, parsed.graph)
            ms.append((time.perf_counter() - t) * 1000)
        out[name] = {"p50_ms": round(statistics.median(ms), 1), "creditCode": str(next(parsed.graph.objects(None, PKG.creditCode)))}
        if profile:
            pr = cProfile.Profile()
            pr.enable()
            check(store, parsed.graph)
            pr.disable()
            pstats.Stats(pr).sort_stats("cumulative").print_stats(18)
    out["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    return out


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), int(sys.argv[2]), profile="--profile" in sys.argv)))
