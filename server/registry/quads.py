"""The quads of a registry record, written once here for the normal path (records.py) and the bulk path (bulk.py).

A record is one named graph of ground quads: the record's blank nodes are skolemised under the
record (`<record>/genid/<bnode>`), and its type triple comes last (on a remote store written in
chunks, a record whose type triple exists is whole).
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from policykg.namespaces import BASE, PKG
from policykg.submission import to_ox

SUBMISSION_GRAPH = BASE + "graph/submission/"
AWARD_GRAPH = BASE + "graph/registry/award/"
# the registry's state: a sequence number bumped by every write (receipts say which state a decision saw)
SEQUENCE_GRAPH = BASE + "graph/registry/sequence"
SEQUENCE_NODE = BASE + "registry"
RECORD = BASE + "registry/submission/"
AWARD = BASE + "registry/award/"
FOAF_TOPIC = URIRef("http://xmlns.com/foaf/0.1/primaryTopic")
DCT_FORMAT = URIRef("http://purl.org/dc/terms/format")
RDF_JSON = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON")


def ground_quads(graph: str, g: Iterable[tuple[Any, Any, Any]], node: str, cls: URIRef | None) -> list[ox.Quad]:
    """The quads of the triples `g` (a graph, or a set of triples) in `graph`, blank nodes skolemised under `node`,
    the type triple of `node` last."""
    gen = node + "/genid/"
    memo: dict[Any, Any] = {}  # a record repeats its subjects and predicates: each term converted once

    def sk(t: Any) -> Any:
        x = memo.get(t)
        if x is None:
            x = memo[t] = to_ox(URIRef(gen + str(t)) if isinstance(t, BNode) else t)
        return x

    gname = ox.NamedNode(graph)
    marker = (URIRef(node), RDF.type, cls) if cls is not None else None
    quads = [ox.Quad(sk(s), sk(p), sk(o), gname) for s, p, o in g if (s, p, o) != marker]
    if marker is not None:
        quads.append(ox.Quad(sk(marker[0]), sk(marker[1]), sk(marker[2]), gname))
    return quads


def submission_quads(sid: str, *, sha256: str, fmt: str, data: Graph, subject: str | None, project_key: str,
                     report: Graph, receipt: dict[str, Any], sequence: int | None = None) -> list[ox.Quad]:
    """The named graph of a stored submission: its triples, its report, its record (with the registry sequence
    number its write took: registry/scopes.py)."""
    rec = URIRef(RECORD + sid)
    g: set[tuple[Any, Any, Any]] = set(data)  # a set of triples, as a graph is (no rdflib graph built: ~2/3 of the time)
    g.update(report)
    g.add((rec, RDF.type, PKG.SubmissionRecord))
    g.add((rec, PKG.contentHash, Literal(sha256)))
    g.add((rec, PKG.projectKey, Literal(project_key)))
    g.add((rec, PKG.submittedAt, Literal(receipt["timestamp"], datatype=XSD.dateTime)))
    g.add((rec, PKG.shapesVersion, Literal(receipt.get("corpusVersion") or "")))
    if receipt.get("asOf"):
        g.add((rec, PKG.asOf, Literal(receipt["asOf"], datatype=XSD.date)))
    g.add((rec, DCT_FORMAT, Literal(fmt)))
    g.add((rec, RDF.value, Literal(json.dumps(receipt, sort_keys=True), datatype=RDF_JSON)))
    if subject:
        g.add((rec, FOAF_TOPIC, URIRef(subject)))
    if sequence is not None:
        g.add((rec, PKG.registrySequence, Literal(sequence)))
    return ground_quads(SUBMISSION_GRAPH + sid, g, str(rec), PKG.SubmissionRecord)


def award_quads(aid: str, *, project_key: str, measure: str, amount: Decimal, when: str,
                credit_code: str | None, at: str, sequence: int | None = None) -> list[ox.Quad]:
    """The named graph of an award (`when` an ISO date, `at` the ISO timestamp it was recorded)."""
    a = URIRef(AWARD + aid)
    g = Graph()
    g.add((a, RDF.type, PKG.AwardRecord))
    g.add((a, PKG.projectKey, Literal(project_key)))
    g.add((a, PKG.measure, URIRef(measure)))
    g.add((a, PKG.amount, Literal(format(amount, "f"), datatype=XSD.decimal)))
    g.add((a, PKG.awardDate, Literal(when, datatype=XSD.date)))
    if credit_code:
        g.add((a, PKG.creditCode, Literal(credit_code)))
    g.add((a, PKG.submittedAt, Literal(at, datatype=XSD.dateTime)))
    if sequence is not None:
        g.add((a, PKG.registrySequence, Literal(sequence)))
    return ground_quads(AWARD_GRAPH + aid, g, str(a), PKG.AwardRecord)


def sequence_quads(n: int, record: str, at: str) -> list[ox.Quad]:
    """The registry's state after its n-th write, naming the record written and when."""
    node, g = ox.NamedNode(SEQUENCE_NODE), ox.NamedNode(SEQUENCE_GRAPH)
    return [
        ox.Quad(node, ox.NamedNode(str(PKG.registrySequence)), ox.Literal(str(n), datatype=ox.NamedNode(str(XSD.integer))), g),
        ox.Quad(node, ox.NamedNode(str(PKG.lastRecord)), ox.NamedNode(record), g),
        ox.Quad(node, ox.NamedNode(str(PKG.submittedAt)), ox.Literal(at, datatype=ox.NamedNode(str(XSD.dateTime))), g)]
