"""The shape generator: SHACL shapes generated from the measure data of the corpus (one source of
truth for every number), one file per document plus the cross-policy rules.
`python -m policykg.shapes` writes shapes/.
"""
from policykg.shapes.generate import differences, generate
from policykg.shapes.model import Corpus, corpus_graph

__all__ = ["Corpus", "corpus_graph", "differences", "generate"]
