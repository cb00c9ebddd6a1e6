"""The SHACL core constraints the generated shapes use, compiled once to Python, checked over the prepared triples.

Supported, with pySHACL's semantics (the reference; tests/shapes/test_compiled.py compares
the two): node and property shapes, sh:path as an IRI or a sequence of IRIs, sh:minCount,
sh:minLength, sh:class (rdf:type/rdfs:subClassOf* in the data), sh:in, sh:hasValue,
sh:minInclusive / minExclusive / maxInclusive / maxExclusive (pySHACL's own literal
comparison), sh:or of such shapes, sh:severity, sh:message, sh:deactivated, sh:sparql
(server/validation/compiled/sparql.py). A shape using any other SHACL term compiles to
None (`Unsupported`), and the submissions it applies to go to the engine that runs pySHACL.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pyshacl.rdfutil.compare import compare_literal
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from policykg.errors import PolicyKGError
from policykg.namespaces import SH
from policykg.validation.compiled.facts import Facts

SH_NS = str(SH)
ANNOTATIONS = {SH.name, SH.description, SH.message, SH.severity, SH.target, SH.order, SH.group, SH.targetNode,
               SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf}  # core targets: validator.build routes them
KNOWN = ANNOTATIONS | {SH.path, SH.minCount, SH.minLength, SH["class"], SH["in"], SH.hasValue, SH.minInclusive,
                       SH.minExclusive, SH.maxInclusive, SH.maxExclusive, SH["or"], SH.sparql, SH.deactivated,
                       SH.property}
RANGE = {SH.minInclusive: (SH.MinInclusiveConstraintComponent, lambda c: c >= 0),
         SH.minExclusive: (SH.MinExclusiveConstraintComponent, lambda c: c > 0),
         SH.maxInclusive: (SH.MaxInclusiveConstraintComponent, lambda c: c <= 0),
         SH.maxExclusive: (SH.MaxExclusiveConstraintComponent, lambda c: c < 0)}

# (focus, value nodes, facts) -> [(component, value or None)]
Check = Callable[[Node, list[Node], Facts], list[tuple[URIRef, Node | None]]]


class Unsupported(PolicyKGError):
    """A shape using a SHACL feature the compiled validator does not implement."""


@dataclass
class Shape:
    iri: Node
    severity: URIRef
    messages: list[Literal]
    path: Node | None  # the sh:path node as written (an IRI, or the head of a sequence list)
    steps: tuple[URIRef, ...] | None  # the path as predicates; None for a node shape
    checks: list[Check] = field(default_factory=list)
    sparql: list[Node] = field(default_factory=list)  # sh:SPARQLConstraint nodes
    deactivated: bool = False
    properties: list[Shape] = field(default_factory=list)  # sh:property: reported as their own results

    def values(self, f: Facts, focus: Node) -> list[Node]:
        if self.steps is None:
            return [focus]
        nodes = [focus]
        for p in self.steps:
            nodes = list(dict.fromkeys(o for n in nodes for o in f.objects(n, p)))
        return nodes

    def evaluate(self, f: Facts, focus: Node) -> list[tuple[URIRef, Node | None]]:
        """(component, value) of each core result of this shape's own constraints for `focus`."""
        if self.deactivated:
            return []
        vals = self.values(f, focus)
        return [r for c in self.checks for r in c(focus, vals, f)]

    def results(self, f: Facts, focus: Node) -> list[tuple[Shape, Node, URIRef, Node | None]]:
        """(source shape, focus node, component, value) for `focus`, with the results of the sh:property shapes
        (whose focus nodes are this shape's value nodes)."""
        if self.deactivated:
            return []
        out = [(self, focus, c, v) for c, v in self.evaluate(f, focus)]
        for p in self.properties:
            out += [r for v in self.values(f, focus) for r in p.results(f, v)]
        return out

    def conforms(self, f: Facts, focus: Node) -> bool:
        return not self.results(f, focus)


def _literal_cmp(bound: Literal, ok: Callable[[int], bool]) -> Callable[[Node], bool]:
    bound_is_string = isinstance(bound.value, str)

    def test(v: Node) -> bool:
        if not isinstance(v, Literal):
            return False
        if isinstance(v.value, str) != bound_is_string:
            return False
        try:
            return ok(compare_literal(v, bound))
        except (TypeError, NotImplementedError):
            return False
    return test


