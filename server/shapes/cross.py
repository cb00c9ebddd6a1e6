"""shapes/cross-policy.ttl: no double funding, one support mode, measures that exclude each other.

Each rule's shape is derived from the clause of the document that states it, so a
violation names that document's clause. SHACL-SPARQL, since core SHACL cannot compare
the requests of one submission with each other or with its prior funding.

An earlier award under the very measure requested is not "其他财政资金" when that measure is
paid by year (pkg:maxYears or pkg:capPerYear, e.g. 000 第（五）项 分年度补贴，最长不超过 3 年):
it is the same support continuing, checked by the per-year cap and the year limit instead.
"""
from __future__ import annotations

from rdflib import URIRef

from policykg.namespaces import PKG, SH
from policykg.shapes.build import Writer, in_list, requesters, select, shape_iri

LABELS = """  OPTIONAL {{ {v} rdfs:label {v}Zh0 FILTER (lang({v}Zh0) = "zh") }}
  OPTIONAL {{ {v} rdfs:label {v}En0 FILTER (lang({v}En0) = "en") }}
  BIND (COALESCE({v}Zh0, STR({v})) AS {v}Zh) BIND (COALESCE({v}En0, {v}Zh0, STR({v})) AS {v}En)
"""

PRIOR_Q = """SELECT $this ?value ?valueZh ?valueEn ?priorZh ?priorEn WHERE {{
  $this pkg:requests/pkg:measure ?value .
  FILTER (?value IN ({measures}))
  $this pkg:priorMunicipalFunding ?pf .
  FILTER NOT EXISTS {{ ?pf pkg:measure ?value . ?value pkg:maxYears|pkg:capPerYear ?yearly }}
  OPTIONAL {{ ?pf pkg:measure ?pm .
    OPTIONAL {{ ?pm rdfs:label ?pmZh0 FILTER (lang(?pmZh0) = "zh") }}
    OPTIONAL {{ ?pm rdfs:label ?pmEn0 FILTER (lang(?pmEn0) = "en") }} }}
  OPTIONAL {{ ?pf pkg:fundingSource ?src }}
{value_labels}  BIND (COALESCE(?pmZh0, ?src, STR(?pm), "市级财政资金") AS ?priorZh)
  BIND (COALESCE(?pmEn0, ?pmZh0, ?src, STR(?pm), "municipal funds") AS ?priorEn)
}}"""

CONCURRENT_Q = """SELECT $this ?value ?valueZh ?valueEn ?mZh ?mEn WHERE {{
  $this pkg:requests/pkg:measure ?m , ?value .
  FILTER (?m IN ({measures}))
  ?value pkg:definedIn ?otherDoc ; pkg:kind ?kind .
  FILTER (?otherDoc != <{doc}> && ?kind != "non-monetary")
{value_labels}{m_labels}}}"""

PAIR_Q = """SELECT $this ?value ?valueZh ?valueEn ?otherZh ?otherEn WHERE {{
  $this pkg:requests/pkg:measure ?value , ?other .
  FILTER (?value IN ({members}) && ?other IN ({members}) && STR(?value) < STR(?other))
{value_labels}{other_labels}}}"""


def _labels(v: str) -> str:
    return LABELS.format(v=v)


def cross_shapes(w: Writer) -> None:
    c = w.c
    grouped: set[frozenset[str]] = set()
    for rule in c.of_class(PKG.DoubleFundingExclusion):
        measures = [m for m in c.objs(rule, PKG.appliesToMeasure) if isinstance(m, URIRef)]
        doc = c.doc_of(rule)
        if not measures or doc is None or not c.checkable(rule):
            continue
        sev = SH.Warning if c.flag(rule, PKG.softened) else SH.Violation
        zh, en = c.label(rule, "zh"), c.label(rule, "en")
        num = doc.number or c.label(doc.iri, "zh")
        iri = shape_iri(rule)
        w.annotate(iri, SH.NodeShape, (zh, en), sev,
                   (f"项目已获市级财政资金（{{?priorZh}}），依据{num}“{zh}”，不能再申请“{{?valueZh}}”",
                    f"The project already received municipal funds ({{?priorEn}}); under {num}, “{en}”, "
                    "it cannot also receive “{?valueEn}”"), c.clauses(rule), [rule])
        w.sparql(iri, "sparql", PRIOR_Q.format(measures=in_list(measures), value_labels=_labels("?value")))
        w.target(iri, select(requesters(measures)))
        iri2 = shape_iri(rule, "/concurrent-request")
        w.annotate(iri2, SH.NodeShape, (f"{zh}（同时申请其他文件的资金）", f"{en} (concurrent requests)"), sev,
                   (f"同时申请了其他文件的市级财政资金“{{?valueZh}}”；依据{num}“{zh}”，"
                    "“{?mZh}”不能与其他市级财政资金重复支持",
                    f"The submission also requests “{{?valueEn}}” under another document; under {num}, “{en}”, "
                    "“{?mEn}” cannot be combined with other municipal funds"), c.clauses(rule), [rule])
        w.sparql(iri2, "sparql", CONCURRENT_Q.format(measures=in_list(measures), doc=doc.iri,
                                                     value_labels=_labels("?value"), m_labels=_labels("?m")))
        w.target(iri2, select(requesters(measures)))
    for group in c.of_class(PKG.ExclusiveGroup):
        members = [m for m in c.objs(group, PKG.member) if isinstance(m, URIRef)]
        if len(members) < 2 or not c.checkable(group):
            continue
        grouped.update(frozenset((str(a), str(b))) for a in members for b in members if a != b)
        exclusive(w, group, members, c.clauses(group), (c.label(group, "zh"), c.label(group, "en")))
    for a, b in c.exclusive_pairs():
        if frozenset((str(a), str(b))) in grouped or c.doc_of(a) is None:
            continue
        clauses = sorted(set(c.clauses(a)) | set(c.clauses(b)), key=str)
        names = (f"“{c.label(a, 'zh')}”与“{c.label(b, 'zh')}”不可同时申请",
                 f"“{c.label(a, 'en')}” and “{c.label(b, 'en')}” exclude each other")
        exclusive(w, a, [a, b], clauses, names, suffix="/exclusive-with/" + str(b).rsplit("/", 1)[-1])


def exclusive(w: Writer, node: URIRef, members: list[URIRef], clauses: list, names: tuple[str, str],
              suffix: str = "") -> None:
    iri = shape_iri(node, suffix)
    w.annotate(iri, SH.NodeShape, names, SH.Violation,
               (f"“{{?valueZh}}”与“{{?otherZh}}”只能申请其中一项：{names[0]}",
                f"“{{?valueEn}}” and “{{?otherEn}}” cannot both be requested: {names[1]}"), clauses, [node])
    w.sparql(iri, "sparql", PAIR_Q.format(members=in_list(members), value_labels=_labels("?value"),
                                          other_labels=_labels("?other")))
    w.target(iri, select(requesters(members)))
