"""Seeded generated submissions for the differential tests of the validation engines.

Each submission starts from a case of tests/cases/ (every submission type and document is
there) and changes 1–4 things, chosen among the shapes that apply to it, so that thresholds
are crossed from both sides:
- a property a range constraint reads set at, just below or just above its bound (numbers
  ±1 and ±0.01, dates ±1 day), a value of an sh:in list or one outside it, the sh:hasValue
  value or its opposite, the property removed (sh:minCount);
- a target's guard threshold (e.g. 绿地率 > 0.20) met, at the bound, or missed;
- the amount of a request set to the maximum the clause gives, ±0.01, or far above;
- a request for another measure added (exclusive pairs, concurrent funds), or an award of
  the registry for the same project or enterprise (prior funding, per-year caps);
- the as-of date at, before or after a document's dates of force.
`generate(store, n, seed)` yields (label, graph, as_of, registry graph) – the same list for
the same seed. bench/validate.py --differential runs 1,000 of them; the tests run ~100.
"""
from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from policykg.namespaces import PKG, SH
from policykg.validation.amounts import PARAMS, max_amount
from policykg.validation.bundle import get_bundle
from policykg.validation.compiled import compiled, prepare
from policykg.validation.compiled.targets import General
from policykg.validation.engine import RESERVED, submissions

from .caseload import case_files, load, registry_graph

RANGE = (SH.minInclusive, SH.minExclusive, SH.maxInclusive, SH.maxExclusive)


def around(v: Node) -> list[Node]:
    """Values at, just below and just above a bound (the same datatype)."""
    if not isinstance(v, Literal):
        return [v]
    py = v.toPython()
    if isinstance(py, date):
        return [Literal((py + timedelta(days=d)).isoformat(), datatype=XSD.date) for d in (-1, 0, 1)]
    try:
        d = Decimal(str(v))
    except ArithmeticError:
        return [v]
    steps = (Decimal(-1), Decimal("-0.01"), Decimal(0), Decimal("0.01"), Decimal(1))
    if v.datatype == XSD.integer:
        return [Literal(str(int(d + s)), datatype=XSD.integer) for s in (-1, 0, 1)]
    return [Literal(format(d + s, "f"), datatype=XSD.decimal) for s in steps]


def shape_values(g: Graph, shape: Node) -> dict[URIRef, list[Node]]:
    """Property -> the values that cross the constraints of a property shape (and of its sh:or members)."""
    out: dict[URIRef, list[Node]] = {}
    todo = [shape] + [m for lst in g.objects(shape, SH["or"]) for m in g.items(lst)]
    for s in todo:
        p = g.value(s, SH.path)
        if not isinstance(p, URIRef):
            continue
        vals = out.setdefault(p, [])
        for k in RANGE:
            for b in g.objects(s, k):
                vals += around(b)
        for lst in g.objects(s, SH["in"]):
            items = list(g.items(lst))
            vals += items + ([URIRef(str(items[0]) + "-other")] if isinstance(items[0], URIRef) else [Literal("其他")])
        for hv in g.objects(s, SH.hasValue):
            vals += [hv, Literal(not hv.toPython())] if isinstance(hv, Literal) and hv.datatype == XSD.boolean else [hv]
    return out


