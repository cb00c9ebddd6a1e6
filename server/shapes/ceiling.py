"""Shapes of ceilings on combined support (pkg:SupportCeiling).

A ceiling such as 老旧厂房若干措施（三）"按照现行政策予以支持，单个项目支持金额最高不超过 5000 万元" grants
nothing itself: it holds the support a project receives under other policies to at most the cap.
Checked on a submission that requests a measure the ceiling applies to: the sum of the amounts of
all its requests (under any measure) may not exceed the cap (最高不超过: inclusive).
"""
from __future__ import annotations

from decimal import Decimal

from rdflib import URIRef

from policykg.namespaces import PKG, SH
from policykg.shapes.build import Writer, requesters, select, shape_iri
from policykg.shapes.model import Corpus

SUM_Q = """SELECT $this (SUM(?a) AS ?value) WHERE {{
  $this pkg:requests ?req . ?req pkg:amount ?a .
}} GROUP BY $this HAVING (SUM(?a) > {cap})"""


def _n(v: object) -> str:
    return format(Decimal(str(v)).normalize(), "f")


def ceiling_shapes(w_for: dict[str, Writer], c: Corpus) -> None:
    for rule in c.of_class(PKG.SupportCeiling):
        doc = c.doc_of(rule)
        cap = c.g.value(rule, PKG.cap)
        measures = [m for m in c.objs(rule, PKG.appliesToMeasure) if isinstance(m, URIRef)]
        if doc is None or cap is None or not measures or not c.checkable(rule):
            continue
        w = w_for[doc.slug]
        zh, en = c.label(rule, "zh"), c.label(rule, "en")
        num = doc.number or f"《{c.label(doc.iri, 'zh')}》"
        names_zh = "、".join(f"“{c.label(m, 'zh')}”" for m in measures)
        names_en = ", ".join(f"“{c.label(m, 'en')}”" for m in measures)
        iri = shape_iri(rule)
        w.annotate(iri, SH.NodeShape, (zh, en), SH.Violation,
                   (f"申请{names_zh}的项目，本申报各项申请金额合计{{?value}}万元，超过{num}规定的单个项目支持金额"
                    f"合计上限{_n(cap)}万元（{zh}）",
                    f"A project requesting {names_en} asks for {{?value}} 万元 in total across its requests, above the "
                    f"ceiling of {_n(cap)} 万元 per project on its combined support ({en})"), c.clauses(rule), [rule])
        w.sparql(iri, "sparql", SUM_Q.format(cap=_n(cap)))
        w.target(iri, select(requesters(measures)))
