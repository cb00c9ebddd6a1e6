"""Reading a stored submission back: its graph split into the submission's triples, its report and its record
(load_submission), or the same record built from what was just written (as_stored), without reading it back.
"""
from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.memory import SimpleMemory

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


def load_data(store: Any, sid: str, terms: dict[Any, Any] | None = None) -> tuple[Graph, dict[str, str]] | None:
    """load_submission's `data` graph and its record's projectKey and submittedAt, without building the
    whole graph, the report graph or reading the record's existence twice (what a batch over thousands of
    stored submissions reads: reforms, candidates); None when no such record. `terms`: a conversion cache of
    pyoxigraph -> rdflib terms shared across calls (the same predicates and values recur).
    tests/registry/test_prefetch.py compares it with load_submission on a seeded registry."""
    if not sid.isalnum() or len(sid) > 64:
        return None
    rec = ox.NamedNode(RECORD + sid)
    gen = RECORD + sid + "/genid/"
    quads = store.graph_quads(submission_graph_name(sid))
    terms = {} if terms is None else terms
    record: dict[str, str] = {}
    is_record = False
    spo: dict[Any, list[tuple[Any, Any]]] = {}
    tops = []
    for q in quads:
        s, p, o = q.subject, q.predicate, q.object
        if s == rec:
            name = p.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            record[name] = str(to_rdflib(o))  # as load_submission's fields (rdflib's lexical form of a dateTime)
            is_record = is_record or (p == _RDF_TYPE and o == _SUBMISSION_RECORD)
            continue
        spo.setdefault(s, []).append((p, o))
        if p == _RDF_TYPE and o == _SH_REPORT:
            tops.append(s)
    if not is_record:
        return None
    report = set()  # the report's nodes: the report and the blank nodes hanging from it (as _report_part)
    todo = list(tops)
    seen = set(todo)
    while todo:
        n = todo.pop()
        report.add(n)
        for p, o in spo.get(n, ()):
            if p not in _REPORT_SKIP and o not in seen and _blank(o, gen):
                seen.add(o)
                todo.append(o)
    data = Graph(store=SimpleMemory())  # a graph without contexts: built and read ×2 faster (the same Graph API)
    add = data.add

    def term(t: Any) -> Any:
        x = terms.get(t)
        if x is None:
            x = terms[t] = to_rdflib(t)
        if type(x) is URIRef and str(x).startswith(gen):
            return BNode(str(x)[len(gen):])
        return x
    for s, pos in spo.items():
        if s in report:
            continue
        ts = term(s)
        for p, o in pos:
            add((ts, term(p), term(o)))
    return data, record


def _blank(t: Any, gen: str) -> bool:
    return isinstance(t, ox.BlankNode) or isinstance(t, ox.NamedNode) and t.value.startswith(gen)


_RDF_TYPE = ox.NamedNode(str(RDF.type))
_SUBMISSION_RECORD = ox.NamedNode(str(PKG.SubmissionRecord))
_SH_REPORT = ox.NamedNode(str(SH.ValidationReport))
_REPORT_SKIP = {ox.NamedNode(str(SH.focusNode)), ox.NamedNode(str(SH.value))}


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
