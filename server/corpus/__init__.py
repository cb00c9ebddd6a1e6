"""The corpus on disk: the manifest, the segmenter (sources -> clauses), which files make which
named graph and the corpus version, and the index of what a submission may name.

Lowest layer above sparql/: it reads files and knows nothing of stores, validation or HTTP.
"""
from policykg.corpus.files import (
    CORPUS_NODE,
    META_GRAPH,
    SHAPES_GRAPH,
    corpus_files,
    corpus_version,
    iter_corpus_quads,
    load_manifest,
    parse_file,
)
from policykg.corpus.index import PolicyIndex, build_index, store_version
from policykg.corpus.manifest import load_entries
from policykg.corpus.segment import clauses_graph, normalise_for_match, serialise

__all__ = ["CORPUS_NODE", "META_GRAPH", "PolicyIndex", "SHAPES_GRAPH", "build_index", "clauses_graph", "corpus_files", "corpus_version", "iter_corpus_quads", "load_entries", "load_manifest", "normalise_for_match", "parse_file", "serialise", "store_version"]
