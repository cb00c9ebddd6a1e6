"""The compiled validator of a corpus version: target index, compiled shapes, prepared SPARQL constraints.

Built once per bundle (cached in `Bundle.cache`), then each submission is a look-up of its
focus nodes and a run of the shapes found. `None` from `compiled()` (core targets in the
shapes) or from `Validator.run()` (a shape or target that did not compile applies) sends the
submission to the engine that runs pySHACL.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from rdflib import RDF, Literal, URIRef
from rdflib.term import Node

from policykg.namespaces import SH
from policykg.submission import to_rdflib
from policykg.validation.bundle import Bundle
from policykg.validation.compiled.core import Shape, Unsupported, compile_shape
from policykg.validation.compiled.facts import Facts
from policykg.validation.compiled.sparql import Constraint, SparqlResult, compile_constraint, run, run_batch
from policykg.validation.compiled.targets import TargetIndex, parse
from policykg.validation.sparql import UnsupportedSparql

CORE_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


@dataclass
class Raw:
    """One top-level result, as pySHACL would write it in the report."""

    shape: Node
    focus: Node
    path: Node | None
    value: Node | None
    component: URIRef
    severity: URIRef
    constraint: Node | None
    messages: list[Literal]


@dataclass
class Validator:
    index: TargetIndex
    shapes: dict[Node, Shape]
    constraints: dict[Node, Constraint]
    unsupported: set[Node]  # shapes that did not compile
    selects: dict[Node, str]  # shapes whose target select did not compile: run on pyoxigraph
    clauses: dict[Node, object] = field(default_factory=dict)  # shape -> clause_ref, filled on use

    def focus_nodes(self, f: Facts, copies: dict[Node, int] | None = None) -> dict[Node, list[Node]]:
        out: dict[Node, list[Node]] = dict(self.index.focus_nodes(f, copies))  # type: ignore[arg-type]
        for shape, q in self.selects.items():
            for row in f.store().query(q):
                out.setdefault(shape, []).append(to_rdflib(row["this"]))
        return out

    def run(self, f: Facts, copies: dict[Node, int] | None = None,
            focus: dict[Node, list[Node]] | None = None) -> list[Raw] | None:
        """The results for the triples of `f` (`focus`: their focus_nodes, if known). With `copies` (node -> copy
        number, eligibility's hypothetical copies of one submission, copy 0 without requests), a shape that applies
        to copy 0 is run on copy 0 only: on the other copies it reads the same figures and gives the same findings."""
        focus = self.focus_nodes(f, copies) if focus is None else focus
        if any(s in self.unsupported for s in focus):
            return None
        if copies:
            base = {s for s, nodes in focus.items() if any(copies.get(n) == 0 for n in nodes)}
            focus = {s: [n for n in nodes if copies.get(n, 0) == 0] if s in base else nodes
                     for s, nodes in focus.items()}
            f.left_out = self._unread(focus, copies)
        out: list[Raw] = []
        batches: dict[str, dict[str, list[tuple[Shape, Constraint, set[Node]]]]] = {}
        for iri, nodes in focus.items():
            shape = self.shapes[iri]
            if shape.deactivated:
                continue
            unique = list(dict.fromkeys(nodes))
            for n in unique:
                for src, focus_node, component, value in shape.results(f, n):
                    out.append(Raw(src.iri, focus_node, src.path if src.steps is not None else None, value, component,
                                   src.severity, None, src.messages))
            for c in shape.sparql:
                con = self.constraints[c]
                if con.batch is not None and not con.deactivated and con.compiled is None:
                    batches.setdefault(con.batch[0], {}).setdefault(con.batch[1], []).append(
                        (shape, con, set(unique)))
                    continue
                for n in unique:
                    out += [self._raw(shape, r) for r in run(f, shape, con, n)]
        for generic, members in batches.items():
            for r in run_batch(f, generic, members):
                out.append(self._raw(self.shapes[_shape_of(members, r.constraint)], r))
        return out

    def _unread(self, focus: dict[Node, list[Node]], copies: dict[Node, int]) -> set[Node]:
        """The nodes of the copies that no constraint run on pyoxigraph has as focus node: left out of the store.
        Those constraints read their focus node's own triples (anchored on $this), the policy context and the
        registry's awards, never another copy's (the copies share no node but the submission's named ones)."""
        read = set()
        for iri, nodes in focus.items():
            shape = self.shapes[iri]
            if shape.deactivated:
                continue
            if any(not (con := self.constraints[c]).deactivated and con.compiled is None for c in shape.sparql):
                read.update(copies.get(n) for n in nodes)
        return {n for n, i in copies.items() if i not in read}

    def _raw(self, shape: Shape, r: SparqlResult) -> Raw:
        return Raw(shape.iri, r.focus, r.path, r.value, SH.SPARQLConstraintComponent, shape.severity, r.constraint,
                   r.messages)


def _shape_of(members: dict[str, list[tuple[Shape, Constraint, set[Node]]]], constraint: Node) -> Node:
    return next(s.iri for entries in members.values() for s, c, _n in entries if c.node == constraint)


_LOCK = threading.Lock()


def compiled(b: Bundle) -> Validator | None:
    """The bundle's compiled validator (built on first use); None when its shapes use core targets."""
    with _LOCK:
        if "compiled" not in b.cache:
            b.cache["compiled"] = build(b)
        return b.cache["compiled"]


def build(b: Bundle) -> Validator | None:
    g = b.shapes
    if any((None, p, None) in g for p in CORE_TARGETS):
        return None
    cache: dict[Node, Shape] = {}
    targets, selects, unsupported = {}, {}, set()
    constraints: dict[Node, Constraint] = {}
    for s, t in g.subject_objects(SH.target):
        if (t, RDF.type, SH.SPARQLTarget) not in g:
            return None
        q = str(g.value(t, SH.select))
        parsed = parse(q)
        if parsed is None:
            selects[s] = q
        else:
            targets[s] = parsed
        try:
            shape = compile_shape(g, s, cache)
            for c in shape.sparql:
                constraints[c] = compile_constraint(g, shape, c)
        except (Unsupported, UnsupportedSparql):
            unsupported.add(s)
    return Validator(TargetIndex(targets), cache, constraints, unsupported, selects)
