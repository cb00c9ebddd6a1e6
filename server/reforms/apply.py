"""A reform applied in memory: the corpus with the changed parameters, its shapes generated again from
them (one source of truth: the generator that wrote shapes/), in an in-memory store, read together with
the real registry (reforms/view.py) by validation and eligibility as they read the real store."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

from policykg.corpus import META_GRAPH, SHAPES_GRAPH, iter_corpus_quads
from policykg.errors import UnprocessableInput
from policykg.reforms.model import Reform
from policykg.reforms.view import Reformed
from policykg.shapes import Corpus, corpus_graph, generate
from policykg.store import OxiStore

VERSION = "https://w3id.org/policykg/ontology#corpusVersion"


def _fingerprint(reform: Reform) -> str:
    text = "\n".join(f"{c.target} {c.property} {c.lexical()}" for c in reform.changes)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def check_targets(g: rdflib.Graph, reform: Reform) -> list[dict[str, Any]]:
    """Each change names a resource that has the parameter today; the current values, for the report."""
    out = []
    for i, c in enumerate(reform.changes):
        old = list(g.objects(rdflib.URIRef(c.target), rdflib.URIRef(c.property)))
        if not old:
            raise UnprocessableInput(f"<{c.target}> has no <{c.property}> in the corpus: a reform changes "
                                     "existing parameters", [{"field": f"changes[{i}]", "message": "no such parameter"}])
        out.append({"target": c.target, "property": c.property, "before": [str(o) for o in old], "after": c.lexical(),
                    "clauses": sorted(str(x) for x in g.objects(rdflib.URIRef(c.target),
                                                                 rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))})
    return out


def reformed_graph(root: Path, reform: Reform) -> tuple[rdflib.Graph, list[dict[str, Any]]]:
    g = corpus_graph(root)
    changed = check_targets(g, reform)
    for c in reform.changes:
        s, p = rdflib.URIRef(c.target), rdflib.URIRef(c.property)
        g.remove((s, p, None))
        g.add((s, p, rdflib.Literal(c.lexical(), datatype=rdflib.URIRef(c.datatype))))
    return g, changed


def reform_store(store: Any, root: Path, reform: Reform) -> tuple[Reformed, list[dict[str, Any]]]:
    """The reformed corpus and shapes generated from it (in memory), with the registry of `store` (not copied)."""
    g, changed = reformed_graph(root, reform)
    shapes = generate(root, Corpus(root, graph=g))
    targets = {(c.target, c.property): c for c in reform.changes}
    out = OxiStore(None)
    quads = []
    base_version = ""
    for q in iter_corpus_quads(root):
        name = q.graph_name.value
        if name == str(SHAPES_GRAPH):
            continue
        if name == str(META_GRAPH) and q.predicate.value == VERSION:
            base_version = q.object.value
            continue
        c = targets.get((q.subject.value, q.predicate.value)) if isinstance(q.subject, ox.NamedNode) else None
        if c is not None:
            q = ox.Quad(q.subject, q.predicate, ox.Literal(c.lexical(), datatype=ox.NamedNode(c.datatype)), q.graph_name)
        quads.append(q)
    sg = ox.NamedNode(str(SHAPES_GRAPH))
    for text in shapes.values():
        quads += [ox.Quad(t.subject, t.predicate, t.object, sg)
                  for t in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE, base_iri="https://w3id.org/policykg/")]
    # its own version, so that nothing cached for the real corpus is reused for the reform
    quads.append(ox.Quad(ox.NamedNode("https://w3id.org/policykg/corpus"), ox.NamedNode(VERSION),
                         ox.Literal(f"{base_version}+reform-{_fingerprint(reform)}"), ox.NamedNode(str(META_GRAPH))))
    out.ox.extend(quads)
    return Reformed(out, store), changed  # the registry read where it is (reforms/view.py)
