"""The prepared submission as plain Python: its triples indexed by subject, built as engine.prepare builds its graph.

engine.prepare copies the submission into an rdflib Graph (as-of dates, the registry's awards
as prior funding, the policy context of the measures named); here the same triples go into a
set and a subject -> predicate -> objects index, a few dozen of them, which the compiled
targets and constraints read directly. `objects()` has rdflib's signature, so the messages
module fills placeholders from it as from a graph; a pyoxigraph store of the same triples is
built only when a SHACL-SPARQL constraint has to run.
"""
from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from policykg.errors import UnprocessableInput
from policykg.namespaces import PKG
from policykg.submission import to_ox
from policykg.validation.bundle import Bundle

Triple = tuple[Node, Node, Node]


class Terms:
    """A namespace whose terms are looked up once (rdflib's Namespace builds a URIRef on every attribute access)."""

    def __init__(self, ns: Any) -> None:
        self._ns = ns

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._ns, name)
        setattr(self, name, term)
        return term


P, R, RS = Terms(PKG), Terms(RDF), Terms(RDFS)
EMPTY: tuple[Node, ...] = ()


class Facts:
    """A set of triples with a subject index (duplicates dropped, as a graph drops them)."""

    __slots__ = ("_store", "context", "context_quads", "left_out", "own", "spo", "triples")

    def __init__(self, context_quads: dict[Node, list[Any]] | None = None) -> None:
        self.triples: set[Triple] = set()
        self.spo: dict[Node, dict[Node, list[Node]]] = {}
        self._store: ox.Store | None = None
        self.own: list[Triple] = []  # the triples not from the policy context
        self.context: dict[Node, Any] = {}  # measure -> its policy context triples added here
        self.context_quads = context_quads if context_quads is not None else {}  # measure -> as pyoxigraph quads
        self.left_out: set[Node] = set()  # subjects whose triples no SPARQL constraint reads (Validator.run)

    def add(self, t: Triple, own: bool = True) -> None:
        if t in self.triples:
            return
        self.triples.add(t)
        self.spo.setdefault(t[0], {}).setdefault(t[1], []).append(t[2])
        if own:
            self.own.append(t)

    def objects(self, s: Node | None = None, p: Node | None = None) -> Any:
        if s is None:
            return [o for po in self.spo.values() for o in (po.get(p, EMPTY) if p is not None else
                                                             [x for os in po.values() for x in os])]
        return self.spo.get(s, {}).get(p, EMPTY) if p is not None else \
            [o for os in self.spo.get(s, {}).values() for o in os]

    def subjects(self, p: Node | None = None, o: Node | None = None) -> list[Node]:
        """rdflib's Graph.subjects for a predicate (registry.checks reads a Facts as a graph)."""
        return [s for s, po in self.spo.items() if p in po and (o is None or o in po[p])]

    def subject_objects(self, p: Node) -> list[tuple[Node, Node]]:
        return [(s, o) for s, po in self.spo.items() for o in po.get(p, EMPTY)]

    def value(self, s: Node, p: Node) -> Node | None:
        os = self.spo.get(s, {}).get(p)
        return os[0] if os else None

    def store(self) -> ox.Store:
        """The triples in a pyoxigraph store's default graph (for the SHACL-SPARQL constraints)."""
        if self._store is None:
            self._store = ox.Store()
            dg = ox.DefaultGraph()
            terms: dict[int, Any] = {}  # by object identity: the triples hold them (rdflib terms hash slowly), and
            # eligibility's copies share their predicate and object objects

            def term(t: Node) -> Any:
                x = terms.get(id(t))
                if x is None:
                    x = terms[id(t)] = to_ox(t)
                return x
            parts = []
            for m, ts in self.context.items():  # the policy context: converted once per corpus version
                if m not in self.context_quads:
                    self.context_quads[m] = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), dg) for s, p, o in ts]
                parts.append(self.context_quads[m])
            q = ox.Quad  # in the default graph (given no graph: half the cost of passing DefaultGraph())
            out = self.left_out
            parts.append([q(term(s), term(p), term(o)) for s, p, o in self.own if not out or s not in out])
            self._store.extend(itertools.chain.from_iterable(parts))  # one transaction
        return self._store

    def graph(self) -> Graph:
        g = Graph()
        for s, po in self.spo.items():
            for p, os in po.items():
                for o in os:
                    g.add((s, p, o))
        return g


