"""Source anomalies of a segmented document, its clause graph as RDF, and the clause files.

Anomalies (a skipped or repeated number) are detected and kept, never fixed. The clause
files policies/clauses/<slug>.ttl are Turtle with the same bytes for the same sources.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from policykg.corpus.clause_parse import Clause, int2cn, segment_document
from policykg.corpus.manifest import ROOT, DocEntry, as_entry, load_entries
from policykg.namespaces import ELI, PKG, PROV


@dataclass(frozen=True)
class Anomaly:
    """An irregularity of the source as published: kept, flagged, never fixed."""

    iri: str
    kind: str  # missing-number | duplicate-label
    label: str  # the missing label, or the label printed more than once
    subjects: tuple[str, ...]  # what links to it by pkg:hasAnomaly
    comment_zh: str
    comment_en: str


def _label_like(ref: Clause, n: int) -> str:
    """The label a number would have been printed with, in the style of its sibling `ref`."""
    lab = ref.label or ""
    return {"chapter": f"第{int2cn(n)}章", "article": f"第{int2cn(n)}条", "section": f"{int2cn(n)}、",
            "item": f"{lab[:1]}{int2cn(n)}{lab[-1:]}", "point": f"{n}{lab[-1:]}",
            "subpoint": f"{lab[:1]}{n}{lab[-1:]}"}[ref.style or ""]


def _name(c: Clause) -> str:
    h = c.heading or ""
    return (c.label or c.iri.rsplit("/", 1)[-1]) + (h if h.startswith("【") or not h else f"（{h}）")


def find_anomalies(clauses: list[Clause], doc_iri: str) -> list[Anomaly]:
    """Gaps and repeats in each run of numbered siblings (a run may continue its cousins' numbering)."""
    kids: dict[str, list[Clause]] = {}
    for c in clauses:
        kids.setdefault(c.parent, []).append(c)
    names = {c.iri: _name(c) for c in clauses} | {doc_iri: "本文件"}
    last: dict[tuple[str, int], int] = {}
    out: list[Anomaly] = []
    for p in [doc_iri] + [c.iri for c in clauses]:
        where, where_en = names[p], "the document" if p == doc_iri else names[p]
        for style in dict.fromkeys(k.style for k in kids.get(p, []) if k.style):
            run = [k for k in kids[p] if k.style == style]
            nums = [k.number or 0 for k in run]
            prev = last.get((style, p.count("/")), 0)
            last[(style, p.count("/"))] = max(nums)
            start = nums[0] if nums[0] in (1, prev + 1) else prev + 1 if nums[0] > prev else 1
            gaps = [(None, run[0], range(start, nums[0]))]
            gaps += [(a, b, range(x + 1, y)) for a, b, x, y in zip(run, run[1:], nums, nums[1:], strict=False)]
            for a, b, missing in gaps:
                for n in missing:
                    m = _label_like(b, n)
                    zh = f"{a.label}之后即为{b.label}" if a else f"编号从{b.label}开始"
                    en = f"{a.label} is followed directly by {b.label}" if a else f"numbering starts at {b.label}"
                    out.append(Anomaly(
                        f"{p}/anomaly/missing-{n}", "missing-number", m, (p,),
                        f"原文编号不连续：{where}中{zh}，缺少{m}。按原文保留，未作更正。",
                        f"Numbering gap in the source as published: in {where_en}, {en}; {m} is missing. "
                        "Kept as published, not corrected."))
            for n in dict.fromkeys(nums):
                same = [k for k in run if k.number == n]
                if len(same) > 1:
                    shown = "、".join(k.heading or k.label or "" for k in same)
                    ids = ", ".join(k.iri.rsplit("/", 1)[-1] for k in same)
                    out.append(Anomaly(
                        f"{same[0].iri}/anomaly/duplicate-label", "duplicate-label", same[0].label or "",
                        tuple(k.iri for k in same),
                        f"原文编号重复：{where}中{same[0].label}出现{len(same)}次（{shown}）。"
                        f"按原文保留，各为独立条款（{ids}）。",
                        f"Duplicate number in the source as published: {same[0].label} is printed {len(same)} "
                        f"times in {where_en} ({shown}). Kept as published, each a distinct clause ({ids})."))
    return out


def clauses_graph(entry: DocEntry | Mapping[str, Any]) -> Graph:
    """The clauses of one document and the anomalies of its source, as RDF."""
    e = as_entry(entry)
    clauses = segment_document(e)
    g = Graph(bind_namespaces="none")
    for prefix, ns in (("eli", ELI), ("pkg", PKG._NS), ("prov", PROV), ("rdfs", RDFS), ("xsd", XSD)):
        g.bind(prefix, ns)
    for c in clauses:
        s = URIRef(c.iri)
        g.add((s, RDF.type, ELI.LegalResourceSubdivision))
        g.add((s, ELI.is_part_of, URIRef(c.parent)))
        for p, o in ((ELI.number, Literal(c.label) if c.label else None),
                     (PKG.heading, Literal(c.heading, lang="zh") if c.heading else None),
                     (PKG.position, Literal(c.position)), (PKG.clauseLevel, Literal(c.level)),
                     (PROV.value, Literal(c.text, lang="zh")), (PKG.sourceFile, Literal(c.source_file)),
                     (PKG.sourceLine, Literal(c.source_line)), (PKG.sourceEndLine, Literal(c.source_end_line))):
            if o is not None:
                g.add((s, p, o))
    for a in find_anomalies(clauses, e.doc_iri):
        s = URIRef(a.iri)
        g.add((s, RDF.type, PKG.SourceAnomaly))
        g.add((s, PKG.anomalyKind, Literal(a.kind)))
        if a.kind == "missing-number":
            g.add((s, PKG.missingLabel, Literal(a.label)))
        g.add((s, RDFS.comment, Literal(a.comment_zh, lang="zh")))
        g.add((s, RDFS.comment, Literal(a.comment_en, lang="en")))
        for subject in a.subjects:
            g.add((URIRef(subject), PKG.hasAnomaly, s))
    return g


def serialise(g: Graph, source: str) -> bytes:
    """Turtle, same bytes for the same graph (rdflib sorts subjects, predicates and objects)."""
    head = f"# Generated by policykg.corpus from policies/sources/{source}. Do not edit.\n"
    return head.encode() + g.serialize(format="turtle", encoding="utf-8")


def build_all(root: Path = ROOT) -> dict[str, Graph]:
    """slug -> clause graph, for every document of the manifest."""
    return {e.slug: clauses_graph(e) for e in load_entries(root)}


def write_all(root: Path = ROOT) -> list[Path]:
    """Write policies/clauses/<slug>.ttl for every document; returns the paths."""
    out_dir = root / "policies" / "clauses"
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for e in load_entries(root):
        path = out_dir / f"{e.slug}.ttl"
        data = serialise(clauses_graph(e), e.source)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        paths.append(path)
    return paths
