"""What a SPARQL text is, read before any engine sees it (docs/architecture.md (security)).

A small lexer splits the text into strings, IRIs, comments, variables, prefixed
names, keywords and punctuation, so that a keyword inside a string or an IRI is
never taken for one. From the tokens we learn the query form (for content
negotiation), refuse what must not run (SERVICE: the engines fetch URLs; updates;
extension functions other than XSD casts, e.g. Virtuoso's bif:), see whether the
query names its own dataset (FROM / FROM NAMED, and which graphs), and find where
the outermost WHERE group opens (to bind parameters with a VALUES block on a remote
store). Brackets nested deeper than MAX_NESTING are refused (400) before any
parser sees them: 3,000 levels of `{` overflow pyoxigraph's stack (the process
dies), and its time grows steeply with `[` nesting (100 levels: 1.7 s, 200: > 20 s).

Codepoint escapes (\\u0053ERVICE) are not expanded: pyoxigraph does not expand them
outside strings either, so such a text is a syntax error for the engine that parses
every query first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from policykg.errors import BadInput, Forbidden

XSD = "http://www.w3.org/2001/XMLSchema#"
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
MAX_NESTING = 64  # `{`, `(` and `[` together; real queries stay under 15, 64 levels of `[` parse in 0.5 s
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                   |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040\u00c0-\uffff]+)
      | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:(?:[\w\-.:%\\\u00b7\u00c0-\uffff]*[\w\-:%\u00b7\u00c0-\uffff])?)
      | (?P<bnode>_:[\w.\-\u00c0-\uffff]+)
      | (?P<word>[A-Za-z][A-Za-z0-9_]*)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


@dataclass
class QueryInfo:
    """What the lexer learned about one query text."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    has_dataset: bool  # FROM or FROM NAMED
    where_open: int | None  # offset just after the `{` of the outermost WHERE group
    prefixes: dict[str, str] = field(default_factory=dict)
    from_graphs: tuple[str, ...] = ()  # FROM <g>, expanded (relative IRIs left to the engine)
    from_named: tuple[str, ...] = ()  # FROM NAMED <g>
    toks: tuple[Token, ...] = ()  # the tokens read (sparql/cost.py reads them again, without lexing twice)


def tokens(text: str) -> list[Token]:
    """Every meaningful token (whitespace and comments dropped)."""
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append(Token(kind, m.group(), m.start()))
    return out


def check_nesting(text: str, toks: list[Token], limit: int = MAX_NESTING) -> None:
    """400 naming the limit and the position when `{`, `(` and `[` nest deeper than `limit`."""
    depth = 0
    for t in toks:
        if t.kind != "other":
            continue
        if t.text in "{([":
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, t.start) + 1
                column = t.start - (text.rfind("\n", 0, t.start) + 1) + 1
                raise BadInput(f"the query nests brackets more than {limit} levels deep "
                               f"(at line {line}, column {column})",
                               {"maxNesting": limit, "line": line, "column": column, "offset": t.start})
        elif t.text in "})]":
            depth = max(0, depth - 1)


def prologue_end(toks: list[Token]) -> tuple[int, dict[str, str]]:
    """Index of the first token after BASE/PREFIX declarations, and the declared prefixes."""
    i, prefixes = 0, {}
    while i < len(toks):
        kw = toks[i].text.upper() if toks[i].kind == "word" else ""
        if kw == "BASE" and i + 1 < len(toks):
            i += 2
        elif kw == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            prefixes[toks[i + 1].text[:-1]] = toks[i + 2].text[1:-1]
            i += 3
        else:
            break
    return i, prefixes


