"""The fast path: core shapes with pySHACL, SHACL-SPARQL constraints on pyoxigraph.

pySHACL spends its time re-parsing each SPARQL constraint with rdflib (50-125 ms a
query). Here the shapes that apply (validation_targets) go to pySHACL without their
sh:sparql constraints, and each SPARQL constraint runs on a pyoxigraph store of the
data graph (validation_sparql), its results written into the same report as pySHACL
writes them. tests/shapes/test_cases.py checks, case by case, that this path and
pySHACL give the same results; tests/shapes/test_w3c_sparql.py runs the W3C SHACL-SPARQL
tests on validation_sparql.
"""
from __future__ import annotations

import pyshacl
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from policykg.namespaces import SH
from policykg.validation.bundle import Bundle
from policykg.validation.sparql import evaluate
from policykg.validation.targets import data_store, focus_nodes, split


def run_fast(b: Bundle, dg: Graph) -> Graph:
    sp = split(b)
    store = data_store(dg)
    focus = focus_nodes(sp, dg, store)
    core = Graph()
    for t in sp.untargeted:
        core.add(t)
    sparql: list[tuple[URIRef, Node, list[Node]]] = []
    for shape, nodes in focus.items():
        for s, p, o in sp.closures[shape]:
            if p == SH.sparql:
                sparql.append((shape, o, nodes))
            elif s not in sp.constraints:
                core.add((s, p, o))
        for n in nodes:
            core.add((shape, SH.targetNode, n))
    _c, report, _t = pyshacl.validate(dg, shacl_graph=core, advanced=False, inference="none", allow_infos=True,
                                      allow_warnings=True, meta_shacl=False, do_owl_imports=False, js=False)
    top = next(iter(report.subjects(RDF.type, SH.ValidationReport)))
    for shape, constraint, nodes in sparql:
        evaluate(b.shapes, store, report, top, shape, constraint, nodes)
    if any(True for _ in report.objects(top, SH.result)):
        report.set((top, SH.conforms, Literal(False)))
    return report