class Generator:
    def __init__(self, store: Any) -> None:
        from policykg.corpus.index import build_index

        self.store, self.b = store, get_bundle(store)
        self.v = compiled(self.b)
        self.index = build_index(store)
        self.bases = []
        for p in case_files():
            c = load(p)
            if c.turtle is None:
                self.bases.append(c)
        self.measures = sorted(self.b.context, key=str)
        self.as_of_bounds = sorted({d for s in self.b.shapes.subjects(SH.path, PKG.asOf)
                                    for k in (SH.minInclusive, SH.maxInclusive)
                                    for b in self.b.shapes.objects(s, k) for d in around(b)}, key=str)
        self.guards: dict[Node, list[tuple[URIRef, list[Node]]]] = {}
        for shape, t in (self.v.index.by_type.items() if self.v else []):
            for _s, gen in t:
                if not isinstance(gen, General):  # an application-type target (Applicants): no guards
                    continue
                for br in gen.branches:
                    for kind, p, arg in br.guards:
                        vals = around(arg[1]) if kind == "cmp" else list(arg) if kind == "in" else [arg]  # type: ignore
                        self.guards.setdefault(shape, []).append((p, vals))

    def one(self, rng: random.Random) -> tuple[Graph, date | None, list[dict[str, Any]]]:
        from policykg.submission.jsonform import json_to_graph

        case = rng.choice(self.bases)
        g = json_to_graph(copy.deepcopy(case.submission), self.index)
        awards = copy.deepcopy(case.registry)
        as_of = case.as_of
        subs = submissions(self.b, g)
        if not subs or self.v is None:
            return g, as_of, awards
        s = subs[0]
        for _ in range(rng.randint(1, 4)):
            self.mutate(rng, g, s, as_of, awards)
        if rng.random() < 0.15 and self.as_of_bounds:
            as_of = rng.choice(self.as_of_bounds).toPython()
        return g, as_of, awards

    def mutate(self, rng: random.Random, g: Graph, s: URIRef, as_of: date | None, awards: list) -> None:
        f, _ = prepare(self.b, g, [s], as_of, None, RESERVED)
        focus = self.v.focus_nodes(f) if self.v else {}
        choice = rng.random()
        if choice < 0.45 and focus:
            shape = self.v.shapes[rng.choice(sorted(focus, key=str))]  # type: ignore[union-attr]
            vals = shape_values(self.b.shapes, shape.iri)
            if vals:
                p = rng.choice(sorted(vals, key=str))
                g.remove((s, p, None))
                if vals[p] and rng.random() < 0.85:
                    g.add((s, p, rng.choice(vals[p])))
                return
        if choice < 0.55:
            types = [t for t in g.objects(s, RDF.type)]
            keys = [k for t in types for k in self.guards if k == t]
            for k in keys:
                p, vals = rng.choice(self.guards[k])
                g.remove((s, p, None))
                g.add((s, p, rng.choice(vals)))
            if keys:
                return
        if choice < 0.75:
            reqs = list(g.objects(s, PKG.requests))
            if reqs:
                self.amount(rng, g, s, rng.choice(reqs))
                return
        if choice < 0.9:
            r = BNode()
            g.add((s, PKG.requests, r))
            g.add((r, RDF.type, PKG.FundingRequest))
            g.add((r, PKG.measure, rng.choice(self.measures)))
            self.amount(rng, g, s, r)
            return
        from policykg.validation.engine import project_key

        cc = next((str(o) for a in g.objects(s, PKG.applicant) for o in g.objects(a, PKG.creditCode)), None)
        day = as_of or date(2024, 6, 1)
        awards.append({"projectKey": project_key(g, s), "measure": str(rng.choice(self.measures)),
                       "amount": rng.choice([10, 500, 999, 1000, 3000]),
                       "date": (day - timedelta(days=rng.choice([0, 30, 200, 400, 800]))).isoformat(),
                       "creditCode": cc})

    def amount(self, rng: random.Random, g: Graph, s: URIRef, r: Node) -> None:
        m = g.value(r, PKG.measure)
        params = {k: o for _s, p, o in self.b.context.get(m, ()) if _s == m  # type: ignore[call-overload]
                  for k, q in PARAMS.items() if p == q}
        vals = {str(p).rsplit("#", 1)[-1]: o for p, o in g.predicate_objects(s)
                if isinstance(o, Literal) and o.datatype in (XSD.decimal, XSD.integer)}
        try:
            top, _ = max_amount(params, vals) if params else (None, "")
        except (ArithmeticError, ValueError, KeyError):
            top = None
        top = top if top is not None else Decimal(rng.choice([100, 1000, 5000]))
        amount = top + rng.choice([Decimal("-0.01"), Decimal(0), Decimal(0), Decimal("0.01"), Decimal(1000)])
        g.remove((r, PKG.amount, None))
        if rng.random() < 0.95:
            g.add((r, PKG.amount, Literal(format(max(amount, Decimal(0)), "f"), datatype=XSD.decimal)))


def generate(store: Any, n: int, seed: int = 13) -> Iterator[tuple[str, Graph, date | None, Graph | None]]:
    gen = Generator(store)
    rng = random.Random(seed)
    for i in range(n):
        g, as_of, awards = gen.one(rng)
        for a in awards:
            a["measure"] = gen.index.measure(a["measure"]) or a["measure"]
        yield f"generated-{seed}-{i}", g, as_of, registry_graph(awards, _Index(gen.index))


class _Index:
    """caseload.registry_graph resolves measures by slug; generated awards already hold IRIs."""

    def __init__(self, index: Any) -> None:
        self.index = index

    def measure(self, ref: str) -> str:
        return self.index.measure(ref) or ref
