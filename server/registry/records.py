"""The registry of submissions and awards, on the store interface (server/store/embedded.py).

Each stored submission is one named graph, `graph/submission/<id>`, holding the
submission's triples, its record (content hash, project key, shapes version,
as-of date, timestamp, receipt) and its enriched SHACL report. Each award is
one named graph, `graph/registry/award/<id>`. Every write is a single
`replace_graph` of a graph that does not exist yet: one transaction (pyoxigraph
`Store.extend`, flushed; one INSERT DATA on a remote store), so a record is
whole or absent, and the write is acknowledged only after it returns.

Ids are content hashes, so writes are idempotent: equal submission graphs are one
submission, whatever their bytes (re-indented JSON, the same project in Turtle and in
the JSON form: `graph_hash`, a SHA-256 of the canonical N-Triples), the same (project,
measure, amount, date) one award. An `Idempotency-Key` is kept in a graph of its own;
reusing it with another submission (another graph) or award is a 409. Only the store interface is used (select, ask, replace_graph,
graph_quads), so the remote store serves the registry too. The content ids are
server/registry/hashing.py (re-exported here).
"""
from __future__ import annotations

import hashlib
import json
import threading
import weakref
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from policykg.errors import Conflict
from policykg.namespaces import BASE, PKG, PREFIXES
from policykg.registry.bound import VALUES_HERE, bound, iri
from policykg.registry.hashing import NUMBERS as NUMBERS  # re-exported
from policykg.registry.hashing import graph_hash, submission_id
from policykg.registry.quads import AWARD as AWARD
from policykg.registry.quads import AWARD_GRAPH as AWARD_GRAPH
from policykg.registry.quads import RECORD as RECORD
from policykg.registry.quads import SEQUENCE_GRAPH as SEQUENCE_GRAPH
from policykg.registry.quads import SEQUENCE_NODE as SEQUENCE_NODE
from policykg.registry.quads import SUBMISSION_GRAPH as SUBMISSION_GRAPH
from policykg.registry.quads import award_quads, ground_quads, sequence_quads, submission_quads
from policykg.registry.reading import as_stored as as_stored  # re-exported
from policykg.registry.reading import load_submission as load_submission  # re-exported
from policykg.registry.reading import record_exists as _exists
from policykg.registry.reading import submission_graph_name as submission_graph_name  # re-exported
from policykg.registry.scopes import credit_codes, moved_since
from policykg.store import IN_ORDER, RegistryHidden

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
KEY_GRAPH = BASE + "graph/registry/idempotency/"
KEY = BASE + "registry/idempotency/"
PROV_ENTITY = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")

# One writer at a time in this process: check-then-write must not interleave. Re-entrant: a decision that lost
# the race to other writes holds it across its evaluation and its storing (held_writes).
_WRITE_LOCK = threading.RLock()


def held_writes() -> threading.RLock:
    """The registry's write lock, for a decision that must see the state it stores (no writes in between)."""
    return _WRITE_LOCK


def _key_exists(store: Any, graph: str, node: str) -> bool:
    return store.ask(bound(PFX + "ASK WHERE { GRAPH ?g { ?n pkg:idempotencyKey ?k } }",
                           {"g": ox.NamedNode(graph), "n": ox.NamedNode(node)}), registry=True)


def _write_new(store: Any, graph: str, g: Graph, node: str, cls: URIRef | None) -> None:
    """One replace_graph of ground triples (server/registry/quads.py): one transaction on pyoxigraph."""
    _put(store, graph, ground_quads(graph, g, node, cls))


def _put(store: Any, graph: str, quads: list[ox.Quad]) -> None:
    """A write made durable by _durable() after the write lock is released (group commit: the writes of
    requests that arrive together share one flush), where the store can defer it; durable now otherwise."""
    if hasattr(store, "sync"):
        store.replace_graph(graph, quads, durable=False)
    else:
        store.replace_graph(graph, quads)


