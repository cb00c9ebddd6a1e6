"""Per-submission validation time of each engine, on the submissions of tests/cases/ (run by hand).

    .venv/bin/python bench/validate.py [--sample N] [--differential]

Engines: pySHACL with the shapes parsed from the files on every call (the naive baseline,
SHACL-AF on for the SPARQL targets); pySHACL natively on the pre-parsed shapes; pySHACL on the
shapes that apply with their targets computed on pyoxigraph (the reference of the tests);
the fast path (targets and SHACL-SPARQL on pyoxigraph, core shapes with pySHACL). Prints the
median ms per submission and the ratio to the naive baseline. --differential compares the
results of the native and the fast engine on every case.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import pyshacl  # noqa: E402
import rdflib  # noqa: E402
from shapes.caseload import case_files, load, registry_graph  # noqa: E402
from shapes.test_cases import _graph, _key  # noqa: E402

from server.validation import prepare, validate  # noqa: E402
from server.validation_bundle import get_bundle  # noqa: E402
from server.validation_index import build_index, corpus_store  # noqa: E402


def naive(store, data, as_of, registry):
    """The shapes parsed from the files on every call, SHACL-AF on."""
    b = get_bundle(store)
    dg, _ = prepare(b, data, as_of, registry)
    shapes = rdflib.Graph()
    for f in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(f, format="turtle")
    pyshacl.validate(dg, shacl_graph=shapes, advanced=True, inference="none", allow_warnings=True,
                     allow_infos=True, do_owl_imports=False, meta_shacl=False)


def timed(fn, items) -> list[float]:
    out = []
    for args in items:
        t = time.perf_counter()
        fn(*args)
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=int, default=12, help="submissions for the slow engines (default 12)")
    ap.add_argument("--differential", action="store_true", help="compare native pySHACL and fast on every case")
    args = ap.parse_args()
    store = corpus_store(ROOT)
    index = build_index(store)
    cases = [load(p) for p in case_files()]
    items = [(store, _graph(c, store), c.as_of, registry_graph(c.registry, index)) for c in cases]
    validate(store, items[0][1])  # build the bundle once (shapes parsed, split cached)
    step = max(1, len(items) // args.sample)
    sample = items[::step][: args.sample]
    rows = [
        ("pySHACL, shapes parsed every call (SHACL-AF)", timed(naive, sample)),
        ("pySHACL, shapes pre-parsed (SHACL-AF)",
         timed(lambda s, d, a, r: validate(s, d, as_of=a, registry_context=r, engine="pyshacl-native"), sample)),
        ("pySHACL on the applicable shapes (reference)",
         timed(lambda s, d, a, r: validate(s, d, as_of=a, registry_context=r, engine="pyshacl"), items)),
        ("fast: pyoxigraph targets + SPARQL, pySHACL core",
         timed(lambda s, d, a, r: validate(s, d, as_of=a, registry_context=r, engine="fast"), items)),
    ]
    base = statistics.median(rows[0][1])
    print(f"{len(items)} submissions ({len(sample)} for the SHACL-AF engines), median ms per submission:")
    for name, ms in rows:
        med = statistics.median(ms)
        print(f"  {name:<50} {med:9.1f} ms   ×{base / med:6.1f} faster than the naive baseline (n={len(ms)})")
    if args.differential:
        bad = 0
        for c, (s, d, a, r) in zip(cases, items, strict=True):
            n = validate(s, d, as_of=a, registry_context=r, engine="pyshacl-native")
            f = validate(s, d, as_of=a, registry_context=r, engine="fast")
            if sorted(map(_key, n.results)) != sorted(map(_key, f.results)):
                bad += 1
                print(f"  DIFFERENT: {c.id}")
        print(f"differential: {len(items) - bad}/{len(items)} cases identical")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
