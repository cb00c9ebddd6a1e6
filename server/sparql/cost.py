"""Which queries are cheap enough to answer in the server's own process (server/endpoint/fastpath.py).

pyoxigraph cannot cancel a query, so a user query normally runs in a killable worker
process. A query whose cost is bounded by the data before it runs can skip that round
trip. The guard (sparql/guard.py) already tokenises every query; here the tokens are read
once more for the one shape whose cost we can bound: a SELECT or ASK whose WHERE is a
single basic graph pattern (one `{ … }`, no nested group: no OPTIONAL, UNION, MINUS,
GRAPH, EXISTS or sub-query), of plain triple patterns (no property paths, collections or
`[ … ]`), with FILTER / BIND allowed, no FROM, and solution modifiers (ORDER BY, GROUP BY,
LIMIT, …) after it. `basic_patterns` gives its triple patterns, or None for anything
else; fastpath.py then counts each pattern's matches on the public dataset and admits the
query only when the patterns are connected (no cross product) and the product of their
counts – a bound on the join's work – is within a budget.

Conservative by construction: whatever this module does not recognise (numbers in a
pattern, VALUES, paths, nested groups) is "not cheap" and goes to a worker, with the same answer.
"""
from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

import pyoxigraph as ox

from policykg.sparql.guard import QueryInfo, Token, prologue_end, tokens

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
MAX_PATTERNS = 6


@dataclass(frozen=True)
class Pattern:
    """A triple pattern: each position a variable name (str), a constant IRI, or None (a constant
    literal, counted as any value: an over-estimate, never an under-estimate)."""

    s: str | ox.NamedNode | None
    p: str | ox.NamedNode | None
    o: str | ox.NamedNode | None

    def variables(self) -> set[str]:
        return {t for t in (self.s, self.p, self.o) if isinstance(t, str)}


class _NotBasic(Exception):
    pass


def basic_patterns(text: str, info: QueryInfo, base_iri: str | None) -> list[Pattern] | None:
    """The triple patterns of a query that is one basic graph pattern (module docstring), else None."""
    if info.form not in ("SELECT", "ASK") or info.has_dataset:
        return None
    toks = list(info.toks) or tokens(text)
    start, _ = prologue_end(toks)
    braces = [i for i, t in enumerate(toks) if t.kind == "other" and t.text in "{}"]
    if len(braces) != 2 or toks[braces[0]].text != "{" or toks[braces[1]].text != "}" or braces[0] < start:
        return None
    try:
        out = _Reader(toks[braces[0] + 1:braces[1]], info.prefixes, base_iri).patterns()
    except _NotBasic:
        return None
    return out if 0 < len(out) <= MAX_PATTERNS else None


def connected(patterns: list[Pattern]) -> bool:
    """Every pattern shares a variable, directly or through others, with the first: no cross product."""
    reached, rest = set(patterns[0].variables()), list(patterns[1:])
    while rest:
        nxt = [p for p in rest if p.variables() & reached]
        if not nxt:
            return False
        for p in nxt:
            reached |= p.variables()
            rest.remove(p)
    return True


class _Reader:
    def __init__(self, toks: list[Token], prefixes: dict[str, str], base_iri: str | None) -> None:
        self.toks, self.i, self.prefixes, self.base = toks, 0, prefixes, base_iri or ""

    def peek(self) -> Token | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> Token:
        t = self.peek()
        if t is None:
            raise _NotBasic
        self.i += 1
        return t

    def patterns(self) -> list[Pattern]:
        out: list[Pattern] = []
        while (t := self.peek()) is not None:
            if t.text == ".":
                self.i += 1
            elif t.kind == "word" and t.text.upper() in ("FILTER", "BIND"):
                self.i += 1
                if (f := self.peek()) is not None and f.kind in ("word", "pname", "iri") and f.text.upper() != "NOT":
                    self.i += 1  # FILTER regex(…), FILTER xsd:integer(…)
                self._balanced()
            else:
                self._triples(out)
        return out

    def _balanced(self) -> None:
        if self.take().text != "(":
            raise _NotBasic
        depth = 1
        while depth:
            t = self.take()
            if t.kind == "word" and t.text.upper() == "EXISTS":
                raise _NotBasic
            depth += {"(": 1, ")": -1}.get(t.text, 0) if t.kind == "other" else 0

    def _triples(self, out: list[Pattern]) -> None:
        s = self._term(predicate=False)
        while True:
            p = self._term(predicate=True)
            while True:
                out.append(Pattern(s, p, self._term(predicate=False)))
                if (t := self.peek()) is not None and t.text == ",":
                    self.i += 1
                    continue
                break
            t = self.peek()
            if t is not None and t.text == ";":
                while (t := self.peek()) is not None and t.text == ";":
                    self.i += 1
                if t is None or t.text == "." or (t.kind == "word" and t.text.upper() in ("FILTER", "BIND")):
                    return
                continue
            if t is None or t.text == "." or (t.kind == "word" and t.text.upper() in ("FILTER", "BIND")):
                return
            raise _NotBasic  # a path operator, a collection, a number …

    def _term(self, predicate: bool) -> str | ox.NamedNode | None:
        t = self.take()
        if t.kind == "var":
            return t.text[1:]
        if t.kind == "bnode" and not predicate:
            return "_bnode " + t.text  # a blank node in a pattern is a variable no one can project
        if t.kind == "iri":
            return self._iri(urllib.parse.urljoin(self.base, t.text[1:-1]))
        if t.kind == "pname":
            pfx, _, local = t.text.partition(":")
            if pfx not in self.prefixes or "\\" in local:
                raise _NotBasic
            return self._iri(self.prefixes[pfx] + local)
        if predicate and t.kind == "word" and t.text == "a":
            return RDF_TYPE
        if not predicate and t.kind == "string":
            self._literal_suffix()
            return None
        if not predicate and t.kind == "word" and t.text in ("true", "false"):
            return None
        raise _NotBasic

    def _literal_suffix(self) -> None:
        t = self.peek()
        if t is not None and t.text == "@":
            self.i += 1
            while (w := self.peek()) is not None and (w.kind == "word" or w.text == "-"):
                self.i += 1
        elif t is not None and t.text == "^":
            self.i += 1
            if self.take().text != "^" or self.take().kind not in ("iri", "pname"):
                raise _NotBasic

    @staticmethod
    def _iri(value: str) -> ox.NamedNode:
        try:
            return ox.NamedNode(value)
        except ValueError:
            raise _NotBasic from None