def make_durable(store: Any) -> None:
    """Every write so far on disk: what store_submission(durable=False) leaves to its caller."""
    _durable(store)


def _durable(store: Any) -> None:
    """Every write so far on disk (one flush for the writes of concurrent requests): before an acknowledgement."""
    if hasattr(store, "sync"):
        store.sync()


# The registry's state as last read from a store only this process writes (`single_writer`: the embedded store),
# with the store's write count then: true until its next write. It is read twice a stored submission (the
# receipt's, then under the write lock); a remote store, which other processes may write, is asked each time.
_STATE: weakref.WeakKeyDictionary[Any, tuple[int, dict[str, Any]]] = weakref.WeakKeyDictionary()


def registry_state(store: Any) -> dict[str, Any]:
    """{sequence, last, at}: how many writes the registry has taken, the last record and when (0 when empty)."""
    writes = store.write_count if getattr(store, "single_writer", False) else None
    if writes is not None:
        kept = _STATE.get(store)
        if kept is not None and kept[0] == writes:
            return dict(kept[1])
    rows = store.select(PFX + f"""SELECT ?n ?last ?at WHERE {{ GRAPH <{SEQUENCE_GRAPH}> {{
        <{SEQUENCE_NODE}> pkg:registrySequence ?n ; pkg:lastRecord ?last ; pkg:submittedAt ?at }} }}""",
                        registry=True)
    state = {"sequence": int(rows[0]["n"].value), "last": rows[0]["last"].value, "at": rows[0]["at"].value} \
        if rows else {"sequence": 0, "last": None, "at": None}
    if writes is not None:  # kept under the count before the read: a write during it leaves it unused
        _STATE[store] = (writes, dict(state))
    return state


def consulted(store: Any) -> dict[str, Any]:
    """What a receipt says of the registry a decision consulted (none, for an anonymous caller's view)."""
    if isinstance(store, RegistryHidden):
        return {"consulted": False}
    st = registry_state(store)
    return {"consulted": True, "sequence": st["sequence"], "lastRecord": st["last"]}


def _bump(store: Any, record: str, n: int, at: str | None = None) -> None:
    """After the n-th record is written (under the write lock): the registry's sequence is n, naming the record."""
    _put(store, SEQUENCE_GRAPH, sequence_quads(n, record, at or _now()))


# -- idempotency keys ------------------------------------------------------
def _key_node(scope: str, key: str) -> tuple[str, str]:
    h = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()[:32]
    return KEY_GRAPH + h, KEY + h


def _check_key(store: Any, scope: str, key: str | None, body_sha: str) -> None:
    if not key:
        return
    graph, _ = _key_node(scope, key)
    rows = store.select(bound(PFX + "SELECT ?g ?h WHERE { GRAPH ?g { ?k pkg:contentHash ?h } }",
                              {"g": ox.NamedNode(graph)}), registry=True)
    if rows and rows[0]["h"].value != body_sha:
        raise Conflict("Idempotency-Key already used with a different body",
                       {"field": "Idempotency-Key", "value": key})


def _save_key(store: Any, scope: str, key: str | None, body_sha: str, target: str) -> None:
    if not key:
        return
    graph, node = _key_node(scope, key)
    if _key_exists(store, graph, node):
        return
    g = Graph()
    n = URIRef(node)
    g.add((n, PKG.idempotencyKey, Literal(key)))
    g.add((n, PKG.contentHash, Literal(body_sha)))
    g.add((n, PROV_ENTITY, URIRef(target)))
    _write_new(store, graph, g, node, None)


def claim_key(store: Any, scope: str, key: str | None, body_sha: str, target: str | None = None) -> None:
    """409 if `key` was used with another body; with `target`, remember the key for it."""
    with _WRITE_LOCK:
        _check_key(store, scope, key, body_sha)
        if target is not None:
            _save_key(store, scope, key, body_sha, target)
    _durable(store)


