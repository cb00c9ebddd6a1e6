"""The generated SHACL-AF SPARQL targets compiled to Python predicates, indexed by measure and by type.

server/shapes/build.py writes two forms of target select (read with the regular expressions
below, on the text with its PREFIX lines removed):
- requesters: `VALUES ?m {…} ?this pkg:requests/pkg:measure ?m .` (for post-delivery targets
  `(pkg:requests|pkg:priorMunicipalFunding)/pkg:measure`), optionally a project type
  (`VALUES ?t {…} ?this pkg:projectType ?t .`) and a status (`?this pkg:status <…> .`);
- general: a UNION of branches `VALUES ?st {…} ?this a ?st .`, a project type, the document's
  dates on pkg:asOf, and applicability guards (a value IN a list, a required value, a
  numeric threshold), then optionally `FILTER NOT EXISTS { <requesters> }` and a gate
  `FILTER EXISTS { ?this <p>|<q>/<r> ?given }`.
- applicants (the documents whose submission class is the application for a measure, pkg:applicationFor):
  `VALUES ?m {…} { ?this pkg:requests/pkg:measure ?m . }` then, per application class, `UNION { VALUES (?m ?st)
  {(<m> <Class>)} ?this a ?st . FILTER NOT EXISTS { <requests one of the class's measures> }` and optionally
  the class's selector `OPTIONAL { ?this <p> ?selector } FILTER (!BOUND(?selector) || ?selector IN (…)) }`.
A select of any other form is not compiled: `parse` returns None and the caller routes the
submission to the engine that runs the select itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import XSD, URIRef
from rdflib.term import Node

from policykg.submission import to_rdflib
from policykg.validation.compiled.facts import Facts, P, R
from policykg.validation.compiled.terms import compare, in_list

PREFIX_LINE = re.compile(r"^\s*PREFIX\s+\S+\s*<[^>]*>\s*$", re.IGNORECASE | re.MULTILINE)
IRI = r"<[^<>\"{}|^`\\\s]*>"
TERM = r'(?:<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"(?:\^\^(?:<[^<>"{}|^`\\\s]*>|xsd:[A-Za-z]+)|@[A-Za-z0-9-]+)?)'
IRIS = rf"((?:\s*{IRI})+)\s*"
REQ = (rf"VALUES \?m \{{{IRIS}\}}\s*\?this (pkg:requests/pkg:measure|\(pkg:requests\|pkg:priorMunicipalFunding\)"
       rf"/pkg:measure) \?m \.\s*(?:VALUES \?t \{{{IRIS}\}}\s*\?this pkg:projectType \?t \.\s*)?"
       rf"(?:\?this pkg:status ({IRI}) \.\s*)?")
REQUESTERS = re.compile(rf"^SELECT DISTINCT \?this WHERE \{{\s*{REQ}\}}$")
GENERAL = re.compile(r"^SELECT DISTINCT \?this WHERE \{\s*\{(.*?)\}\s*"
                     r"((?:FILTER (?:NOT )?EXISTS \{(?:[^{}]|\{[^{}]*\})*\}\s*)*)\}$", re.DOTALL)
BRANCH_HEAD = re.compile(rf"^\s*VALUES \?st \{{{IRIS}\}}\s*\?this a \?st \.\s*"
                         rf"(?:VALUES \?t \{{{IRIS}\}}\s*\?this pkg:projectType \?t \.\s*)?"
                         r"(?:\?this pkg:asOf \?asOf \.\s*FILTER \(([^()]*)\)\s*)?")
DATE_BOUND = re.compile(rf"^\?asOf (>=|<=) ({TERM})$")
GUARD_IN = re.compile(rf"^\?this ({IRI}) \?(g\d+) \. FILTER \(\?\2 IN \(((?:\s*{TERM}\s*,?)*)\)\)\s*")
GUARD_CMP = re.compile(rf"^\?this ({IRI}) \?(g\d+) \. FILTER \(\?\2 (>=|<=|>|<|=) ({TERM})\)\s*")
GUARD_HAS = re.compile(rf"^\?this ({IRI}) ({TERM}) \.\s*")
APPLICANTS = re.compile(rf"^SELECT DISTINCT \?this WHERE \{{\s*VALUES \?m \{{{IRIS}\}}\s*"
                        r"\{ \?this pkg:requests/pkg:measure \?m \. \}\s*((?:UNION .*?)+)"
                        rf"(?:VALUES \?t \{{{IRIS}\}}\s*\?this pkg:projectType \?t \.\s*)?\}}$", re.DOTALL)
APP_BRANCH = re.compile(rf"^UNION \{{ VALUES \(\?m \?st\) \{{ \(({IRI}) ({IRI})\) \}}\s*\?this a \?st \.\s*"
                        rf"FILTER NOT EXISTS \{{ \?this pkg:requests/pkg:measure \?own \. VALUES \?own \{{{IRIS}\}} \}}\s*"
                        rf"(?:OPTIONAL \{{ \?this ({IRI}) \?selector \}}\s*FILTER \(!BOUND\(\?selector\) \|\| "
                        rf"\?selector IN \(((?:\s*{TERM}\s*,?)*)\)\)\s*)?\}}\s*")
NOT_REQ = re.compile(rf"^FILTER NOT EXISTS \{{\s*{REQ}\}}\s*")
GATE = re.compile(rf"^FILTER EXISTS \{{ \?this ((?:{IRI}(?:/{IRI})?\|?)+) \?given \}}\s*")


def term(text: str) -> Node:
    """One term as the generator wrote it (n3), read by pyoxigraph's parser (escapes included)."""
    q = next(iter(ox.parse(f"@prefix xsd: <{XSD}> .\n<urn:s> <urn:p> {text} .", format=ox.RdfFormat.TURTLE)))
    return to_rdflib(q.object)


