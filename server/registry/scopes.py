"""Which registry writes a decision could have read: its enterprise's and its project's.

A decision on a submission reads the registry by two keys only (registry/checks.py, history.py): the
project key (its awards: double funding, prior funding, per-project caps and year limits) and the
enterprise's credit code (its awards and its other projects' pending requests: per-enterprise yearly caps).
Every record (stored submission, award) carries the registry sequence number its write took
(pkg:registrySequence on the record node). A decision quotes the sequence it saw; when it is stored and the
registry has moved on, it still stands if none of the records written since is of its project or its
enterprise (each was another enterprise's other project, which it never read): `moved_since` asks that, in
one query over the two keys. So concurrent writes of different enterprises no longer make each other decide
again (issue 13: POST /api/submissions at c=4 was bounded by revalidation); writes of the same enterprise
or project still do. Records written before sequences were kept carry none: they are older than any
decision that can still be stored.
"""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef

from policykg.namespaces import PKG, PREFIXES
from policykg.registry.quads import AWARD, AWARD_GRAPH, RECORD, SUBMISSION_GRAPH

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
# each record the one of its own graph (a submission's triples cannot pass for a record, nor carry a sequence)
MOVED_Q = PFX + """ASK {
  { VALUES ?key { @KEYS@ } GRAPH ?g { ?rec pkg:projectKey ?key ; pkg:registrySequence ?n } }
  UNION { VALUES ?cc { @CODES@ } GRAPH ?g { ?rec pkg:creditCode ?cc ; pkg:registrySequence ?n } }
  UNION { VALUES ?cc { @CODES@ } GRAPH ?g { ?a pkg:creditCode ?cc . ?s pkg:applicant ?a .
                                           ?rec foaf:primaryTopic ?s ; pkg:registrySequence ?n } }
  FILTER (?n > @SEEN@)
  FILTER (STR(?rec) = CONCAT("@RECORD@", STRAFTER(STR(?g), "@SUBMISSIONS@"))
          || STR(?rec) = CONCAT("@AWARD@", STRAFTER(STR(?g), "@AWARDS@")))
}""".replace("@RECORD@", RECORD).replace("@SUBMISSIONS@", SUBMISSION_GRAPH).replace(
    "@AWARD@", AWARD).replace("@AWARDS@", AWARD_GRAPH)


def credit_codes(data: Graph, subject: str | None) -> set[str]:
    """The credit codes of the submission's applicant (the enterprise whose records a decision reads)."""
    s = URIRef(subject) if subject else None
    return {str(o) for a in data.objects(s, PKG.applicant) for o in data.objects(a, PKG.creditCode)}


def moved_since(store: Any, project_key: str | None, codes: set[str] | frozenset[str], seen: int) -> bool:
    """Whether a record of the project or of one of the enterprises was written after sequence `seen`."""
    if not project_key and not codes:
        return True  # nothing says what the decision read: any write may have mattered
    lits = lambda xs: " ".join(str(ox.Literal(x)) for x in sorted(xs))  # noqa: E731 - values in the text
    q = (MOVED_Q.replace("@KEYS@", lits({project_key} if project_key else set()))
         .replace("@CODES@", lits(codes)).replace("@SEEN@", str(int(seen))))
    return store.ask(q, registry=True)
