"""Shapes of the support measures: who may request one, how much, and while which document is in force."""
from __future__ import annotations

from rdflib import RDF, Literal, URIRef

from policykg.namespaces import PKG, SH
from policykg.shapes import text as T
from policykg.shapes.build import Writer, date_literal, requesters, select, shape_iri
from policykg.shapes.model import Corpus, Doc
from policykg.validation import PARAMS, formula, input_property, inputs, parts_of


def measure_shapes(w_for: dict[str, Writer], c: Corpus) -> None:
    for m in c.measures():
        doc = c.doc_of(m)
        if doc is None:
            continue
        w = w_for[doc.slug]
        applicability(w, m)
        if c.is_monetary(m):
            amount(w, m)
    for doc in c.docs:
        in_force(w_for[doc.slug], doc)


def _names(c: Corpus, m: URIRef, zh: str, en: str) -> tuple[str, str]:
    return f"{c.label(m, 'zh')}：{zh}", f"{c.label(m, 'en')}: {en}"


def applicability(w: Writer, m: URIRef) -> None:
    """The submission type and project type a measure is for (the clause that creates it)."""
    c = w.c
    clauses = c.clauses(m)
    target = select(requesters([m], c=c))
    subtypes = c.objs(m, PKG.appliesToSubmissionType)
    if subtypes:
        iri = shape_iri(m, "/submission-type")
        zh = T.join([c.label(s, "zh") for s in subtypes], "zh")
        en = T.join([c.label(s, "en") for s in subtypes], "en")
        w.annotate(iri, SH.NodeShape, _names(c, m, "申报类型", "submission type"), SH.Violation,
                   (f"“{c.label(m, 'zh')}”适用于：{zh}；本申报为：{{rdf:type}}",
                    f"“{c.label(m, 'en')}” is for a {en}; this submission is: {{rdf:type}}"), clauses, [m])
        if len(subtypes) == 1:
            w.g.add((iri, SH["class"], subtypes[0]))
        else:
            alts = []
            for s in subtypes:
                a = URIRef(f"{iri}/or/{str(s).rsplit('#', 1)[-1]}")
                w.annotate(a, SH.NodeShape, (c.label(s, "zh"), c.label(s, "en")), SH.Violation,
                           (f"申报类型为{c.label(s, 'zh')}", f"submission is a {c.label(s, 'en')}"), clauses, [m])
                w.g.add((a, SH["class"], s))
                alts.append(a)
            w.g.add((iri, SH["or"], w.rdf_list(alts)))
        w.target(iri, target)
    ptypes = c.objs(m, PKG.appliesToProjectType)
    if ptypes:
        iri = shape_iri(m, "/project-type")
        zh = T.join([c.label(t, "zh") for t in ptypes], "zh")
        en = T.join([c.label(t, "en") for t in ptypes], "en")
        w.annotate(iri, SH.PropertyShape, _names(c, m, "项目类型", "project type"), SH.Violation,
                   (f"“{c.label(m, 'zh')}”适用于：{zh}；本项目类型：{{$value}}",
                    f"“{c.label(m, 'en')}” applies to: {en}; this project's type: {{$value}}"), clauses, [m])
        w.g.add((iri, SH.path, PKG.projectType))
        w.g.add((iri, SH.minCount, Literal(1)))
        w.g.add((iri, SH["in"], w.rdf_list(ptypes)))
        w.target(iri, target)