def _as_of_date(app: Node | None) -> date | None:
    if isinstance(app, Literal):
        v = app.toPython()
        return v if isinstance(v, date) else None
    return None


def project_key(f: Facts, s: Node) -> str:
    """creditCode/projectCode of the applicant, else the subject IRI (as engine.project_key)."""
    cc = next((o for a in f.objects(s, P.applicant) for o in f.objects(a, P.creditCode)), None)
    code = f.value(s, P.projectCode)
    return f"{cc}/{code}" if cc is not None and code is not None else str(s)


def prepare(b: Bundle, data: Graph, subjects: list[URIRef], as_of: date | None, registry: Graph | None,
            reserved: tuple[str, ...]) -> tuple[Facts, dict[str, str]]:
    """The same triples as engine.prepare's graph, and the as-of date used for each submission."""
    f = Facts(b.cache.setdefault("compiled-context-quads", {}))
    for t in data:
        s = t[0]
        if isinstance(s, URIRef) and str(s).startswith(reserved):
            raise UnprocessableInput(f"a submission may not make statements about corpus resource <{s}>",
                                     {"field": "@id", "value": str(s)})
        if t[1] != P.asOf:
            f.add(t)
    return f, complete(f, b, subjects, as_of, registry, lambda s: data.value(s, P.applicationDate))


def complete(f: Facts, b: Bundle, subjects: list[URIRef], as_of: date | None, registry: Graph | None,
             application_date: Any = None) -> dict[str, str]:
    """Add what engine.prepare adds to the submission's triples: as-of dates, the registry's awards as prior
    funding, the policy context of the measures named. Returns the as-of date used for each submission."""
    dates = {}
    days: dict[date, Literal] = {}  # one literal per day (eligibility's copies share it)
    for s in subjects:
        app = application_date(s) if application_date else f.value(s, P.applicationDate)
        d = as_of or _as_of_date(app) or date.today()
        if d not in days:
            days[d] = Literal(d.isoformat(), datatype=XSD.date)
        f.add((s, P.asOf, days[d]))
        dates[str(s)] = d.isoformat()
    if registry is not None and len(registry):
        keyed: dict[str, list[Node]] = {}
        for a in registry.subjects(R.type, P.AwardRecord):
            keyed.setdefault(str(registry.value(a, P.projectKey)), []).append(a)
            for t in registry.triples((a, None, None)):
                f.add(t)
        for s in [s for s, po in f.spo.items() if P.requests in po and isinstance(s, URIRef)]:
            for a in keyed.get(project_key(f, s), []):
                f.add((s, P.priorMunicipalFunding, a))
    measures = frozenset(f.objects(None, P.measure))
    for m in measures:
        f.context[m] = b.context.get(m, ())  # type: ignore[call-overload]
    merged = _context_index(b, measures)
    for s, po in merged.items():  # context triples have corpus subjects, which a submission's never have
        mine = f.spo.get(s)
        if mine is None:
            f.spo[s] = {p: list(os) for p, os in po.items()}
        else:
            for p, os in po.items():
                mine.setdefault(p, []).extend(os)
    return dates


def _context_index(b: Bundle, measures: frozenset[Node]) -> dict[Node, dict[Node, list[Node]]]:
    """The policy context of `measures` as a subject index, each distinct triple once (cached per corpus version
    and set of measures: eligibility asks for the same candidates of a submission type again and again)."""
    cache: dict[frozenset[Node], dict[Node, dict[Node, list[Node]]]] = b.cache.setdefault("compiled-context-spo", {})
    found = cache.get(measures)
    if found is not None:
        return found
    ids: dict[Node, list[int]] = b.cache.setdefault("compiled-context-ids", {})
    canon: dict[Triple, int] = b.cache.setdefault("compiled-context-canon", {})
    added: set[int] = set()
    out: dict[Node, dict[Node, list[Node]]] = {}
    for m in sorted(measures, key=str):
        ctx = b.context.get(m, ())  # type: ignore[call-overload]
        if m not in ids:  # each distinct context triple numbered once per corpus version (rdflib hashes are slow)
            ids[m] = [canon.setdefault(t, len(canon)) for t in ctx]
        for t, k in zip(ctx, ids[m], strict=True):
            if k not in added:
                added.add(k)
                out.setdefault(t[0], {}).setdefault(t[1], []).append(t[2])
    if len(cache) > 512:  # bounded: submissions name few distinct sets of measures
        cache.clear()
    cache[measures] = out
    return out