def _instance(f: Facts, v: Node, cls: Node) -> bool:
    if isinstance(v, Literal):
        return False
    for t in f.objects(v, RDF.type):
        if t == cls:
            return True
        seen, todo = {t}, [t]
        while todo:
            for sup in f.objects(todo.pop(), RDFS.subClassOf):
                if sup == cls:
                    return True
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
    return False


def _length(v: Node) -> int | None:
    if isinstance(v, BNode):
        return None
    return len(str(v.value)) if isinstance(v, Literal) and v.value is not None and \
        v.datatype in (None, RDF.langString, URIRef("http://www.w3.org/2001/XMLSchema#string")) else len(str(v))


def compile_shape(g: Graph, node: Node, cache: dict[Node, Shape]) -> Shape:
    """The compiled form of shape `node` of shapes graph `g` (raises Unsupported)."""
    if node in cache:
        return cache[node]
    for p in g.predicates(node):
        if str(p).startswith(SH_NS) and p not in KNOWN:
            raise Unsupported(f"{p} on <{node}>")
    path = g.value(node, SH.path)
    steps: tuple[URIRef, ...] | None = None
    if path is not None:
        if isinstance(path, URIRef):
            steps = (path,)
        else:
            items = list(g.items(path))
            if not items or not all(isinstance(i, URIRef) for i in items) or (path, SH.alternativePath, None) in g:
                raise Unsupported(f"a path other than an IRI or a sequence of IRIs on <{node}>")
            steps = tuple(items)  # type: ignore[arg-type]
    sev = g.value(node, SH.severity)
    shape = Shape(node, sev if isinstance(sev, URIRef) else SH.Violation,
                  [m for m in g.objects(node, SH.message) if isinstance(m, Literal)], path, steps,
                  deactivated=g.value(node, SH.deactivated) == Literal(True))
    cache[node] = shape
    for n in g.objects(node, SH.minCount):
        k = int(n)
        if k > 0:
            shape.checks.append(lambda f_, vals, _f, k=k: [(SH.MinCountConstraintComponent, None)]
                                if len(vals) < k else [])
    for n in g.objects(node, SH.minLength):
        k = int(n)
        shape.checks.append(lambda f_, vals, _f, k=k: [
            (SH.MinLengthConstraintComponent, v) for v in vals
            if k != 0 and ((ln := _length(v)) is None or ln < k)])
    for cls in g.objects(node, SH["class"]):
        shape.checks.append(lambda f_, vals, f, cls=cls: [(SH.ClassConstraintComponent, v) for v in vals
                                                          if not _instance(f, v, cls)])
    for lst in g.objects(node, SH["in"]):
        allowed = set(g.items(lst))
        shape.checks.append(lambda f_, vals, _f, a=allowed: [(SH.InConstraintComponent, v) for v in vals
                                                             if v not in a])
    for hv in g.objects(node, SH.hasValue):
        shape.checks.append(lambda f_, vals, _f, hv=hv: [] if any(v == hv for v in vals)
                            else [(SH.HasValueConstraintComponent, None)])
    for p, (component, ok) in RANGE.items():
        for bound in g.objects(node, p):
            if not isinstance(bound, Literal):
                raise Unsupported(f"{p} {bound} on <{node}>")
            test = _literal_cmp(bound, ok)
            shape.checks.append(lambda f_, vals, _f, t=test, c=component: [(c, v) for v in vals if not t(v)])
    for lst in g.objects(node, SH["or"]):
        members = [compile_shape(g, m, cache) for m in g.items(lst)]
        if any(m.sparql for m in members):
            raise Unsupported(f"a SHACL-SPARQL constraint inside sh:or of <{node}>")
        shape.checks.append(lambda f_, vals, f, ms=members: [
            (SH.OrConstraintComponent, v) for v in vals if not any(m.conforms(f, v) for m in ms)])
    shape.properties = [compile_shape(g, p, cache) for p in g.objects(node, SH.property)]
    if any(p.sparql or p.steps is None for p in shape.properties):
        raise Unsupported(f"a sh:property of <{node}> that is not a core property shape")
    shape.sparql = list(g.objects(node, SH.sparql))
    return shape
