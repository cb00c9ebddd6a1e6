"""The named query library (design.md §1, §4.5): queries/<name>.rq with a strict `#+ ` YAML header."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from .errors import CorpusError

PKG = "https://w3id.org/policykg/ontology#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
QUERY_BASE = "https://w3id.org/policykg/query/"
QUERIES_GRAPH = "https://w3id.org/policykg/graph/queries"

PARAM_TYPES = {"string", "integer", "decimal", "date", "iri", "concept", "boolean"}
HEADER_KEYS = {"summary", "description", "tags", "params", "clauses", "expect_empty"}


@dataclass
class Param:
    name: str
    type: str
    default: Any = None
    description: str = ""


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

    @property
    def iri(self) -> str:
        return QUERY_BASE + self.name

    @property
    def is_violation_check(self) -> bool:
        return self.name.endswith("-violation")


def parse_query_file(path: Path) -> NamedQuery:
    """Parse one .rq; bad metadata is a CorpusError naming the file and line (never silently dropped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header: list[str] = []
    for line in lines:
        if line.startswith("#+"):
            header.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif line.strip() and not line.startswith("#"):
            break
    if not header:
        raise CorpusError("missing `#+ ` YAML metadata header", path.name, 1)
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise CorpusError(f"bad YAML in header: {e}", path.name, (mark.line + 1) if mark else 1) from None
    if not isinstance(meta, dict):
        raise CorpusError("header must be a YAML mapping", path.name, 1)
    unknown = set(meta) - HEADER_KEYS
    if unknown:
        raise CorpusError(f"unknown header keys {sorted(unknown)}", path.name, 1)
    for key in ("summary", "description"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise CorpusError(f"header needs a non-empty `{key}`", path.name, 1)
    params = []
    for pname, spec in (meta.get("params") or {}).items():
        if not isinstance(spec, dict) or spec.get("type") not in PARAM_TYPES:
            raise CorpusError(f"param {pname!r} needs a type in {sorted(PARAM_TYPES)}", path.name, 1)
        params.append(Param(pname, spec["type"], spec.get("default"), spec.get("description", "")))
    tags = meta.get("tags") or []
    if not isinstance(tags, list):
        raise CorpusError("`tags` must be a list", path.name, 1)
    return NamedQuery(
        name=path.stem,
        path=path,
        summary=meta["summary"].strip(),
        description=meta["description"].strip(),
        text="\n".join(lines),
        tags=[str(t) for t in tags],
        params=params,
        clauses=[str(c) for c in meta.get("clauses") or []],
    )


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
                add(pn, PKG + "defaultValue", ox.Literal(str(p.default)))
    return out
