"""The corpus on disk: which files make which named graph, and the corpus version.

Data flows one way (docs/architecture.md): files -> named graphs -> store. Every file is
parsed by pyoxigraph, whose syntax errors carry line and column; they become a
CorpusError naming the file and line.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from policykg.errors import CorpusError
from policykg.namespaces import GRAPH

CORPUS_DIRS = ("ontology", "policies", "shapes", "queries")

ONTOLOGY_GRAPH = GRAPH["ontology"]
SHAPES_GRAPH = GRAPH["shapes"]
QUERIES_GRAPH = GRAPH["queries"]
META_GRAPH = GRAPH["meta"]
REGISTRY_GRAPH = GRAPH["registry"]
ORGANIZATIONS_GRAPH = GRAPH["organizations"]
CORPUS_NODE = "https://w3id.org/policykg/corpus"


@dataclass
class GraphSource:
    """One named graph of the corpus and the files it is made of."""

    name: str
    files: list[Path] = field(default_factory=list)
    extra: list[ox.Quad] = field(default_factory=list)


def doc_graph_name(slug: str) -> str:
    return str(GRAPH[f"doc/{slug}"])


def load_manifest(root: Path) -> dict:
    path = root / "policies" / "manifest.yaml"
    if not path.exists():
        return {"documents": []}
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    data.setdefault("documents", [])
    return data


def corpus_files(root: Path) -> list[Path]:
    """Every file whose content defines the corpus, sorted (the input of the version hash)."""
    out: list[Path] = []
    for d in CORPUS_DIRS:
        base = root / d
        if base.is_dir():
            out.extend(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return sorted(out)


def corpus_version(root: Path) -> str:
    """SHA-256 over the corpus files' relative paths and bytes: a stale store is detected by it."""
    h = hashlib.sha256()
    for p in corpus_files(root):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def graph_sources(root: Path) -> list[GraphSource]:
    """The named graphs of the corpus: ontology, one per policy document, other policy files, shapes."""
    sources = [GraphSource(str(ONTOLOGY_GRAPH), sorted((root / "ontology").glob("*.ttl")))]
    slugs = [d["slug"] for d in load_manifest(root)["documents"]]
    pol = root / "policies"
    for slug in slugs:
        files = [f for f in (pol / f"{slug}.ttl", pol / "clauses" / f"{slug}.ttl") if f.exists()]
        sources.append(GraphSource(doc_graph_name(slug), files))
    for f in sorted(pol.glob("*.ttl")):  # the gazette issue, the secondary analysis: graph/doc/<stem> too
        if f.stem not in slugs:
            name = ORGANIZATIONS_GRAPH if f.stem == "organizations" else doc_graph_name(f.stem)
            sources.append(GraphSource(str(name), [f]))
    sources.append(GraphSource(str(SHAPES_GRAPH), sorted((root / "shapes").glob("*.ttl"))))
    return sources


def parse_file(path: Path, graph: str, root: Path | None = None) -> list[ox.Quad]:
    """Parse one Turtle file into quads of `graph`; a syntax error names the file and line."""
    shown = path.relative_to(root).as_posix() if root else str(path)
    try:
        triples = list(ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri="https://w3id.org/policykg/"))
    except SyntaxError as e:
        raise CorpusError(e.msg, shown, e.lineno) from None
    # The parser labels blank nodes at random; relabel them in order of appearance,
    # scoped by file, so that loading the same files twice gives the same quads.
    labels: dict[str, ox.BlankNode] = {}
    scope = hashlib.sha256(shown.encode()).hexdigest()[:8]

    def stable(term):  # noqa: ANN001, ANN202 - a pyoxigraph term
        if isinstance(term, ox.BlankNode):
            if term.value not in labels:
                labels[term.value] = ox.BlankNode(f"f{scope}b{len(labels)}")
            return labels[term.value]
        return term

    g = ox.NamedNode(graph)
    return [ox.Quad(stable(t.subject), t.predicate, stable(t.object), g) for t in triples]


def iter_corpus_quads(root: Path) -> Iterator[ox.Quad]:
    """All quads of the corpus, graph by graph, plus the query metadata and the version record."""
    for src in graph_sources(root):
        for f in src.files:
            yield from parse_file(f, src.name, root)
        yield from src.extra
    from policykg.sparql import metadata_quads

    yield from metadata_quads(root)
    meta = ox.NamedNode(str(META_GRAPH))
    yield ox.Quad(
        ox.NamedNode(CORPUS_NODE),
        ox.NamedNode("https://w3id.org/policykg/ontology#corpusVersion"),
        ox.Literal(corpus_version(root)),
        meta,
    )


def corpus_graph_names(root: Path) -> list[str]:
    return [s.name for s in graph_sources(root)] + [str(QUERIES_GRAPH), str(META_GRAPH)]
