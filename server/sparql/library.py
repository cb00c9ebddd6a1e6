"""The named query library (docs/architecture.md (house style)): queries/<name>.rq with a strict `#+ ` YAML header.

Header keys: summary, description (required, non-empty), tags (list), params (a
mapping name -> {type, default, description, scheme}), clauses (clause IRIs the query
is about), expect_empty (violation checks), dataset (`corpus`, the default: the
corpus graphs, as on /sparql; `corpus+registry`: also the registry's submissions and
awards – curated registry-*.rq only, run by GET /api/queries/{name}), reads (`awards`, with corpus+registry: the
query matches award records and corpus resources only, and may be answered from an in-memory copy of those). Anything else, a param without a known
type, a default that is not of its type, a param that the query does not use, or
(for SELECT) does not project, is an error naming the file and line: metadata never
goes missing silently. A param without a default is optional: left unbound, it
matches anything.

Values from users become typed RDF terms here and are bound by the engine
(pyoxigraph substitutions, which need the variable in the projection) or by a
VALUES block built from the terms on a remote store; they are never spliced.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from policykg.errors import BadInput, CorpusError, PolicyKGError
from policykg.namespaces import BASE, PREFIXES
from policykg.sparql.guard import inspect, prologue_end, tokens

PKG = "https://w3id.org/policykg/ontology#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
QUERY_BASE = "https://w3id.org/policykg/query/"
QUERIES_GRAPH = "https://w3id.org/policykg/graph/queries"

PARAM_TYPES = {"string", "integer", "decimal", "date", "iri", "concept", "boolean"}
HEADER_KEYS = {"summary", "description", "tags", "params", "clauses", "expect_empty", "dataset", "reads"}
DATASETS = ("corpus", "corpus+registry")
# `reads: awards` (with dataset corpus+registry): the query matches the registry's award records and corpus resources
# only, so the server may answer it from its in-memory copy of those (server/registry/award_copy.py)
READS = ("awards",)
PARAM_KEYS = {"type", "default", "description", "scheme"}
SCHEMES = {"project-type", "industry-category", "certification", "status"}
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Param:
    name: str
    type: str
    default: Any = None
    description: str = ""
    scheme: str | None = None  # for type concept: the concept scheme of the slug

    def term(self, value: Any) -> ox.NamedNode | ox.Literal:
        """The typed RDF term for a user's value; BadInput (400) naming the param if it is not of the type."""
        try:
            return _term(self, _text(value))
        except (ValueError, KeyError, InvalidOperation):
            raise BadInput(f"parameter {self.name!r} must be {_EXPECT[self.type]}",
                           {"param": self.name, "type": self.type, "value": _text(value)}) from None


_EXPECT = {
    "string": "a string", "integer": "an integer", "decimal": "a decimal number",
    "date": "a date YYYY-MM-DD", "boolean": "true or false",
    "iri": "an absolute IRI, a path under https://w3id.org/policykg/, or prefix:name",
    "concept": "a concept slug (skos:notation, e.g. old-factory)",
}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _term(p: Param, v: str) -> ox.NamedNode | ox.Literal:
    if p.type == "string":
        return ox.Literal(v)
    if p.type == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", v.strip()):
            raise ValueError(v)
        return ox.Literal(str(int(v)), datatype=ox.NamedNode(XSD + "integer"))
    if p.type == "decimal":
        d = Decimal(v.strip())
        if not d.is_finite():
            raise ValueError(v)
        return ox.Literal(format(d, "f"), datatype=ox.NamedNode(XSD + "decimal"))
    if p.type == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.strip()):
            raise ValueError(v)
        return ox.Literal(dt.date.fromisoformat(v.strip()).isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if p.type == "boolean":
        b = {"true": "true", "1": "true", "false": "false", "0": "false"}[v.strip().lower()]
        return ox.Literal(b, datatype=ox.NamedNode(XSD + "boolean"))
    if p.type == "concept":
        if v.startswith(BASE + "concept/"):
            return ox.NamedNode(v)
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", v.strip()):
            raise ValueError(v)
        return ox.NamedNode(f"{BASE}concept/{p.scheme}/{v.strip()}")
    return ox.NamedNode(expand_iri(v.strip()))


def expand_iri(v: str) -> str:
    """An absolute http(s) IRI, prefix:name with the project's prefixes, or a path under BASE."""
    if re.match(r"https?://", v):
        return ox.NamedNode(v).value
    pfx, colon, local = v.partition(":")
    if colon and pfx in PREFIXES and not local.startswith("//"):
        return ox.NamedNode(PREFIXES[pfx] + local).value
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._~/-]*", v):
        return ox.NamedNode(BASE + v).value
    raise ValueError(v)


