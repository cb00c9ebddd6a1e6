"""Validate a submission graph against the shapes, with every result traced to its clause.

    outcome = validate(store, data, as_of=None, registry_context=None)

pySHACL is the reference engine (docs/architecture.md (engines)): the shapes are parsed once per corpus
version (validation_bundle), each submission gets only the policy context it names
(its measures with their parameters and their documents' dates), the as-of date as
`pkg:asOf` on every submission node (the `as_of` argument, else the node's application
date, else today), and the awards of the registry for the same project as prior
funding. No OWL imports, no inference, no meta-SHACL, only parsed graphs.

`conforms` is true when no result is a Violation: Warnings (原则上, 一般, 宜, 鼓励) and Info
(post-delivery targets) are reported but do not fail a submission. Every report says what was
checked (validation_checked): a submission to which no rule in force applied gets a Violation naming
why and the status "not-evaluated", never `conforms: true`.

engine="fast" (validation_fast) computes the same results with the targets and the
SHACL-SPARQL constraints on pyoxigraph; tests/shapes/test_engines.py proves both agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from typing import Literal as Lit

import pyshacl
from rdflib import RDF, XSD, Graph, Literal, URIRef

from policykg.errors import UnprocessableInput
from policykg.namespaces import BASE, PKG, SH
from policykg.validation.bundle import Bundle, context_graph, get_bundle
from policykg.validation.checked import account_data
from policykg.validation.checked_graph import account
from policykg.validation.checked_json import checked_data, checked_json
from policykg.validation.messages import enrich, results

RESERVED = tuple(BASE + p for p in ("doc/", "shape/", "concept/", "query/", "graph/", "org/", "pub/", "ontology"))
Engine = Lit["pyshacl", "pyshacl-native", "fast", "compiled"]


@dataclass
class Outcome:
    conforms: bool
    results: list[dict[str, Any]]
    report_graph: Graph
    as_of: dict[str, str] = field(default_factory=dict)  # submission IRI -> as-of date used
    shapes_version: str = ""
    engine: str = "pyshacl"

    @property
    def status(self) -> str:
        """conforms | does-not-conform | not-evaluated (no rule in force applied to a submission: never a pass)."""
        c = checked_json(self.report_graph)
        if c is not None and c["status"] == "not-evaluated":
            return "not-evaluated"
        return "conforms" if self.conforms else "does-not-conform"

    def checked(self, lang: str = "zh") -> dict[str, Any] | None:
        """What was checked (validation_checked): read from the report graph, so findings added later keep it."""
        return checked_json(self.report_graph, lang)

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        """The contract's JSON report; with `lang`, each message is the text in that language only."""
        res = [dict(r, message=r["message"][lang]) if lang else r for r in self.results]
        return {"conforms": self.conforms, "status": self.status, "checked": self.checked(lang or "zh"),
                "results": res}


class LazyReportOutcome(Outcome):
    """An Outcome whose report graph is written on first use (engine="compiled": JSON answers never need it); what
    was checked is its `scopes` (validation/checked.py), read without the graph."""

    def __init__(self, conforms: bool, results: list[dict[str, Any]], build: Any, as_of: dict[str, str],
                 version: str, scopes: list[Any] | None = None, bundle: Any = None) -> None:
        self._build, self._graph, self._scopes, self._bundle = build, None, scopes, bundle
        super().__init__(conforms, results, None, as_of, version, "compiled")  # type: ignore[arg-type]

    @property
    def status(self) -> str:
        if self._scopes is None:
            return super().status
        if any(c.status == "not-evaluated" for c in self._scopes):
            return "not-evaluated"
        return "conforms" if self.conforms else "does-not-conform"

    def checked(self, lang: str = "zh") -> dict[str, Any] | None:
        if self._scopes is None or self._bundle is None:
            return super().checked(lang)
        return checked_data(self._bundle, self._scopes, lang)

    @property  # type: ignore[override]
    def report_graph(self) -> Graph:
        if self._graph is None and self._build is not None:
            self._graph, self._build = self._build(), None
        return self._graph  # type: ignore[return-value]

    @report_graph.setter
    def report_graph(self, g: Graph | None) -> None:
        if g is not None:
            self._graph, self._build = g, None


def _report(b: Bundle, write: Any, added: list[dict[str, Any]], scopes: list[Any], conforms: bool) -> Any:
    """The compiled engine's report graph, written when read: its results, the not-evaluated findings, the scopes."""
    def build() -> Graph:
        from policykg.validation.checked_graph import add_finding, to_graph

        report = write()
        for f in added:
            add_finding(report, f)
        to_graph(report, b, scopes)
        top = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
        if top is not None:
            report.set((top, SH.conforms, Literal(conforms)))
        return report
    return build


def submissions(b: Bundle, data: Graph) -> list[URIRef]:
    return sorted({s for s, o in data.subject_objects(RDF.type) if o in b.submission_classes
                   and isinstance(s, (URIRef,))} | {s for s in data.subjects(PKG.requests, None)
                                                    if isinstance(s, URIRef)}, key=str)


