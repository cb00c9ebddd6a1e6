"""Which measures a project may not hold together, by the rules of the corpus.

Two measures conflict when the corpus forbids holding both: an exclusive group (one support mode,
一种支持方式) or an exclusiveWith pair, or a no-double-funding rule (不重复支持) that governs either of
two measures of different documents (funding under the other is "other municipal funding"). The
same reading as the library query `measure-combinations`. The registry warns of pending submissions
that conflict; matching chooses the best combination without conflicts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policykg.namespaces import PREFIXES

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
RULES_Q = PFX + """
SELECT ?rule ?kind ?m ?doc ?clause WHERE {
  { ?rule a pkg:ExclusiveGroup ; pkg:member ?m . BIND("exclusive" AS ?kind) }
  UNION { ?rule a pkg:DoubleFundingExclusion ; pkg:appliesToMeasure ?m . BIND("no-double-funding" AS ?kind) }
  ?m pkg:definedIn ?doc .
  OPTIONAL { ?rule prov:wasDerivedFrom ?clause } }"""
PAIRS_Q = PFX + "SELECT ?a ?b ?clause WHERE { ?a pkg:exclusiveWith ?b . OPTIONAL { ?a prov:wasDerivedFrom ?clause } }"
DOCS_Q = PFX + "SELECT ?m ?doc WHERE { ?m pkg:slug ?s ; pkg:definedIn ?doc }"


@dataclass(frozen=True)
class Conflict:
    kind: str  # exclusive | no-double-funding
    rule: str | None
    clause: str | None



_ROWS: dict[tuple[int, str], tuple[list, list, list]] = {}
_DONE: dict[tuple[int, str, frozenset[str]], dict[frozenset[str], Conflict]] = {}


def _corpus_rows(store: Any, version: str | None) -> tuple[list, list, list]:
    """The rows of the three corpus queries, once per store and corpus version (eligibility asks for 49 copies)."""
    from policykg.corpus import store_version

    key = (id(getattr(store, "base", store)), version or store_version(store))  # views share their base's rows
    if key not in _ROWS:
        if len(_ROWS) > 4:
            _ROWS.clear()
        _ROWS[key] = (store.select(DOCS_Q), store.select(RULES_Q), store.select(PAIRS_Q))
    return _ROWS[key]


def conflicts(store: Any, measures: list[str], version: str | None = None) -> dict[frozenset[str], Conflict]:
    """Every pair of `measures` that the corpus forbids holding together, with the rule and its clause
    (`version`: the store's corpus version, when the caller knows it)."""
    from policykg.corpus import store_version

    version = version or store_version(store)
    done = _DONE.get((id(getattr(store, "base", store)), version, frozenset(measures)))
    if done is not None:
        return dict(done)
    wanted = set(measures)
    docs_rows, rules_rows, pairs_rows = _corpus_rows(store, version)
    doc = {r["m"].value: r["doc"].value for r in docs_rows if r["m"].value in wanted}
    out: dict[frozenset[str], Conflict] = {}
    groups: dict[tuple[str, str, str | None], set[str]] = {}
    for r in rules_rows:
        if r["m"].value in wanted:
            key = (r["rule"].value, r["kind"].value, r["clause"].value if "clause" in r else None)
            groups.setdefault(key, set()).add(r["m"].value)
    for (rule, kind, clause), members in sorted(groups.items(), key=lambda kv: kv[0][1]):  # exclusive first
        c = Conflict(kind, rule, clause)
        if kind == "exclusive":
            for a in members:
                for b in members - {a}:
                    out.setdefault(frozenset((a, b)), c)
        else:  # a governed measure and any measure of another document
            for a in members:
                for b in wanted - {a}:
                    if doc.get(a) != doc.get(b):
                        out.setdefault(frozenset((a, b)), c)
    for r in pairs_rows:
        a, b = r["a"].value, r["b"].value
        if a in wanted and b in wanted and a != b:
            out.setdefault(frozenset((a, b)), Conflict("exclusive", None, r["clause"].value if "clause" in r else None))
    if len(_DONE) > 256:  # per corpus version and set of measures: matching asks for the same sets again and again
        _DONE.clear()
    _DONE[(id(getattr(store, "base", store)), version, frozenset(measures))] = out
    return dict(out)
