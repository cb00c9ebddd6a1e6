"""Per-submission validation time of each engine, on the submissions of tests/cases/ (run by hand).

    .venv/bin/python bench/validate.py [--sample N] [--reference N] [--differential]

Engines (policykg.validation.engine.validate): pySHACL natively on the pre-parsed shapes (SHACL-AF on for
the sh:SPARQLTarget selects, engine="pyshacl-native"); pySHACL on the shapes that apply with their
targets computed on pyoxigraph (engine="pyshacl", the reference of the tests); the fast path
(targets and SHACL-SPARQL on pyoxigraph, core shapes with pySHACL, engine="fast", what the API uses).
Baselines: pySHACL with the shapes parsed from the files on every call (the naive use, SHACL-AF on),
and pySHACL with pre-parsed shapes but the whole corpus merged into each data graph (the design's
anti-pattern, docs/architecture.md (engines)), and pyshacl-turbo (Rust) on the applicable shapes when it
is installed. engine="compiled" (server/validation/compiled/) is compared with the reference, fast and turbo
on the same cases. The slow paths run on a common sample of `--sample` cases spread
over the cases' cost (sorted by the fast engine's time); each ratio is the median over that sample
of the per-case ratio (the same submission through both paths). --differential compares the results of the native
and the fast engine on every case.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyshacl  # noqa: E402
import rdflib  # noqa: E402

from bench.common import ROOT, Row, case_graph, cases, cpu_note, spread, stats, time_each  # noqa: E402

BENCH = "validation"
NAIVE = "pySHACL, shapes parsed every call"
MERGED = "pySHACL, pre-parsed shapes, corpus merged into data"
ENGINES = {
    "pyshacl-native": "engine=pyshacl-native (pre-parsed, SHACL-AF)",
    "pyshacl": "engine=pyshacl (reference: applicable shapes)",
    "fast": "engine=fast (pyoxigraph targets + SPARQL)",
    "compiled": "engine=compiled (target index, compiled shapes)",
}
TURBO = "pyshacl-turbo (Rust), applicable shapes"
KEYS = {NAIVE: "naive", MERGED: "merged", ENGINES["pyshacl"]: "reference", ENGINES["fast"]: "fast", TURBO: "turbo"}
NOT_POLICY = ("/graph/shapes", "/graph/queries", "/graph/meta")


def naive(store, data, as_of, registry) -> None:
    """The shapes parsed from the files on every call, SHACL-AF on, the submission's context slice."""
    from policykg.validation.bundle import get_bundle
    from policykg.validation.engine import prepare

    dg, _ = prepare(get_bundle(store), data, as_of, registry)
    shapes = rdflib.Graph()
    for f in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(f, format="turtle")
    pyshacl.validate(dg, shacl_graph=shapes, advanced=True, inference="none", allow_warnings=True,
                     allow_infos=True, do_owl_imports=False, meta_shacl=False)


def policy_graph(store) -> rdflib.Graph:
    """The whole corpus but the shapes and the query metadata: ontology, every document, the other policies."""
    from policykg.submission.parse import to_rdflib

    g = rdflib.Graph()
    for name in store.named_graphs():
        if not name.endswith(NOT_POLICY):
            for q in store.graph_quads(name):
                g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return g


def merged(corpus: rdflib.Graph):
    """Pre-parsed shapes, but each data graph is the submission plus the whole corpus (the anti-pattern)."""
    from policykg.validation.bundle import get_bundle
    from policykg.validation.engine import prepare

    def run(store, data, as_of, registry) -> None:
        b = get_bundle(store)
        dg, _ = prepare(b, data, as_of, registry)
        for t in corpus:
            dg.add(t)
        pyshacl.validate(dg, shacl_graph=b.shapes, advanced=True, inference="none", allow_warnings=True,
                         allow_infos=True, do_owl_imports=False, meta_shacl=False)
    return run


def turbo():
    """pyshacl-turbo (optional: `pip install pyshacl-turbo`) on the shapes that apply, as the reference engine gets
    them; None when it is not installed."""
    try:
        import pyshacl_turbo
    except ImportError:
        return None
    from policykg.validation.bundle import get_bundle
    from policykg.validation.engine import prepare
    from policykg.validation.targets import applicable_shapes

    def run(store, data, as_of, registry) -> None:
        b = get_bundle(store)
        dg, _ = prepare(b, data, as_of, registry)
        pyshacl_turbo.validate(dg, shacl_graph=applicable_shapes(b, dg), advanced=False, inference="none",
                               allow_infos=True, allow_warnings=True, do_owl_imports=False)
    return run


def engine(name: str):
    from policykg.validation.engine import validate

    return lambda s, d, a, r: validate(s, d, as_of=a, registry_context=r, engine=name)


def items_of(store) -> tuple[list, list]:
    """(cases, [(store, graph, as_of, registry)]) for every case of tests/cases/."""
    from shapes.caseload import registry_graph

    from policykg.corpus.index import build_index

    index = build_index(store)
    cs = cases()
    return cs, [(store, case_graph(c, store), c.as_of, registry_graph(c.registry, index)) for c in cs]


