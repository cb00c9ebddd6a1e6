"""Values put into the registry's queries: a VALUES block of terms written by pyoxigraph, never raw text.

pyoxigraph does not use `substitutions` to choose an index (a project's awards among 30,000:
64 ms bound that way, 0.3 ms with VALUES). Each term is serialised by pyoxigraph's own str()
of a NamedNode or Literal, which escapes quotes, `>` and newlines, so a value cannot change the
query (tests/registry/test_bound_values.py).
"""
from __future__ import annotations

import functools

import pyoxigraph as ox

from policykg.sparql import bind_with_values, values_block

# Where a query wants its VALUES block when that is not where its WHERE group opens: inside a sub-SELECT, so that the
# values select its rows before the outer group's OPTIONALs (records.AWARDS_Q). A comment: engines ignore it.
VALUES_HERE = "# (the VALUES block)\n"


def bound(query: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """`query` with its parameters in a VALUES block, each term written by pyoxigraph (str(term) escapes).

    pyoxigraph does not use `substitutions` to choose an index (a project's awards among
    30,000: 64 ms bound that way, 0.3 ms with VALUES); a value is never spliced as raw text.
    The registry's queries are constants: where their WHERE group opens (or their VALUES_HERE mark) is found once."""
    head, tail = _split(query)
    return head + values_block(bindings) + tail


@functools.lru_cache(maxsize=64)
def _split(query: str) -> tuple[str, str]:
    if query.count(VALUES_HERE) == 1:
        at = query.index(VALUES_HERE) + len(VALUES_HERE)
        return query[:at], query[at:]
    marker = "?__where_open__"
    probe = bind_with_values(query, {"__where_open__": ox.Literal("")})
    at = probe.index(" VALUES (" + marker)
    return query[:at], query[at:]


def iri(value: str) -> ox.NamedNode | None:
    """`value` as an IRI term, or None when pyoxigraph does not accept it as one (a user's text is not a 500)."""
    try:
        return ox.NamedNode(value)
    except ValueError:
        return None