# -- submissions -----------------------------------------------------------
def exists(store: Any, sid: str) -> bool:
    return _exists(store, submission_graph_name(sid), RECORD + sid, PKG.SubmissionRecord)


def key_of_subject(store: Any, subject: str) -> str | None:
    """The project key of the stored submissions about `subject` (the IRI a JSON-form id names), if any."""
    q = PFX + "SELECT ?k { GRAPH ?g { ?r a pkg:SubmissionRecord ; pkg:projectKey ?k ; foaf:primaryTopic ?t } } LIMIT 1"
    rows = store.select(bound(q, {"t": t}), registry=True) if (t := iri(subject)) is not None else []
    return rows[0]["k"].value if rows else None


def project_known(store: Any, key: str) -> bool:
    """Whether a stored submission has this project key."""
    q = PFX + "ASK { GRAPH ?g { ?rec a pkg:SubmissionRecord ; pkg:projectKey ?key } }"
    return store.ask(bound(q, {"key": ox.Literal(key)}), registry=True)


class RegistryMoved(Exception):
    """The registry took a write between a decision's reading of it and its storing: decide again."""


def store_submission(store: Any, *, sha256: str, fmt: str, data: Graph, subject: str | None,
                     project_key: str, report: Graph, receipt: dict[str, Any],
                     idempotency_key: str | None = None, graph_sha256: str | None = None,
                     durable: bool = True) -> tuple[str, bool]:
    """Store one submission with its report; (id, created). Idempotent by graph and by key.

    `sha256` is the hash of the submitted bytes (kept as pkg:contentHash); the id is the
    hash of the graph (`graph_hash(data)` unless given). RegistryMoved when the registry is not in the
    state the receipt quotes (a write came between the decision and now)."""
    ghash = graph_sha256 or graph_hash(data)
    sid = submission_id(ghash)
    graph = submission_graph_name(sid)
    with _WRITE_LOCK:
        _check_key(store, "submission", idempotency_key, ghash)
        rec = URIRef(RECORD + sid)
        created = not _exists(store, graph, str(rec), PKG.SubmissionRecord)
        seen = (receipt.get("registry") or {}).get("sequence")
        now = registry_state(store)["sequence"]
        if created and isinstance(seen, int) and now != seen:
            if moved_since(store, project_key, credit_codes(data, subject), seen):
                raise RegistryMoved(seen)  # a record the decision could have read was written after it: decide again
            receipt["registry"] = {**receipt["registry"], "storedAfter": now}  # others' records only (scopes.py)
        if created:
            _put(store, graph, submission_quads(sid, sha256=sha256, fmt=fmt, data=data, subject=subject,
                                                project_key=project_key, report=report, receipt=receipt,
                                                sequence=now + 1))
            _bump(store, str(rec), now + 1)
        _save_key(store, "submission", idempotency_key, ghash, RECORD + sid)
    if durable:  # else the caller calls make_durable() before acknowledging
        _durable(store)  # outside the lock: the next writer goes on while this flush (shared with others) runs
    return sid, created


# -- awards ----------------------------------------------------------------
def award_id(project_key: str, measure: str, amount: Decimal, when: date) -> str:
    canon = json.dumps([project_key, measure, format(amount.normalize(), "f"), when.isoformat()])
    return hashlib.sha256(canon.encode()).hexdigest()[:32]


def record_award(store: Any, *, project_key: str, measure: str, amount: Decimal, when: date,
                 credit_code: str | None, body_sha: str, idempotency_key: str | None = None
                 ) -> tuple[dict[str, Any], bool]:
    aid = award_id(project_key, measure, amount, when)
    graph = AWARD_GRAPH + aid
    with _WRITE_LOCK:
        _check_key(store, "award", idempotency_key, body_sha)
        a = URIRef(AWARD + aid)
        created = not _exists(store, graph, str(a), PKG.AwardRecord)
        if created:
            n = registry_state(store)["sequence"] + 1
            _put(store, graph, award_quads(aid, project_key=project_key, measure=measure, amount=amount,
                                           when=when.isoformat(), credit_code=credit_code, at=_now(), sequence=n))
            _bump(store, str(a), n)
        _save_key(store, "award", idempotency_key, body_sha, AWARD + aid)
    _durable(store)
    award = {"id": aid, "iri": AWARD + aid, "project": project_key, "measure": measure,
             "amount": float(amount), "date": when.isoformat(), "creditCode": credit_code}
    return award, created