def project_key(data: Graph, s: URIRef) -> str:
    """creditCode/projectCode of the applicant, else the subject IRI (the registry's key)."""
    cc = next((o for a in data.objects(s, PKG.applicant) for o in data.objects(a, PKG.creditCode)), None)
    code = data.value(s, PKG.projectCode)
    return f"{cc}/{code}" if cc is not None and code is not None else str(s)


def prepare(b: Bundle, data: Graph, as_of: date | None, registry_context: Graph | None) -> tuple[Graph, dict]:
    """A copy of `data` with the as-of dates, the policy context and the registry's awards for it."""
    for s in data.subjects(unique=True):
        if isinstance(s, URIRef) and str(s).startswith(RESERVED):
            raise UnprocessableInput(f"a submission may not make statements about corpus resource <{s}>",
                                     {"field": "@id", "value": str(s)})
    dg = Graph()
    for t in data:
        if t[1] != PKG.asOf:
            dg.add(t)
    dates = {}
    for s in submissions(b, data):
        app = data.value(s, PKG.applicationDate)
        d = as_of or (app.toPython() if isinstance(app, Literal) and isinstance(app.toPython(), date) else None) \
            or date.today()
        dg.add((s, PKG.asOf, Literal(d.isoformat(), datatype=XSD.date)))
        dates[str(s)] = d.isoformat()
    if registry_context is not None:
        link_awards(dg, registry_context)
    for t in context_graph(b, dg):
        dg.add(t)
    return dg, dates


def link_awards(dg: Graph, registry: Graph) -> None:
    """Awards of the registry become prior municipal funding of the submission with the same project key, and
    stay in the graph for the per-enterprise, per-year caps."""
    keyed: dict[str, list[URIRef]] = {}
    for a in registry.subjects(RDF.type, PKG.AwardRecord):
        keyed.setdefault(str(registry.value(a, PKG.projectKey)), []).append(a)
        for t in registry.triples((a, None, None)):
            dg.add(t)
    for s in {s for s in dg.subjects(PKG.requests, None) if isinstance(s, URIRef)}:
        for a in keyed.get(project_key(dg, s), []):
            dg.add((s, PKG.priorMunicipalFunding, a))


def run_pyshacl(b: Bundle, dg: Graph, native: bool = False) -> Graph:
    """pySHACL on the shapes that apply (targets from validation_targets), or natively on all shapes with
    SHACL-AF enabled for the sh:SPARQLTarget selects (the slow reference the differential tests use)."""
    from policykg.validation.targets import applicable_shapes

    shapes = b.shapes if native else applicable_shapes(b, dg)
    _conforms, report, _text = pyshacl.validate(
        dg, shacl_graph=shapes, advanced=native, inference="none", abort_on_first=False,
        allow_infos=True, allow_warnings=True, meta_shacl=False, do_owl_imports=False, js=False, debug=False)
    return report


def validate(store: Any, data: Graph, *, as_of: date | None = None, registry_context: Graph | None = None,
             engine: Engine = "pyshacl") -> Outcome:
    """Validate `data` (a parsed graph, never a string) against the corpus shapes of `store`."""
    if not isinstance(data, Graph):
        raise TypeError("validate() takes a parsed rdflib.Graph")
    b = get_bundle(store)
    if engine == "compiled":  # server/validation/compiled/: falls back to "fast" for what does not compile
        from policykg.validation.compiled import run_compiled

        subjects = submissions(b, data)
        found = run_compiled(store, b, data, subjects, as_of, registry_context, RESERVED)
        if found is not None:
            # what was checked, and "not evaluated" when no rule in force applied (validation/checked.py): the
            # same account as the other engines give, as plain data; the report graph only when it is read
            res, scopes, added = account_data(store, b, data, found.facts, found.as_of, as_of, found.results,
                                              subjects, found.focus or {})
            conforms = not any(r["severity"] == "Violation" for r in res)
            return LazyReportOutcome(conforms, res, _report(b, found.report, added, scopes, conforms), found.as_of,
                                     found.version, scopes, b)
        engine = "fast"
    dg, dates = prepare(b, data, as_of, registry_context)
    if engine == "fast":
        from policykg.validation.fast import run_fast

        report = run_fast(b, dg)
    else:
        report = run_pyshacl(b, dg, native=engine == "pyshacl-native")
    res = results(b, store, b.shapes, report, dg)
    enrich(report, res)
    res = account(store, b, data, dg, dates, as_of, report, res, submissions(b, data))
    conforms = not any(r["severity"] == "Violation" for r in res)
    top = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
    if top is not None:
        report.set((top, SH.conforms, Literal(conforms)))
        report.add((top, PKG.shapesVersion, Literal(b.version)))
    return Outcome(conforms, res, report, dates, b.version, engine)


def top_level_count(report: Graph) -> int:
    """The number of top-level sh:result of a report (nested sh:detail not counted)."""
    top = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
    return len(list(report.objects(top, SH.result))) if top is not None else 0
