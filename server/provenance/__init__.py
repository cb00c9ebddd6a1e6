"""Documents, clauses and measures as people read them: the catalog of labels and kinds, document
and clause detail, measures with their parameters, and trace chains from any rule to its clause.
"""
from policykg.provenance.catalog import PFX, catalog, kind_of, kinds, pyval, resolve
from policykg.provenance.detail import clause_detail, document_detail, search_clauses, trace
from policykg.provenance.documents import list_documents
from policykg.provenance.labels import iri_labels
from policykg.provenance.measures import list_measures, measure_detail
from policykg.provenance.vocabulary import vocabulary

__all__ = ["vocabulary", "iri_labels", "PFX", "catalog", "clause_detail", "document_detail", "kind_of", "kinds", "list_documents", "list_measures", "measure_detail", "pyval", "resolve", "search_clauses", "trace"]
