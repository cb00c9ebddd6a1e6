"""Deterministic clause segmentation of the verbatim sources (policies/sources/*.txt).

Same source bytes -> same clauses -> same IRIs on every run; `python -m policykg.corpus`
writes policies/clauses/<slug>.ttl. The work is split in two modules, re-exported here:
server/corpus/clause_parse.py (line parsing, labels, the clause tree, segment_document; its
docstring gives the rules) and server/corpus/clause_rdf.py (source anomalies, kept and flagged,
never fixed; the RDF graph, its Turtle serialisation and the clause files).
"""
from __future__ import annotations

import sys

from policykg.corpus.clause_parse import (
    CJK,
    STYLES,
    Clause,
    Label,
    clean,
    cn2int,
    int2cn,
    join_text,
    match_label,
    normalise_for_match,
    segment_document,
)
from policykg.corpus.clause_rdf import Anomaly, build_all, clauses_graph, find_anomalies, serialise, write_all
from policykg.corpus.manifest import ROOT, load_entries

__all__ = [
    "CJK", "STYLES", "Anomaly", "Clause", "Label", "build_all", "clauses_graph", "clean", "cn2int",
    "find_anomalies", "int2cn", "join_text", "main", "match_label", "normalise_for_match",
    "segment_document", "serialise", "write_all",
]


def main() -> int:
    """`python -m policykg.corpus`: print clause counts per document and write the clause files."""
    for e in load_entries():
        clauses = segment_document(e)
        found = find_anomalies(clauses, e.doc_iri)
        print(f"{e.slug:24} {len(clauses):4} clauses  {len(found)} anomalies")
        for a in found:
            print(f"  {a.kind:16} {a.label:8} {a.iri}")
    for p in write_all():
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