AMOUNT_Q = """SELECT $this ?value ?max WHERE {{
  $this pkg:requests ?req . ?req pkg:measure <{m}> ; pkg:amount ?value .
  OPTIONAL {{ <{m}> pkg:rate ?rate }}
  OPTIONAL {{ <{m}> pkg:rateBase ?rb . OPTIONAL {{ $this ?rb ?base }} }}
  OPTIONAL {{ <{m}> pkg:rateProperty ?rp . OPTIONAL {{ $this ?rp ?rv }} }}
  OPTIONAL {{ <{m}> pkg:rateCeilingProperty ?rcp . OPTIONAL {{ $this ?rcp ?rcv }} }}
  OPTIONAL {{ <{m}> pkg:yearsProperty ?yp . OPTIONAL {{ $this ?yp ?yv }} }}
  OPTIONAL {{ <{m}> pkg:maxYears ?my }}
  OPTIONAL {{ <{m}> pkg:perUnitAmount ?pua ; pkg:perUnitBase ?pub . OPTIONAL {{ $this ?pub ?units }} }}
  OPTIONAL {{ <{m}> pkg:floor ?floor }}
  OPTIONAL {{ <{m}> pkg:cap ?cap }}
  OPTIONAL {{ <{m}> pkg:capPerYear ?cpy }}
  BIND (IF(BOUND(?rcp), IF(?rv < ?rcv, ?rv, ?rcv), ?rv) AS ?rMin)
  BIND (IF(BOUND(?rp), ?rMin, COALESCE(?rate, 1.0)) AS ?r)
  BIND (IF(BOUND(?my) && ?yv > ?my, ?my, ?yv) AS ?years)
  BIND (IF(BOUND(?rb), IF(BOUND(?yp), ?r * ?base * ?years, ?r * ?base), ?none) AS ?byRate)
  BIND (?pua * ?units AS ?byUnit)
  BIND (IF(BOUND(?byRate) && BOUND(?byUnit), IF(?byRate < ?byUnit, ?byRate, ?byUnit),
           COALESCE(?byRate, ?byUnit)) AS ?computed)
  BIND (IF(BOUND(?floor) && ?computed < ?floor, ?floor, ?computed) AS ?floored)
  BIND (IF(BOUND(?floored) && BOUND(?cap), IF(?floored < ?cap, ?floored, ?cap), COALESCE(?floored, ?cap)) AS ?c1)
  BIND (IF(BOUND(?c1) && BOUND(?cpy), IF(?c1 < ?cpy, ?c1, ?cpy), COALESCE(?c1, ?cpy)) AS ?max)
  FILTER (BOUND(?max) && ?value > ?max)
}}"""

BASE_Q = """SELECT $this ?value WHERE {{
  $this pkg:requests/pkg:measure <{m}> .
  FILTER NOT EXISTS {{ $this <{p}> ?given }}
  BIND (<{p}> AS ?value)
}}"""


YEAR_Q = """SELECT $this ?value ?cpy (SUM(?x) AS ?prev) WHERE {{
  $this pkg:requests ?req . ?req pkg:measure <{m}> ; pkg:amount ?value .
  <{m}> pkg:capPerYear ?cpy .
  $this pkg:applicant/pkg:creditCode ?cc ; pkg:asOf ?asOf .
  ?award a pkg:AwardRecord ; pkg:measure <{m}> ; pkg:creditCode ?cc ; pkg:amount ?x ; pkg:awardDate ?d .
  FILTER (YEAR(?d) = YEAR(?asOf))
}} GROUP BY $this ?value ?cpy HAVING (SUM(?x) + ?value > ?cpy)"""


def parts_query(m: URIRef, params: dict) -> str:
    """AMOUNT_Q for a measure computed per part (pkg:ratePart): Σ rate_i × part_i when every part is
    declared, then floor and caps; with a part missing, the caps only (the missing part is its own Violation)."""
    parts = params["parts"]
    opt = "\n".join(f"  OPTIONAL {{ $this <{b}> ?v{i} }}" for i, (_, b) in enumerate(parts))
    bound = " && ".join(f"BOUND(?v{i})" for i in range(len(parts)))
    total = " + ".join(f"{r} * ?v{i}" for i, (r, _) in enumerate(parts))
    floor = params.get("floor")
    floored = f"IF(?computed < {floor}, {floor}, ?computed)" if floor is not None else "?computed"
    caps = [str(params[k]) for k in ("cap", "capPerYear") if params.get(k) is not None]
    mx = "?floored"
    for cap in caps:
        mx = f"IF(BOUND(?floored) && ?floored < {cap}, ?floored, {cap})" if mx == "?floored" else \
            f"IF({mx} < {cap}, {mx}, {cap})"
    return (f"SELECT $this ?value ?max WHERE {{\n  $this pkg:requests ?req . ?req pkg:measure <{m}> ; "
            f"pkg:amount ?value .\n{opt}\n  BIND (IF({bound}, {total}, ?none) AS ?computed)\n"
            f"  BIND ({floored} AS ?floored)\n  BIND ({mx} AS ?max)\n  FILTER (BOUND(?max) && ?value > ?max)\n}}")