@dataclass
class NamedQuery:
    name: str
    path: Path
    summary: str
    description: str
    text: str
    tags: list[str] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    expect_empty: bool = False
    dataset: str = "corpus"  # or "corpus+registry"
    reads: str | None = None  # "awards": of the registry, the award records only (READS)

    @property
    def reads_registry(self) -> bool:
        return self.dataset == "corpus+registry"

    @property
    def iri(self) -> str:
        return QUERY_BASE + self.name

    @property
    def is_violation_check(self) -> bool:
        return self.name.endswith("-violation")

    def bindings(self, given: dict[str, Any]) -> dict[str, ox.NamedNode | ox.Literal]:
        """Typed terms for the given values, defaults for the rest; unknown names are a 400."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise BadInput(f"unknown parameter(s) {unknown} for query {self.name!r}",
                           {"unknown": unknown, "params": sorted(known)})
        out = {}
        for p in self.params:
            value = given.get(p.name, p.default)
            if value is not None and value != "":
                out[p.name] = p.term(value)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "iri": self.iri, "summary": self.summary, "description": self.description,
            "tags": self.tags, "clauses": self.clauses, "violationCheck": self.is_violation_check,
            "dataset": self.dataset, **({"reads": self.reads} if self.reads else {}),
            "params": [{"name": p.name, "type": p.type, "default": None if p.default is None else _text(p.default),
                        "description": p.description, **({"scheme": p.scheme} if p.scheme else {})}
                       for p in self.params],
            "text": self.text,
        }


def _header(lines: list[str], fname: str) -> tuple[dict[str, Any], int]:
    header, first = [], None
    for i, line in enumerate(lines, 1):
        if line.startswith("#+"):
            header.append(line[3:] if line.startswith("#+ ") else line[2:])
            first = first or i
        elif line.strip() and not line.startswith("#"):
            break
    if not header:
        raise CorpusError("missing `#+ ` YAML metadata header", fname, 1)
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "context_mark", None) or getattr(e, "problem_mark", None)
        raise CorpusError(f"bad YAML in header: {e}", fname, (first or 1) + (mark.line if mark else 0)) from None
    if not isinstance(meta, dict):
        raise CorpusError("header must be a YAML mapping", fname, first)
    return meta, first or 1


def _line_of(lines: list[str], key: str, default: int) -> int:
    for i, line in enumerate(lines, 1):
        if line.startswith("#+") and re.match(rf"#\+\s+{re.escape(key)}\s*:", line):
            return i
    return default


def parse_query_file(path: Path) -> NamedQuery:
    """Parse one .rq; bad metadata is a CorpusError naming the file and line (never silently dropped)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    meta, first = _header(lines, path.name)

    def fail(msg: str, key: str | None = None) -> CorpusError:
        return CorpusError(msg, path.name, _line_of(lines, key, first) if key else first)

    unknown = set(meta) - HEADER_KEYS
    if unknown:
        raise fail(f"unknown header keys {sorted(unknown)} (allowed: {sorted(HEADER_KEYS)})", sorted(unknown)[0])
    for key in ("summary", "description"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise fail(f"header needs a non-empty `{key}`", key)
    tags = meta.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise fail("`tags` must be a list of non-empty strings", "tags")
    clauses = meta.get("clauses") or []
    if not isinstance(clauses, list) or not all(isinstance(c, str) and c.startswith(BASE + "doc/") for c in clauses):
        raise fail(f"`clauses` must be a list of clause IRIs under {BASE}doc/", "clauses")
    if meta.get("dataset", "corpus") not in DATASETS:
        raise fail(f"`dataset` must be one of {list(DATASETS)}", "dataset")
    if meta.get("reads") is not None and (meta["reads"] not in READS or meta.get("dataset") != "corpus+registry"):
        raise fail(f"`reads` must be one of {list(READS)}, in a query whose dataset is corpus+registry", "reads")
    if not isinstance(meta.get("expect_empty", False), bool):
        raise fail("`expect_empty` must be true or false", "expect_empty")
    try:
        info = inspect(text, PREFIXES)
    except PolicyKGError as e:
        raise fail(f"query refused: {e.message}") from None
    variables = {t.text[1:] for t in tokens(text) if t.kind == "var"}
    projected = _projection(text, info.form)
    params = []
    specs = meta.get("params") or {}
    if not isinstance(specs, dict):
        raise fail("`params` must be a mapping of name -> {type, default, description}", "params")
    for pname, spec in specs.items():
        where = str(pname)
        if not isinstance(pname, str) or not NAME.fullmatch(pname):
            raise fail(f"param name {pname!r} is not a SPARQL variable name", where)
        if not isinstance(spec, dict) or spec.get("type") not in PARAM_TYPES:
            raise fail(f"param {pname!r} needs a type in {sorted(PARAM_TYPES)}", where)
        extra = set(spec) - PARAM_KEYS
        if extra:
            raise fail(f"param {pname!r} has unknown keys {sorted(extra)} (allowed: {sorted(PARAM_KEYS)})", where)
        if spec["type"] == "concept" and spec.get("scheme") not in SCHEMES:
            raise fail(f"concept param {pname!r} needs a scheme in {sorted(SCHEMES)}", where)
        if not isinstance(spec.get("description", ""), str):
            raise fail(f"param {pname!r}: description must be text", where)
        p = Param(pname, spec["type"], spec.get("default"), spec.get("description", ""), spec.get("scheme"))
        if p.default is not None:
            try:
                p.term(p.default)
            except BadInput:
                raise fail(f"default of param {pname!r} is not {_EXPECT[p.type]}: {p.default!r}", where) from None
        if pname not in variables:
            raise fail(f"param {pname!r} is not a variable of the query", where)
        if projected is not None and pname not in projected:
            raise fail(f"param {pname!r} must be projected by the SELECT (pyoxigraph binds projected variables)",
                       where)
        params.append(p)
    return NamedQuery(
        name=path.stem, path=path, summary=meta["summary"].strip(), description=meta["description"].strip(),
        text=text, tags=[t.strip() for t in tags], params=params, clauses=list(clauses),
        expect_empty=bool(meta.get("expect_empty", False)), dataset=meta.get("dataset", "corpus"),
        reads=meta.get("reads"),
    )


def _projection(text: str, form: str) -> set[str] | None:
    """Variables of the outermost SELECT clause (None: not a SELECT, or SELECT *)."""
    if form != "SELECT":
        return None
    toks = tokens(text)
    i, _ = prologue_end(toks)
    out, depth = set(), 0
    for k in range(i + 1, len(toks)):
        t = toks[k]
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif depth == 0 and (t.text == "{" or (t.kind == "word" and t.text.upper() in ("WHERE", "FROM"))):
            break
        elif t.text == "*" and depth == 0:
            return None
        elif t.kind == "var" and (depth == 0 or (toks[k - 1].kind == "word" and toks[k - 1].text.upper() == "AS")):
            out.add(t.text[1:])
    return out


def load_library(root: Path) -> dict[str, NamedQuery]:
    return {p.stem: parse_query_file(p) for p in sorted((root / "queries").glob("*.rq"))}


def metadata_quads(root: Path) -> list[ox.Quad]:
    g = ox.NamedNode(QUERIES_GRAPH)
    out: list[ox.Quad] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.Literal | ox.BlankNode) -> None:
        out.append(ox.Quad(s, ox.NamedNode(p), o, g))

    for q in load_library(root).values():
        s = ox.NamedNode(q.iri)
        add(s, RDF_TYPE, ox.NamedNode(PKG + "NamedQuery"))
        add(s, DCT + "identifier", ox.Literal(q.name))
        add(s, DCT + "title", ox.Literal(q.summary))
        add(s, DCT + "description", ox.Literal(q.description))
        add(s, PKG + "queryText", ox.Literal(q.text))
        for t in q.tags:
            add(s, PKG + "tag", ox.Literal(t))
        for c in q.clauses:
            add(s, PKG + "usesClause", ox.NamedNode(c))
        for p in q.params:
            pn = ox.NamedNode(f"{q.iri}/param/{p.name}")
            add(s, PKG + "parameter", pn)
            add(pn, RDF_TYPE, ox.NamedNode(PKG + "QueryParameter"))
            add(pn, PKG + "name", ox.Literal(p.name))
            add(pn, PKG + "paramType", ox.Literal(p.type))
            if p.default is not None:
                add(pn, PKG + "defaultValue", ox.Literal(_text(p.default)))
    return out
