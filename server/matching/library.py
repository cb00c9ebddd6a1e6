"""The library query registry-measure-candidates answered from the sieve's index (matching/sieve.py) instead of the
engine, on the embedded store: the same rows, serialised by the engine itself.

The query's NOT EXISTS over the measure's thresholds runs once per stored submission: ~90 s at 100,000 of them,
beyond any time limit, and pyoxigraph cannot stop a query. The sieve applies the same conditions in Python over the
index of stored projects kept between requests (and in the judgement file): ~0.2 s at 100,000. Its rows are those
the query projects (?measure ?date ?submission ?project ?projectKey ?type ?projectType, in the query's order, then
by the other columns), and they are written by pyoxigraph's own serialisers (a VALUES query over an empty store),
so every format, row cap and byte cap is the engine path's. tests/matching/test_library_rows.py compares them with
the engine's answer for every measure in force. A remote store runs the query itself, under its own time limit.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import pyoxigraph as ox

from policykg.matching.candidates import kept_index, resolve
from policykg.matching.sieve import passing
from policykg.registry import RECORD, cache_for
from policykg.sparql import Answer, QueryJob, evaluate

QUERY = "registry-measure-candidates"
COLUMNS = ("measure", "date", "submission", "project", "projectKey", "type", "projectType")
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")


def answers_in_python(store: Any) -> bool:
    """Whether the library query is answered here: an embedded store (a remote one runs it, time-limited)."""
    return hasattr(getattr(store, "base", store), "ox")


def rows(store: Any, measure: str, day: date, page: tuple[int, int] | None = None) -> list[tuple[Any, ...]]:
    """The query's rows for `measure` (IRI) as of `day`, sorted as it sorts them (by ?submission, then the other
    columns), as engine terms; `page` (limit, offset): those only. The sorted rows are kept until the registry's
    next write (a page after another costs a slice)."""
    m = resolve(store, measure)
    if not m.in_force(day):
        return []
    cache = cache_for(store)
    seq = (cache.state or {}).get("sequence")
    key = ("library-rows", str(m.iri), day.isoformat())
    kept = cache.sieves.get(key)
    if kept is None or kept[0] != seq:
        found = {(sid, x.iri, x.key, t, pt) for sid, x, t, pt in passing(store, m, str(m.iri), kept_index(store, cache))}
        kept = cache.sieves[key] = (seq, sorted(found, key=lambda r: (r[0], r[1], r[2], r[3], r[4] or "")))
    plain = kept[1] if page is None else kept[1][page[1]:page[1] + page[0]]
    mm, dd = ox.NamedNode(str(m.iri)), ox.Literal(day.isoformat(), datatype=XSD_DATE)
    return [(mm, dd, ox.NamedNode(RECORD + sid), _term(iri), ox.Literal(k), ox.NamedNode(t),
             None if pt is None else ox.NamedNode(pt)) for sid, iri, k, t, pt in plain]


def answer(store: Any, measure: str, day: date, job: QueryJob, page: tuple[int, int] | None) -> Answer:
    """The library query's answer (its format, caps and page) from `rows`."""
    limit, offset = page or (job.max_rows + 1, 0)
    found = rows(store, measure, day, (min(limit, job.max_rows + 1), offset))  # one past the cap: marked cut
    values = " ".join("(" + " ".join("UNDEF" if v is None else str(v) for v in r) + ")" for r in found)
    head = " ".join(f"?{c}" for c in COLUMNS)
    text = f"SELECT {head} WHERE {{ VALUES ({head}) {{ {values} }} }}"
    return evaluate(ox.Store(), QueryJob(text=text, fmt=job.fmt, form="SELECT", max_rows=job.max_rows,
                                         max_bytes=job.max_bytes, prefixes=job.prefixes))


def _term(nt: str) -> Any:
    """A project as the index keeps it (N-Triples: <iri> or _:id)."""
    return ox.NamedNode(nt[1:-1]) if nt.startswith("<") else ox.BlankNode(nt[2:])
