"""Reading a stored submission back: its graph split into the submission's triples, its report and its record
(load_submission), or the same record built from what was just written (as_stored), without reading it back.
"""
from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from policykg.errors import NotFound
from policykg.namespaces import PKG, SH
from policykg.registry.bound import bound
from policykg.registry.quads import RECORD, SUBMISSION_GRAPH
from policykg.submission import to_rdflib


def submission_graph_name(sid: str) -> str:
    return SUBMISSION_GRAPH + sid


def record_exists(store: Any, graph: str, node: str, cls: URIRef) -> bool:
    """A record exists when its type triple (written last) is in its graph."""
    return store.ask(bound("ASK WHERE { GRAPH ?g { ?n a ?c } }", {"g": ox.NamedNode(graph), "n": ox.NamedNode(node),
                                                             "c": ox.NamedNode(str(cls))}), registry=True)


def _unskolem(term: Any, gen: str) -> Any:
    t = to_rdflib(term)
    return BNode(str(t)[len(gen):]) if isinstance(t, URIRef) and str(t).startswith(gen) else t



def load_submission(store: Any, sid: str) -> dict[str, Any]:
    """The stored record, split into submission graph, report graph and record fields; 404 if absent."""
    if not sid.isalnum() or len(sid) > 64:
        raise NotFound(f"no submission {sid}")
    graph = submission_graph_name(sid)
    rec = URIRef(RECORD + sid)
    if not record_exists(store, graph, str(rec), PKG.SubmissionRecord):
        raise NotFound(f"no submission {sid}", {"id": sid})
    gen = str(rec) + "/genid/"
    g = Graph()
    for q in store.graph_quads(graph):
        g.add((_unskolem(q.subject, gen), _unskolem(q.predicate, gen), _unskolem(q.object, gen)))
    report = _report_part(g)
    data = Graph()
    for t in g:
        if t[0] != rec and t not in report:
            data.add(t)
    fields = {str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1]: o for p, o in g.predicate_objects(rec)}
    receipt = json.loads(str(fields["value"])) if "value" in fields else None
    return {
        "id": sid, "iri": str(rec), "graph": graph,
        "projectKey": str(fields.get("projectKey", "")),
        "submittedAt": str(fields.get("submittedAt", "")),
        "corpusVersion": str(fields.get("shapesVersion", "")),
        "asOf": str(fields["asOf"]) if "asOf" in fields else None,
        "format": str(fields.get("format", "")),
        "subject": str(fields["primaryTopic"]) if "primaryTopic" in fields else None,
        "receipt": receipt, "data": data, "report": report, "all": g,
    }


def _report_part(g: Graph) -> Graph:
    """The SHACL report: the report node and the blank nodes hanging from it (not the focus nodes/values)."""
    out = Graph()
    skip = {SH.focusNode, SH.value}
    todo = list(g.subjects(RDF.type, SH.ValidationReport))
    seen = set(todo)
    while todo:
        n = todo.pop()
        for p, o in g.predicate_objects(n):
            out.add((n, p, o))
            if isinstance(o, BNode) and p not in skip and o not in seen:
                seen.add(o)
                todo.append(o)
    return out


def as_stored(sid: str, *, fmt: str, data: Graph, subject: str | None, project_key: str, report: Graph,
              receipt: dict[str, Any]) -> dict[str, Any]:
    """load_submission's answer for a submission store_submission has just written from these very values (the
    receipt as stored, with its storedAfter), without reading the graph back: the response of POST
    /api/submissions. tests/registry/test_records.py compares it with load_submission's."""
    return {
        "id": sid, "iri": RECORD + sid, "graph": submission_graph_name(sid), "projectKey": project_key,
        # the literals' lexical forms as stored (rdflib writes a dateTime's +00:00 as Z)
        "submittedAt": str(Literal(receipt["timestamp"], datatype=XSD.dateTime)),
        "corpusVersion": receipt.get("corpusVersion") or "",
        "asOf": str(Literal(receipt["asOf"], datatype=XSD.date)) if receipt.get("asOf") else None, "format": fmt, "subject": subject,
        "receipt": json.loads(json.dumps(receipt, sort_keys=True)), "data": data, "report": report, "all": None,
    }