# The required part in a sub-SELECT holding the VALUES block, the OPTIONALs outside it: what Virtuoso compiles fastest
# (a project's awards 5.7 -> 2.4 ms with a new key each time, IN_ORDER); the same answer on every engine.
AWARDS_Q = PFX + IN_ORDER + """SELECT ?a ?key ?m ?amount ?date ?cc ?at WHERE {
  { SELECT ?a ?key ?m ?amount ?date WHERE {
""" + VALUES_HERE + """    ?a pkg:projectKey ?key ; a pkg:AwardRecord ; pkg:measure ?m ; pkg:amount ?amount ; pkg:awardDate ?date .
    FILTER (STRSTARTS(STR(?a), "AWARD_BASE"))
  } }
  OPTIONAL { ?a pkg:submittedAt ?at }
  OPTIONAL { ?a pkg:creditCode ?cc }
} ORDER BY ?date ?a""".replace("AWARD_BASE", AWARD)  # the registry's own award records, never a submission's triples


def _award_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": r["a"].value.rsplit("/", 1)[-1], "iri": r["a"].value, "project": r["key"].value,
             "measure": r["m"].value, "amount": Decimal(r["amount"].value), "date": r["date"].value,
             "creditCode": r["cc"].value if "cc" in r else None,
             "recordedAt": r["at"].value if "at" in r else None} for r in rows]


def awards_for_project(store: Any, project_key: str) -> list[dict[str, Any]]:
    return _award_rows(store.select(bound(AWARDS_Q, {"key": ox.Literal(project_key)}), registry=True))


def awards_for_enterprise(store: Any, credit_code: str, measure: str | None = None,
                          big: bool = False) -> list[dict[str, Any]]:
    """The enterprise's awards; of one measure only when given (in VALUES: the largest enterprise's
    yearly-cap check reads its awards of that measure, not all of them: 33 -> ~ms at 10k)."""
    q = AWARDS_Q.replace("OPTIONAL { ?a pkg:creditCode ?cc }", "").replace(
        "SELECT ?a ?key ?m ?amount ?date WHERE", "SELECT ?a ?key ?m ?amount ?date ?cc WHERE")  # its ?cc bound inside
    # in join order (IN_ORDER): creditCode first (×2000 for most enterprises); an enterprise with more than BIG
    # records (its code on each submission's applicant: 56,000 at 100k) from the measure's awards (or every award)
    line = "?a pkg:projectKey ?key ; a pkg:AwardRecord ; pkg:measure ?m ; pkg:amount ?amount ; pkg:awardDate ?date ."
    entry = ("?a pkg:measure ?m ; a pkg:AwardRecord ; pkg:creditCode ?cc ;" if measure is not None else
             "?a a pkg:AwardRecord ; pkg:measure ?m ; pkg:creditCode ?cc ;") if big else \
        "?a pkg:creditCode ?cc ; a pkg:AwardRecord ; pkg:measure ?m ;"
    q = q.replace(line, entry + " pkg:projectKey ?key ; pkg:amount ?amount ; pkg:awardDate ?date .", 1)
    if "pkg:creditCode ?cc ;" not in q:  # never the awards of every enterprise because AWARDS_Q was reworded
        raise AssertionError("awards_for_enterprise: AWARDS_Q no longer has the line it rewrites")
    values: dict[str, ox.NamedNode | ox.Literal] = {"cc": ox.Literal(credit_code)}
    if measure is not None:
        values["m"] = ox.NamedNode(measure)
    return _award_rows(store.select(bound(q, values), registry=True))


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