def iris(text: str | None) -> frozenset[URIRef] | None:
    return None if text is None else frozenset(URIRef(i[1:-1]) for i in re.findall(IRI, text))


@dataclass
class Requesters:
    measures: frozenset[URIRef]
    prior_too: bool  # (pkg:requests|pkg:priorMunicipalFunding)/pkg:measure
    ptypes: frozenset[URIRef] | None
    status: URIRef | None

    def match(self, f: Facts, s: Node, measures: set[Node]) -> bool:
        if not self.measures & measures:
            return False
        if self.ptypes is not None and not self.ptypes.intersection(f.objects(s, P.projectType)):
            return False
        return self.status is None or self.status in f.objects(s, P.status)


@dataclass
class Branch:
    types: frozenset[URIRef]
    ptypes: frozenset[URIRef] | None
    dates: list[tuple[str, Node]]
    guards: list[tuple[str, URIRef, object]]  # ("in", p, [terms]) | ("cmp", p, (op, term)) | ("has", p, term)

    def match(self, f: Facts, s: Node) -> bool:
        if not self.types.intersection(f.objects(s, R.type)):
            return False
        if self.ptypes is not None and not self.ptypes.intersection(f.objects(s, P.projectType)):
            return False
        if self.dates and not any(all(compare(a, op, d) for op, d in self.dates) for a in f.objects(s, P.asOf)):
            return False
        for kind, p, arg in self.guards:
            vals = f.objects(s, p)
            if kind == "has" and arg not in vals:
                return False
            if kind == "in" and not any(in_list(v, arg) for v in vals):  # type: ignore[arg-type]
                return False
            if kind == "cmp" and not any(compare(v, arg[0], arg[1]) for v in vals):  # type: ignore[index]
                return False
        return True


@dataclass
class General:
    branches: list[Branch]
    unless: Requesters | None = None
    gate: list[tuple[URIRef, ...]] = field(default_factory=list)

    @property
    def types(self) -> frozenset[URIRef]:
        return frozenset(t for b in self.branches for t in b.types)

    def match(self, f: Facts, s: Node, requested: set[Node]) -> bool:
        if not any(b.match(f, s) for b in self.branches):
            return False
        if self.unless is not None and self.unless.match(f, s, requested):
            return False
        return not self.gate or any(_path_values(f, s, p) for p in self.gate)


@dataclass
class Application:
    """One UNION branch of an applicants select: a submission of class `cls` (applying for measure m) that
    requests none of `own`, whose `selector` (if any) is unset or one of `allowed`."""

    cls: URIRef
    own: frozenset[URIRef]
    selector: URIRef | None
    allowed: list[Node]

    def match(self, f: Facts, s: Node, requested: set[Node]) -> bool:
        if self.cls not in f.objects(s, R.type) or self.own & requested:
            return False
        if self.selector is None:
            return True
        vals = f.objects(s, self.selector)
        return not vals or any(in_list(v, self.allowed) for v in vals)


@dataclass
class Applicants:
    """The requesters of `requesters.measures` or the applications for one of them (its `branches`)."""

    requesters: Requesters
    branches: list[Application]

    @property
    def types(self) -> frozenset[URIRef]:
        return frozenset(b.cls for b in self.branches)

    def match(self, f: Facts, s: Node, requested: set[Node]) -> bool:
        """The application branches (the requesters part is looked up by measure, as a Requesters)."""
        ptypes = self.requesters.ptypes
        if ptypes is not None and not ptypes.intersection(f.objects(s, P.projectType)):
            return False
        return any(b.match(f, s, requested) for b in self.branches)


def _path_values(f: Facts, s: Node, path: tuple[URIRef, ...]) -> list[Node]:
    nodes = [s]
    for p in path:
        nodes = [o for n in nodes for o in f.objects(n, p)]
    return nodes


def _requesters(m: re.Match[str]) -> Requesters:
    return Requesters(iris(m.group(1)) or frozenset(), m.group(2).startswith("("), iris(m.group(3)),
                      URIRef(m.group(4)[1:-1]) if m.group(4) else None)