def per_enterprise_year(w: Writer, m: URIRef, zh: str, en: str) -> None:
    """A per-enterprise cap per year counts the awards of the registry to the same enterprise that year."""
    c = w.c
    iri = shape_iri(m, "/amount/per-enterprise-year")
    w.annotate(iri, SH.NodeShape, _names(c, m, "单个企业年度上限（累计）", "cap per enterprise and year (cumulative)"),
               SH.Violation,
               (f"该企业本年度已获“{c.label(m, 'zh')}”{{?prev}}万元，再申请{{?value}}万元将超过单个企业年度上限"
                "{?cpy}万元",
                f"The enterprise already received {{?prev}} 万元 under “{c.label(m, 'en')}” this year; {{?value}} 万元 "
                "more would exceed the cap of {?cpy} 万元 per enterprise and year"), c.clauses(m), [m])
    w.sparql(iri, "sparql", YEAR_Q.format(m=m))
    w.target(iri, select(requesters([m], c=c)))


def amount(w: Writer, m: URIRef) -> None:
    """The requested amount against the maximum the parameters give (server/validation/amounts.py computes the same)."""
    c = w.c
    params = {k: c.g.value(m, p) for k, p in PARAMS.items() if c.g.value(m, p) is not None}
    if c.g.value(m, PKG.perUnit) is not None:
        params["perUnit"] = c.g.value(m, PKG.perUnit)
    if parts_of(c.g, m):
        params["parts"] = parts_of(c.g, m)
    zh, en = formula(params, "zh", c.property_label), formula(params, "en", c.property_label)
    if zh is None:
        return
    clauses = c.clauses(m)
    target = select(requesters([m], c=c))
    iri = shape_iri(m, "/amount")
    w.annotate(iri, SH.NodeShape, _names(c, m, "申请金额上限", "maximum amount"), SH.Violation,
               (f"申请“{c.label(m, 'zh')}”{{?value}}万元，超过按条款计算的上限{{?max}}万元（上限 = {zh}）",
                f"The amount requested under “{c.label(m, 'en')}”, {{?value}} 万元, exceeds the maximum of "
                f"{{?max}} 万元 computed from the clause (maximum = {en})"), clauses, [m])
    w.sparql(iri, "sparql", parts_query(m, params) if params.get("parts") else AMOUNT_Q.format(m=m))
    w.target(iri, target)
    if "capPerYear" in params and str(c.g.value(m, PKG.capScope) or "") == "per-enterprise":
        per_enterprise_year(w, m, zh, en)
    for key in inputs(params):
        p = input_property(params, key)
        if not isinstance(p, URIRef):
            continue
        pz, pe = c.property_label(p, "zh"), c.property_label(p, "en")
        b = shape_iri(m, f"/amount/{str(p).rsplit('#', 1)[-1]}")
        w.annotate(b, SH.NodeShape, _names(c, m, f"计算上限所需的{pz}", f"{pe} needed for the maximum"),
                   SH.Violation, (f"申请“{c.label(m, 'zh')}”须填写“{pz}”，用于计算金额上限（{zh}）",
                                  f"A request under “{c.label(m, 'en')}” needs “{pe}” to compute the maximum "
                                  f"({en})"), clauses, [m])
        w.sparql(b, "sparql", BASE_Q.format(m=m, p=p))
        w.target(b, target)


def in_force(w: Writer, doc: Doc) -> None:
    """A measure is available only while its document is in force (inclusive dates; validity clause)."""
    c = w.c
    if doc.start is None or doc.validity_clause is None:
        return
    ms = [m for m in c.measures() if c.doc_of(m) == doc]
    if not ms:
        return
    title_zh, title_en = c.label(doc.iri, "zh"), c.label(doc.iri, "en")
    num = f"（{doc.number}）" if doc.number else ""
    until_zh = f"至{doc.end.isoformat()}" if doc.end else "（未载明失效日期）"
    until_en = f"until {doc.end.isoformat()}" if doc.end else "(no end date stated)"
    iri = shape_iri(doc.iri, "/in-force")
    w.annotate(iri, SH.PropertyShape, (f"《{title_zh}》有效期", f"Validity of “{title_en}”"), SH.Violation,
               (f"《{title_zh}》{num}自{doc.start.isoformat()}起施行{until_zh}；评估日期{{$value}}不在有效期内，"
                "其措施不可申请",
                f"“{title_en}”{' (' + doc.number + ')' if doc.number else ''} is in force from "
                f"{doc.start.isoformat()} {until_en}; the date of assessment {{$value}} is outside it, so its "
                "measures are not available"), [doc.validity_clause], [doc.iri])
    w.g.add((iri, SH.path, PKG.asOf))
    w.g.add((iri, SH.minInclusive, date_literal(doc.start)))
    if doc.end:
        w.g.add((iri, SH.maxInclusive, date_literal(doc.end)))
    w.target(iri, select(requesters(ms, c=c)))
    w.g.add((iri, RDF.type, SH.PropertyShape))
