"""The SHACL-SPARQL templates of the shape generator, recognised in a constraint's text and run as Python.

server/shapes/cross.py and measures.py write these selects (no double funding with prior or
concurrent funds, measures that exclude each other, the inputs an amount needs). A
constraint is recognised only when its whole text, whitespace aside, is one of them with
IRIs filled in; anything else (the amount computation, the per-year caps, dates) runs on
pyoxigraph. Each function returns the SPARQL solutions pyoxigraph would: bag semantics
(one solution per request node on a path `pkg:requests/pkg:measure`), OPTIONAL labels as a
product of the labels found, COALESCE and STR as SPARQL defines them.
tests/shapes/test_compiled.py checks that every generated constraint of these kinds is
recognised, and the differential tests that the solutions are the same.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from rdflib import Literal, URIRef
from rdflib.term import Node

from policykg.validation.compiled.facts import RS, Facts, P

Solutions = list[dict[str, Node]]
Template = Callable[[Facts, Node], Solutions]
PREFIX_LINE = re.compile(r"^\s*PREFIX\s+\S+\s*<[^>]*>\s*$", re.IGNORECASE | re.MULTILINE)
IRI_LIST = r"((?:<[^<>\"{}|^`\\\s]*>(?:, )?)+)"
IRI = r"<([^<>\"{}|^`\\\s]*)>"

LABELS = ('OPTIONAL {{ {v} rdfs:label {v}Zh0 FILTER (lang({v}Zh0) = "zh") }} '
          'OPTIONAL {{ {v} rdfs:label {v}En0 FILTER (lang({v}En0) = "en") }} '
          "BIND (COALESCE({v}Zh0, STR({v})) AS {v}Zh) BIND (COALESCE({v}En0, {v}Zh0, STR({v})) AS {v}En)")
PRIOR = ("SELECT $this ?value ?valueZh ?valueEn ?priorZh ?priorEn WHERE { $this pkg:requests/pkg:measure ?value . "
         "FILTER (?value IN (@MEASURES@)) $this pkg:priorMunicipalFunding ?pf . "
         "FILTER NOT EXISTS { ?pf pkg:measure ?value . ?value pkg:maxYears|pkg:capPerYear ?yearly } "
         "OPTIONAL { ?pf pkg:measure ?pm . "
         'OPTIONAL { ?pm rdfs:label ?pmZh0 FILTER (lang(?pmZh0) = "zh") } '
         'OPTIONAL { ?pm rdfs:label ?pmEn0 FILTER (lang(?pmEn0) = "en") } } '
         "OPTIONAL { ?pf pkg:fundingSource ?src } " + LABELS.format(v="?value") + " "
         'BIND (COALESCE(?pmZh0, ?src, STR(?pm), "市级财政资金") AS ?priorZh) '
         'BIND (COALESCE(?pmEn0, ?pmZh0, ?src, STR(?pm), "municipal funds") AS ?priorEn) }')
CONCURRENT = ("SELECT $this ?value ?valueZh ?valueEn ?mZh ?mEn WHERE { $this pkg:requests/pkg:measure ?m , ?value . "
              "FILTER (?m IN (@MEASURES@)) ?value pkg:definedIn ?otherDoc ; pkg:kind ?kind . "
              'FILTER (?otherDoc != @DOC@ && ?kind != "non-monetary") '
              + LABELS.format(v="?value") + " " + LABELS.format(v="?m") + " }")
PAIR = ("SELECT $this ?value ?valueZh ?valueEn ?otherZh ?otherEn WHERE { $this pkg:requests/pkg:measure ?value , ?other . "
        "FILTER (?value IN (@MEASURES@) && ?other IN (@MEMBERS@) && STR(?value) < STR(?other)) "
        + LABELS.format(v="?value") + " " + LABELS.format(v="?other") + " }")
BASE = ("SELECT $this ?value WHERE { $this pkg:requests/pkg:measure @M@ . FILTER NOT EXISTS { $this @P@ ?given } "
        "BIND (@P2@ AS ?value) }")


def _pattern(text: str) -> re.Pattern[str]:
    out = re.escape(text)
    for name in ("MEASURES", "MEMBERS"):
        out = out.replace(re.escape(f"@{name}@"), IRI_LIST)
    for name in ("DOC", "M", "P", "P2"):
        out = out.replace(re.escape(f"@{name}@"), IRI)
    return re.compile(out)


PATTERNS = {name: _pattern(t) for name, t in (("prior", PRIOR), ("concurrent", CONCURRENT), ("pair", PAIR),
                                              ("base", BASE))}


def normalise(query: str) -> str:
    return " ".join(PREFIX_LINE.sub("", query).split())


def iris(text: str) -> frozenset[URIRef]:
    return frozenset(URIRef(i) for i in re.findall(IRI, text))


def requested(f: Facts, s: Node) -> list[Node]:
    """`$this pkg:requests/pkg:measure ?x`: one solution per request node (bag semantics, as pyoxigraph)."""
    return [m for r in f.objects(s, P.requests) for m in f.objects(r, P.measure)]


def _labels(f: Facts, lang: str, n: Node) -> list[Node | None]:
    found = [x for x in f.objects(n, RS.label) if isinstance(x, Literal) and x.language == lang]
    return found or [None]  # type: ignore[return-value]


def label_rows(f: Facts, v: str, n: Node) -> list[dict[str, Node]]:
    """The OPTIONAL labels of node `n` bound to ?{v}Zh0 / ?{v}En0, and ?{v}Zh / ?{v}En (COALESCE, STR)."""
    out = []
    for zh, en in itertools.product(_labels(f, "zh", n), _labels(f, "en", n)):
        row: dict[str, Node] = {}
        if zh is not None:
            row[v + "Zh0"] = zh
        if en is not None:
            row[v + "En0"] = en
        row[v + "Zh"] = zh if zh is not None else Literal(str(n))
        row[v + "En"] = en if en is not None else zh if zh is not None else Literal(str(n))
        out.append(row)
    return out


def _not_equal(a: Node, b: Node) -> bool:
    from policykg.validation.compiled.terms import compare

    return compare(a, "!=", b)


def prior(measures: frozenset[URIRef]) -> Template:
    def run(f: Facts, s: Node) -> Solutions:
        out = []
        for value in requested(f, s):
            if value not in measures:
                continue
            yearly = any(f.objects(value, P.maxYears)) or any(f.objects(value, P.capPerYear))
            for pf in f.objects(s, P.priorMunicipalFunding):
                if yearly and value in f.objects(pf, P.measure):
                    continue
                pms: list[Node | None] = list(f.objects(pf, P.measure)) or [None]
                srcs: list[Node | None] = list(f.objects(pf, P.fundingSource)) or [None]
                for pm, src in itertools.product(pms, srcs):
                    pm_rows = [{}] if pm is None else [
                        {k: x for k, x in (("pmZh0", zh), ("pmEn0", en)) if x is not None}
                        for zh, en in itertools.product(_labels(f, "zh", pm), _labels(f, "en", pm))]
                    for pr, vr in itertools.product(pm_rows, label_rows(f, "value", value)):
                        pm_s = Literal(str(pm)) if pm is not None else None
                        zh = next(x for x in (pr.get("pmZh0"), src, pm_s, Literal("市级财政资金")) if x is not None)
                        en = next(x for x in (pr.get("pmEn0"), pr.get("pmZh0"), src, pm_s, Literal("municipal funds"))
                                  if x is not None)
                        out.append({"this": s, "value": value, "valueZh": vr["valueZh"], "valueEn": vr["valueEn"],
                                    "priorZh": zh, "priorEn": en})
        return out
    return run


def concurrent(measures: frozenset[URIRef], doc: URIRef) -> Template:
    def run(f: Facts, s: Node) -> Solutions:
        out = []
        req = requested(f, s)
        for m in req:
            if m not in measures:
                continue
            for value in req:
                for other_doc in f.objects(value, P.definedIn):
                    for kind in f.objects(value, P.kind):
                        if not (_not_equal(other_doc, doc) and _not_equal(kind, Literal("non-monetary"))):
                            continue
                        for vr, mr in itertools.product(label_rows(f, "value", value), label_rows(f, "m", m)):
                            out.append({"this": s, "value": value, "valueZh": vr["valueZh"],
                                        "valueEn": vr["valueEn"], "mZh": mr["mZh"], "mEn": mr["mEn"]})
        return out
    return run


def pair(measures: frozenset[URIRef], members: frozenset[URIRef]) -> Template:
    def run(f: Facts, s: Node) -> Solutions:
        out = []
        req = requested(f, s)
        for value in req:
            for other in req:
                if value in measures and other in members and str(value) < str(other):
                    for vr, orow in itertools.product(label_rows(f, "value", value), label_rows(f, "other", other)):
                        out.append({"this": s, "value": value, "valueZh": vr["valueZh"], "valueEn": vr["valueEn"],
                                    "otherZh": orow["otherZh"], "otherEn": orow["otherEn"]})
        return out
    return run


def base(m: URIRef, p: URIRef) -> Template:
    def run(f: Facts, s: Node) -> Solutions:
        if any(True for _ in f.objects(s, p)):
            return []
        return [{"this": s, "value": p} for x in requested(f, s) if x == m]
    return run


def template(query: str) -> Template | None:
    """The Python form of a generated constraint, or None."""
    q = normalise(query)
    if m := PATTERNS["prior"].fullmatch(q):
        return prior(iris(m.group(1)))
    if m := PATTERNS["concurrent"].fullmatch(q):
        return concurrent(iris(m.group(1)), URIRef(m.group(2)))
    if m := PATTERNS["pair"].fullmatch(q):
        return pair(iris(m.group(1)), iris(m.group(2)))
    if (m := PATTERNS["base"].fullmatch(q)) and m.group(2) == m.group(3):
        return base(URIRef(m.group(1)), URIRef(m.group(2)))
    return None
