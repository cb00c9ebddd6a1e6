"""What a submission may name, read from the corpus: measure slugs and IRIs, concept slugs.

Built once per corpus version from the store (pyoxigraph or remote) and cached, so
that turning a JSON submission into RDF never re-reads the corpus.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policykg.namespaces import BASE, PREFIXES

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
CONCEPT_BASE = BASE + "concept/"

VERSION_Q = PFX + """
SELECT ?v WHERE { <https://w3id.org/policykg/corpus> pkg:corpusVersion ?v }"""

MEASURES_Q = PFX + """
SELECT DISTINCT ?m ?slug WHERE { ?m pkg:slug ?slug ; pkg:kind ?kind ; pkg:definedIn ?doc }"""

CONCEPTS_Q = PFX + """
SELECT DISTINCT ?c ?n WHERE { ?c a skos:Concept ; skos:notation ?n }"""


@dataclass(frozen=True)
class PolicyIndex:
    """The names a submission may use, for one corpus version."""

    version: str
    measures: dict[str, str] = field(default_factory=dict)  # slug -> measure IRI
    concepts: dict[str, dict[str, str]] = field(default_factory=dict)  # scheme path -> slug -> IRI

    @property
    def measure_iris(self) -> frozenset[str]:
        return frozenset(self.measures.values())

    def measure(self, ref: str) -> str | None:
        """The IRI of a measure named by slug or IRI; None if the corpus has no such measure."""
        if ref in self.measures:
            return self.measures[ref]
        return ref if ref in self.measure_iris else None

    def concept(self, scheme: str, slug: str) -> str | None:
        return self.concepts.get(scheme, {}).get(slug)


_CACHE: dict[str, PolicyIndex] = {}


def store_version(store: Any) -> str:
    """The corpus version the store holds; kept by a store that offers a memo (OxiStore.version_memo, emptied
    when a corpus graph is written), asked again otherwise."""
    memo = getattr(store, "version_memo", None)
    if memo is not None and memo[0]:
        return memo[0]
    rows = store.select(VERSION_Q)
    version = str(rows[0]["v"].value) if rows else ""
    if memo is not None and version:
        memo[0] = version
    return version


def build_index(store: Any) -> PolicyIndex:
    """The index of `store`'s corpus, cached by corpus version."""
    version = store_version(store)
    cached = _CACHE.get(version)
    if cached is not None and version:
        return cached
    measures = {str(r["slug"].value): str(r["m"].value) for r in store.select(MEASURES_Q)}
    concepts: dict[str, dict[str, str]] = {}
    for r in store.select(CONCEPTS_Q):
        iri = str(r["c"].value)
        if iri.startswith(CONCEPT_BASE):
            scheme = iri[len(CONCEPT_BASE):].rsplit("/", 1)[0]
            concepts.setdefault(scheme, {})[str(r["n"].value)] = iri
    index = PolicyIndex(version, measures, concepts)
    if version:
        _CACHE.clear()  # one corpus version at a time
        _CACHE[version] = index
    return index
