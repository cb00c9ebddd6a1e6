"""SPARQL as text: the guard that reads a query before any engine does (forms, SERVICE, nesting),
result formats and content negotiation, and the named query library (queries/*.rq).

Pure functions over strings and pyoxigraph terms: no store, no processes (those are endpoint/).
"""
from policykg.sparql.cost import Pattern, basic_patterns, connected
from policykg.sparql.formats import (
    Answer,
    QueryJob,
    TooManyRows,
    evaluate,
    negotiate,
    restricted_dataset,
    serialize,
    serialize_ntriples,
    syntax_detail,
)
from policykg.sparql.guard import QueryInfo, bind_with_values, inspect, values_block
from policykg.sparql.library import NamedQuery, load_library, metadata_quads, parse_query_file

__all__ = ["Answer", "NamedQuery", "Pattern", "QueryInfo", "basic_patterns", "connected", "QueryJob", "TooManyRows", "bind_with_values", "evaluate", "inspect", "restricted_dataset", "values_block", "load_library", "metadata_quads", "negotiate", "parse_query_file", "serialize", "serialize_ntriples", "syntax_detail"]
