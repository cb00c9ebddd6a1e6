"""The zh/en labels of a list of IRIs, from the corpus graphs (POST /api/labels, and the /query tables).

skos:prefLabel first, then rdfs:label, then eli:title (documents), per language; literals in other
languages, or without one, are not labels here. The store's reads see the corpus graphs only, so
the registry (applicants' data) is never read.
"""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

# in order of preference: the first predicate with a label in a language gives that language's label
PREDICATES = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label",
              "http://data.europa.eu/eli/ontology#title")
LABELS_Q = """SELECT ?s ?p ?l WHERE {{ VALUES ?s {{ {iris} }} VALUES ?p {{ {preds} }} ?s ?p ?l
  FILTER(isLiteral(?l) && (LANGMATCHES(LANG(?l), "zh") || LANGMATCHES(LANG(?l), "en"))) }}"""


def iri_labels(store: Any, iris: list[str]) -> dict[str, dict[str, str]]:
    """{iri: {"zh": label, "en": label}} for the IRIs (absolute, already checked) that have one."""
    if not iris:
        return {}
    q = LABELS_Q.format(iris=" ".join(str(ox.NamedNode(i)) for i in iris),
                        preds=" ".join(f"<{p}>" for p in PREDICATES))
    found: dict[str, dict[str, tuple[int, str]]] = {}
    for row in store.select(q):  # the corpus graphs only (Store.select without registry=True)
        lang = "zh" if row["l"].language.lower().startswith("zh") else "en"
        rank = PREDICATES.index(row["p"].value)
        slot = found.setdefault(row["s"].value, {})
        if lang not in slot or (rank, row["l"].value) < slot[lang]:
            slot[lang] = (rank, row["l"].value)
    return {iri: {lang: v[1] for lang, v in sorted(found[iri].items())} for iri in iris if iri in found}