def _branch(text: str) -> Branch | None:
    m = BRANCH_HEAD.match(text)
    if not m:
        return None
    dates = []
    for part in (m.group(3).split("&&") if m.group(3) else []):
        d = DATE_BOUND.match(part.strip())
        if not d:
            return None
        dates.append((d.group(1), term(d.group(2))))
    guards: list[tuple[str, URIRef, object]] = []
    rest = text[m.end():]
    while rest.strip():
        if g := GUARD_IN.match(rest):
            guards.append(("in", URIRef(g.group(1)[1:-1]), [term(t) for t in re.findall(TERM, g.group(3))]))
        elif g := GUARD_CMP.match(rest):
            guards.append(("cmp", URIRef(g.group(1)[1:-1]), (g.group(3), term(g.group(4)))))
        elif g := GUARD_HAS.match(rest):
            guards.append(("has", URIRef(g.group(1)[1:-1]), term(g.group(2))))
        else:
            return None
        rest = rest[g.end():]
    return Branch(iris(m.group(1)) or frozenset(), iris(m.group(2)), dates, guards)


def _applicants(m: re.Match[str]) -> Applicants | None:
    measures = iris(m.group(1)) or frozenset()
    branches, rest = [], m.group(2)
    while rest.strip():
        b = APP_BRANCH.match(rest)
        if b is None:
            return None
        if URIRef(b.group(1)[1:-1]) in measures:  # joined with VALUES ?m: a branch for another measure never matches
            branches.append(Application(URIRef(b.group(2)[1:-1]), iris(b.group(3)) or frozenset(),
                                        URIRef(b.group(4)[1:-1]) if b.group(4) else None,
                                        [term(t) for t in re.findall(TERM, b.group(5) or "")]))
        rest = rest[b.end():]
    return Applicants(Requesters(measures, False, iris(m.group(3)), None), branches)


def parse(select: str) -> Requesters | General | Applicants | None:
    """The compiled form of a generated target select, or None for any other select."""
    body = PREFIX_LINE.sub("", select).strip()
    if m := REQUESTERS.match(body):
        return _requesters(m)
    if m := APPLICANTS.match(body):
        return _applicants(m)
    m = GENERAL.match(body)
    if not m:
        return None
    branches = []
    for text in re.split(r"\}\s*UNION\s*\{", m.group(1)):
        b = _branch(text)
        if b is None:
            return None
        branches.append(b)
    out = General(branches)
    rest = m.group(2)
    while rest.strip():
        if (n := NOT_REQ.match(rest)) and out.unless is None:
            out.unless = _requesters(n)
            rest = rest[n.end():]
        elif (g := GATE.match(rest)) and not out.gate:
            out.gate = [tuple(URIRef(i[1:-1]) for i in re.findall(IRI, alt)) for alt in g.group(1).split("|")]
            rest = rest[g.end():]
        else:
            return None
    return out


class TargetIndex:
    """Shape -> compiled target, looked up by the measures requested and the types of each node."""

    def __init__(self, targets: dict[URIRef, Requesters | General | Applicants]) -> None:
        self.by_measure: dict[Node, list[tuple[URIRef, Requesters]]] = {}
        self.by_type: dict[Node, list[tuple[URIRef, General | Applicants]]] = {}
        for shape, t in targets.items():
            req = t.requesters if isinstance(t, Applicants) else t if isinstance(t, Requesters) else None
            for m in req.measures if req is not None else ():
                self.by_measure.setdefault(m, []).append((shape, req))  # type: ignore[arg-type]
            if not isinstance(t, Requesters):  # a General's branches, an Applicants' application classes
                for ty in t.types:
                    self.by_type.setdefault(ty, []).append((shape, t))

    def focus_nodes(self, f: Facts, copies: dict[Node, int] | None = None) -> dict[URIRef, list[Node]]:
        """Shape -> focus nodes. With eligibility's `copies`, the general targets (criteria of the documents,
        which read the submission's figures, never its requests but to exclude a requester) are matched on
        copy 0 only: a copy they select is a copy whose shape runs on copy 0 (Validator.run)."""
        out: dict[URIRef, list[Node]] = {}
        for s, po in f.spo.items():
            req = {m for r in po.get(P.requests, ()) for m in f.objects(r, P.measure)}
            prior = {m for r in po.get(P.priorMunicipalFunding, ()) for m in f.objects(r, P.measure)}
            seen: set[URIRef] = set()
            for m in req | prior:
                for shape, t in self.by_measure.get(m, ()):
                    if shape not in seen and t.match(f, s, req | prior if t.prior_too else req):
                        seen.add(shape)
                        out.setdefault(shape, []).append(s)
            if copies and copies.get(s, 0) != 0:
                continue
            for ty in po.get(R.type, ()):
                for shape, g in self.by_type.get(ty, ()):
                    if shape not in seen and g.match(f, s, req):
                        seen.add(shape)
                        out.setdefault(shape, []).append(s)
        return out
