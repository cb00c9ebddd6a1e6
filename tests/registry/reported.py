"""A seeded registry for the batch tests (tests/registry/test_prefetch.py, tests/reforms/test_batch.py): bench.generate's
160 submissions of every type with their awards, plus 30 second applications of the first renovation projects stored
the way POST /api/submissions stores them (validated with the registry, their report kept), so that projects hold
awards, pending conforming requests and reports."""
from __future__ import annotations

import copy
import functools
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.generate import generate, load  # noqa: E402

SEED = 15
N = 160
AGAIN = 30


@functools.lru_cache(maxsize=1)
def reported() -> tuple[Any, dict[str, Any]]:
    """(the store, what was written: ids, keys, the re-applications' ids)."""
    from policykg.registry import check
    from policykg.registry.records import store_submission
    from policykg.store import OxiStore
    from policykg.submission import parse_submission
    from policykg.validation import get_bundle, project_key, submissions

    store = OxiStore(None)
    store.ensure_corpus(ROOT)
    subs, awards = generate(N, SEED)
    out = load(store, subs, awards)
    b = get_bundle(store)
    again = []
    renovations = [f for f in subs if f["type"] == "RenovationProject"][:AGAIN]
    for i, f in enumerate(renovations):
        g = copy.deepcopy(f)
        g["applicationDate"] = date(2024, 10, 1 + i % 28).isoformat()  # the same project, applying again
        parsed = parse_submission(json.dumps(g, ensure_ascii=False).encode(), "application/json", 1 << 22, store)
        s = submissions(b, parsed.graph)[0]
        checked = check(store, parsed.graph)
        sid, _ = store_submission(store, sha256=parsed.sha256, fmt=parsed.format, data=parsed.graph, subject=str(s),
                                  project_key=project_key(parsed.graph, s), report=checked.report_graph,
                                  receipt={"timestamp": f"2024-10-{1 + i % 28:02d}T00:00:00Z", "corpusVersion": "t"})
        again.append(sid)
    return store, {**out, "again": again}