def inspect(text: str, default_prefixes: dict[str, str] | None = None) -> QueryInfo:
    """Refuse updates, SERVICE and extension functions (403); say what the query is.

    Syntax errors are left to the engine, which reports line and column; a text whose
    form cannot be recognised here is reported as SELECT so that the engine parses it.
    """
    toks = tokens(text)
    check_nesting(text, toks)
    start, prefixes = prologue_end(toks)
    prefixes = {**(default_prefixes or {}), **prefixes}
    first = toks[start].text.upper() if start < len(toks) and toks[start].kind == "word" else ""
    if first in UPDATE_KEYWORDS:
        raise Forbidden("SPARQL updates are not accepted: this endpoint is read-only",
                        {"operation": first, "offset": toks[start].start})
    form = first if first in QUERY_FORMS else "SELECT"
    has_dataset, where_open = False, None
    from_graphs: dict[str, list[str]] = {"default": [], "named": []}
    depth, in_modifiers = 0, False  # GROUP BY / ORDER BY / HAVING conditions up to the next brace
    for i, t in enumerate(toks):
        up = t.text.upper() if t.kind == "word" else ""
        in_modifiers = (in_modifiers or up in ("BY", "HAVING")) and t.text not in ("{", "}")
        if up == "SERVICE":
            raise Forbidden("SPARQL SERVICE is not allowed: the endpoint never fetches other URLs",
                            {"offset": t.start})
        if up == "FROM" and depth == 0:
            has_dataset = True
            _dataset_clause(toks, i, prefixes, from_graphs)
        if t.kind in ("iri", "pname") and i + 1 < len(toks) and toks[i + 1].text == "(":
            iri = t.text[1:-1] if t.kind == "iri" else _expand(t.text, prefixes)
            if (iri is None or not iri.startswith(XSD)) and (in_modifiers or not _after_predicate(toks, i)):
                raise Forbidden("extension functions are not allowed (only SPARQL 1.1 built-ins and XSD casts)",
                                {"function": t.text, "offset": t.start})
        if t.text == "{":
            if depth == 0 and where_open is None and (form != "CONSTRUCT" or _prev_word(toks, i) == "WHERE"):
                where_open = t.start + 1
            depth += 1
        elif t.text == "}":
            depth -= 1
    return QueryInfo(form, has_dataset, where_open, prefixes,
                     tuple(from_graphs["default"]), tuple(from_graphs["named"]), tuple(toks))


def _dataset_clause(toks: list[Token], i: int, prefixes: dict[str, str], out: dict[str, list[str]]) -> None:
    """The graph of `FROM [NAMED] <g>` at toks[i] (a text the engine will refuse is skipped)."""
    named = i + 1 < len(toks) and toks[i + 1].kind == "word" and toks[i + 1].text.upper() == "NAMED"
    j = i + 2 if named else i + 1
    if j >= len(toks):
        return
    iri = toks[j].text[1:-1] if toks[j].kind == "iri" else _expand(toks[j].text, prefixes) \
        if toks[j].kind == "pname" else None
    if iri is not None:
        out["named" if named else "default"].append(iri)


def _expand(pname: str, prefixes: dict[str, str]) -> str | None:
    pfx, _, local = pname.partition(":")
    return prefixes[pfx] + local if pfx in prefixes else None


def _after_predicate(toks: list[Token], i: int) -> bool:
    """`?s ex:p (1 2)`: an RDF collection after a predicate, not a function call.

    A term is a predicate when the token before it is a subject (variable, IRI,
    prefixed name, blank node, `]`) or a `;` – inside a triple pattern, never in an
    expression, where the token before a function call is an operator or `(`.
    """
    if i == 0:
        return False
    prev = toks[i - 1]
    return prev.kind in ("var", "iri", "pname", "bnode") or prev.text in ("]", ";")


def _prev_word(toks: list[Token], i: int) -> str:
    return toks[i - 1].text.upper() if i and toks[i - 1].kind == "word" else ""


def values_block(bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """`VALUES (?a ?b) { (term term) }` from typed terms, each written by the engine (str(term))."""
    names = sorted(bindings)
    for n in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n):
            raise ValueError(f"not a variable name: {n!r}")
        if not isinstance(bindings[n], (ox.NamedNode, ox.Literal)):
            raise ValueError(f"parameter {n} must be an IRI or a literal")
    head = " ".join(f"?{n}" for n in names)
    row = " ".join(str(bindings[n]) for n in names)
    return f" VALUES ({head}) {{ ({row}) }} "


def bind_with_values(text: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with its parameters bound by a VALUES block opening the outermost WHERE group.

    Used where pyoxigraph substitutions are not available (a remote store). Within the
    WHERE group's own filters, OPTIONALs and EXISTS this binds like a substitution; a
    parameter used only inside a sub-SELECT is not reached (library queries do not).
    """
    if not bindings:
        return text
    info = inspect(text)
    if info.where_open is None:
        raise ValueError("the query has no WHERE group to bind parameters in")
    return text[: info.where_open] + values_block(bindings) + text[info.where_open :]