def measure(sample: int = 5, reference: int = 40, fast: int | None = None) -> list[Row]:
    """Rows for the naive and merged baselines and each engine; ratios on the common sample."""
    from policykg.store import corpus_store

    store = corpus_store(ROOT)
    _cs, items = items_of(store)
    for e in ENGINES:  # build the bundle and the fast path's split once (per corpus version, cached)
        engine(e)(*items[0])
    corpus = policy_graph(store)
    idx = list(range(len(items)))
    fast_set = spread(idx, fast if fast is not None else len(idx))
    times: dict[str, dict[int, float]] = {}
    cpu: dict[str, list[float]] = {}
    for e in ("fast", "compiled"):
        cpu[ENGINES[e]] = []
        times[ENGINES[e]] = dict(zip(fast_set, time_each(engine(e), [items[i] for i in fast_set], cpu[ENGINES[e]]),
                                     strict=True))
    # the common sample spans the cases' cost: spread over them sorted by the fast engine's time
    common = sorted(spread(sorted(fast_set, key=times[ENGINES["fast"]].__getitem__), sample))
    ref_set = sorted(set(spread(idx, reference)) | set(common))
    runs = {
        NAIVE: (naive, common),
        MERGED: (merged(corpus), common),
        ENGINES["pyshacl-native"]: (engine("pyshacl-native"), common),
        ENGINES["pyshacl"]: (engine("pyshacl"), ref_set),
    }
    if turbo() is not None:
        runs[TURBO] = (turbo(), fast_set)
    for name, (fn, which) in runs.items():
        cpu[name] = []
        times[name] = dict(zip(which, time_each(fn, [items[i] for i in which], cpu[name]), strict=True))

    def paired(base: str, name: str, on: list[int] | None = None) -> tuple[str, float]:
        """The median over the common cases of (baseline's time / this path's time) on the same case."""
        both = [i for i in (on or common) if i in times[base] and i in times[name]]
        return KEYS[base], statistics.median(times[base][i] / times[name][i] for i in both)

    rows = []
    for name in (NAIVE, MERGED, ENGINES["pyshacl-native"], ENGINES["pyshacl"], TURBO, ENGINES["fast"],
                 ENGINES["compiled"]):
        if name not in times:
            continue
        t = times[name]
        med, p95 = stats(list(t.values()))
        vs = [] if name == NAIVE else [paired(NAIVE, name)] if name == MERGED else \
            [paired(NAIVE, name), paired(MERGED, name)]
        if name in (ENGINES["fast"], ENGINES["compiled"], TURBO):
            vs.append(paired(ENGINES["pyshacl"], name, ref_set))
        if name == ENGINES["compiled"]:
            vs.append(paired(ENGINES["fast"], name, fast_set))
            if TURBO in times:
                vs.append(paired(TURBO, name, fast_set))
        on_common = statistics.median(t[i] for i in common)
        rows.append(Row(BENCH, name, len(t), med, p95, vs=vs, key=KEYS.get(name, ""),
                        note=f"median on the {len(common)} common cases {on_common:.1f} ms; {cpu_note(cpu[name])}"))
    return rows


def differential(generated: int = 0) -> int:
    """Native pySHACL against the fast and the compiled engines on every case; with `generated`, the compiled engine
    against the reference (engine=pyshacl) on that many seeded generated submissions (tests/shapes/generated.py)."""
    from shapes.generated import generate
    from shapes.test_cases import full_key

    from policykg.store import corpus_store
    from policykg.validation.engine import validate

    store = corpus_store(ROOT)
    cs, items = items_of(store)
    bad = 0
    for c, (s, d, a, r) in zip(cs, items, strict=True):
        n = validate(s, d, as_of=a, registry_context=r, engine="pyshacl-native")
        for e in ("fast", "compiled"):
            f = validate(s, d, as_of=a, registry_context=r, engine=e)
            if sorted(map(full_key, n.results)) != sorted(map(full_key, f.results)) or n.conforms != f.conforms:
                bad += 1
                print(f"  DIFFERENT ({e}): {c.id}")
    print(f"differential: {len(items) * 2 - bad}/{len(items) * 2} (case, engine) pairs identical to native pySHACL")
    if generated:
        gbad = fell = 0
        for label, g, a, r in generate(store, generated):
            ref = validate(store, g, as_of=a, registry_context=r, engine="pyshacl")
            got = validate(store, g, as_of=a, registry_context=r, engine="compiled")
            fell += got.engine != "compiled"
            if sorted(map(full_key, ref.results)) != sorted(map(full_key, got.results)) or ref.conforms != got.conforms:
                gbad += 1
                print(f"  DIFFERENT: {label}")
        print(f"generated: {generated - gbad}/{generated} identical to engine=pyshacl ({fell} routed to engine=fast)")
        bad += gbad
    return 1 if bad else 0


def main() -> int:
    from bench.run import print_rows

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=int, default=5, help="cases for the slow paths and the ratios (default 5)")
    ap.add_argument("--reference", type=int, default=40, help="cases for engine=pyshacl (default 40)")
    ap.add_argument("--differential", action="store_true",
                    help="compare native pySHACL with fast and compiled on every case")
    ap.add_argument("--generated", type=int, default=1000,
                    help="with --differential: generated submissions compared with the reference (default 1000)")
    args = ap.parse_args()
    if args.differential:
        return differential(args.generated)
    print_rows(measure(args.sample, args.reference))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
