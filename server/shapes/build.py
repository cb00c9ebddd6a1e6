"""Building blocks of the generated shapes: IRIs, the common annotations, targets, criteria.

Every shape gets an IRI under /shape/ mirroring the provision it encodes, sh:name,
sh:severity, sh:message @zh @en, prov:wasDerivedFrom its clause(s) and
pkg:encodesProvision the provision(s). Targets are SHACL-AF sh:SPARQLTarget selects
(run by pySHACL with advanced=True; validation.py may pre-compute them).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from policykg.errors import CorpusError
from policykg.namespaces import BASE, PKG, PROV, SH
from policykg.shapes import text as T
from policykg.shapes.model import DATE_PROPS, NESTED_PATH, Corpus, Doc

PFX = "PREFIX pkg: <https://w3id.org/policykg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" \
      "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
COMPARATOR = {"gt": SH.minExclusive, "ge": SH.minInclusive, "lt": SH.maxExclusive, "le": SH.maxInclusive}
SPARQL_OP = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq": "="}


def shape_iri(provision: Node, suffix: str = "") -> URIRef:
    s = str(provision)
    path = s[len(BASE + "doc/"):] if s.startswith(BASE + "doc/") else s.rsplit("/", 1)[-1]
    return URIRef(BASE + "shape/" + path + suffix)


def local(p: Node) -> str:
    return str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def n3(node: Node) -> str:
    return node.n3()


def in_list(nodes: Iterable[Node]) -> str:
    return ", ".join(n3(n) for n in nodes)


class Writer:
    """Adds shapes to one graph."""

    def __init__(self, corpus: Corpus, g: Graph) -> None:
        self.c = corpus
        self.g = g

    # -- the annotations every shape carries ------------------------------
    def annotate(self, s: URIRef, kind: URIRef, names: tuple[str, str], severity: URIRef,
                 messages: tuple[str, str], clauses: Sequence[Node], provisions: Sequence[Node]) -> URIRef:
        g = self.g
        g.add((s, RDF.type, kind))
        g.add((s, SH.name, Literal(names[0], lang="zh")))
        g.add((s, SH.name, Literal(names[1], lang="en")))
        g.add((s, SH.severity, severity))
        g.add((s, SH.message, Literal(messages[0], lang="zh")))
        g.add((s, SH.message, Literal(messages[1], lang="en")))
        for c in clauses:
            g.add((s, PROV.wasDerivedFrom, c))
        for p in provisions:
            g.add((s, PKG.encodesProvision, p))
        return s

    def target(self, s: URIRef, select: str) -> None:
        t = BNode()
        self.g.add((s, SH.target, t))
        self.g.add((t, RDF.type, SH.SPARQLTarget))
        self.g.add((t, SH.select, Literal(select)))

    def rdf_list(self, items: Sequence[Node]) -> BNode:
        head = BNode()
        Collection(self.g, head, list(items))
        return head

    def sparql(self, s: URIRef, name: str, select: str, messages: tuple[str, str] | None = None) -> URIRef:
        c = URIRef(str(s) + "/" + name)
        self.g.add((s, SH.sparql, c))
        self.g.add((c, RDF.type, SH.SPARQLConstraint))
        self.g.add((c, SH.select, Literal(PFX + select)))
        if messages:
            self.g.add((c, SH.message, Literal(messages[0], lang="zh")))
            self.g.add((c, SH.message, Literal(messages[1], lang="en")))
        return c

    def path(self, p: URIRef) -> Node:
        if p in NESTED_PATH:
            return self.rdf_list([NESTED_PATH[p], p])
        return p

    # -- criteria ----------------------------------------------------------
    def prop_labels(self, p: Node) -> tuple[str, str]:
        return self.c.property_label(p, "zh"), self.c.property_label(p, "en")

    def requirement(self, crit: Node, lang: str) -> str:
        """What criterion `crit` requires, in words."""
        c, g = self.c, self.c.g
        p = g.value(crit, PKG.onProperty)
        pl = c.property_label(p, lang) if p is not None else ""
        kinds = c.types(crit)
        if PKG.AlternativeCriteria in kinds:
            return T.either([self.requirement(a, lang) for a in self.alternatives(crit)], lang)
        if PKG.RequiredCondition in kinds:
            if g.value(crit, PKG.requiredValue) is None:
                return f"填写“{pl}”" if lang == "zh" else f"state “{pl}”"
            return f"声明“{pl}”为是" if lang == "zh" else f"declare “{pl}” true"
        if PKG.ValueInCriterion in kinds:
            allowed = [c.label(v, lang) for v in c.objs(crit, PKG.allowedValue)] + \
                [str(v) for v in c.objs(crit, PKG.allowedLiteral)]
            return (f"“{pl}”为{T.join(allowed, lang)}之一" if lang == "zh"
                    else f"“{pl}” one of {T.join(allowed, lang)}")
        comp = str(g.value(crit, PKG.comparator))
        value, unit = g.value(crit, PKG.thresholdValue), g.value(crit, PKG.unit)
        other = g.value(crit, PKG.thresholdProperty)
        if other is not None:
            return T.requirement(pl, comp, None, None, lang, other=f"“{c.property_label(other, lang)}”")
        rel = g.value(crit, PKG.relativeTo)
        if rel is not None:
            rl = c.property_label(_pkg(str(rel)), lang)
            first, last = (pl, rl) if str(rel) == "applicationDate" else (rl, pl)
            words = T.SPAN[lang][comp]
            n = T.amount(value, str(unit) if unit else None, lang)
            return f"从“{first}”到“{last}”{words}{n}" if lang == "zh" else f"from “{first}” to “{last}”: {words} {n}"
        return T.requirement(pl, comp, value, str(unit) if unit else None, lang)

    def alternatives(self, crit: Node) -> list[URIRef]:
        return [a for a in self.c.objs(crit, PKG.alternative) if self.c.checkable(a)]

    def props(self, crit: Node) -> list[URIRef]:
        """The submission properties a criterion reads (all alternatives for an OR)."""
        if PKG.AlternativeCriteria in self.c.types(crit):
            out: list[URIRef] = []
            for a in self.alternatives(crit):
                out += [p for p in self.props(a) if p not in out]
            return out
        p = self.c.g.value(crit, PKG.onProperty)
        return [p] if isinstance(p, URIRef) else []

    def constrain(self, s: URIRef, crit: Node, strict: bool) -> None:
        """The constraint components of a property shape `s` for a simple criterion."""
        g, cg = self.g, self.c.g
        p = cg.value(crit, PKG.onProperty)
        g.add((s, SH.path, self.path(p)))
        kinds = self.c.types(crit)
        required = cg.value(crit, PKG.requiredValue)
        if PKG.RequiredCondition in kinds:
            if required is None:
                g.add((s, SH.minCount, Literal(1)))
                g.add((s, SH.minLength, Literal(1)))
            else:
                g.add((s, SH.hasValue, required))
            return
        if strict and p not in NESTED_PATH:
            g.add((s, SH.minCount, Literal(1)))
        if PKG.ValueInCriterion in kinds:
            allowed = self.c.objs(crit, PKG.allowedValue) + self.c.objs(crit, PKG.allowedLiteral)
            g.add((s, SH["in"], self.rdf_list(allowed)))
            return
        comp = str(cg.value(crit, PKG.comparator))
        value = cg.value(crit, PKG.thresholdValue)
        if comp == "eq":
            g.add((s, SH["in"], self.rdf_list([value])))
        else:
            g.add((s, COMPARATOR[comp], value))

    def property_select(self, crit: Node, strict: bool) -> str:
        """SHACL-SPARQL for a threshold whose value is another property of the submission (pkg:thresholdProperty):
        checked once that other property is given; strict also reports the compared property missing."""
        cg = self.c.g
        p, q = cg.value(crit, PKG.onProperty), cg.value(crit, PKG.thresholdProperty)
        op = SPARQL_OP[str(cg.value(crit, PKG.comparator))]
        opt = f"OPTIONAL {{ $this <{p}> ?value }}" if strict else f"$this <{p}> ?value ."
        miss = "!BOUND(?value) || " if strict else ""
        return (f"SELECT $this ?value ?other WHERE {{\n  $this <{q}> ?other .\n  {opt}\n"
                f"  FILTER ({miss}!(?value {op} ?other))\n}}")

    def relative_select(self, crit: Node, strict: bool) -> str:
        """SHACL-SPARQL for a threshold counted from another date (pkg:relativeTo)."""
        cg = self.c.g
        p = cg.value(crit, PKG.onProperty)
        rel = str(cg.value(crit, PKG.relativeTo))
        comp = str(cg.value(crit, PKG.comparator))
        n = T.num(cg.value(crit, PKG.thresholdValue))
        hop = f"$this <{NESTED_PATH[p]}> ?node .\n  " if p in NESTED_PATH else ""
        subj = "?node" if p in NESTED_PATH else "$this"
        if p in DATE_PROPS:  # date to date: whole years counted as in docs/encoding.md (N years end the day before)
            delta = ("((YEAR(?value) - YEAR(?from)) * 10000 + (MONTH(?value) - MONTH(?from)) * 100 "
                     "+ (DAY(?value) - DAY(?from)))")
            ok = {"le": f"{delta} < {n} * 10000", "lt": f"{delta} < {n} * 10000 - 1",
                  "ge": f"{delta} >= {n} * 10000 - 1", "gt": f"{delta} >= {n} * 10000"}[comp]
            return (f"SELECT $this ?value ?from WHERE {{\n  {hop}{subj} <{p}> ?value ; pkg:{rel} ?from .\n"
                    f"  FILTER (!({ok}))\n}}")
        ref = "COALESCE(?app, ?asOf)" if rel == "applicationDate" else f"?{rel}"
        miss = "!BOUND(?value) || " if strict else ""
        opt = f"OPTIONAL {{ {subj} <{p}> ?value }}" if strict else f"{subj} <{p}> ?value ."
        return (f"SELECT $this ?value WHERE {{\n  {hop}$this pkg:asOf ?asOf .\n"
                f"  OPTIONAL {{ $this pkg:applicationDate ?app }}\n  {opt}\n"
                f"  FILTER ({miss}!((YEAR({ref}) - ?value) {SPARQL_OP[comp]} {n}))\n}}")


def _pkg(name: str) -> URIRef:
    try:
        return PKG[name]
    except AttributeError:  # not an ontology term: shown by name
        return URIRef(str(PKG._NS) + name)


def doc_filter(doc: Doc) -> str:
    parts = []
    if doc.start:
        parts.append(f'?asOf >= "{doc.start.isoformat()}"^^xsd:date')
    if doc.end:
        parts.append(f'?asOf <= "{doc.end.isoformat()}"^^xsd:date')
    return ("?this pkg:asOf ?asOf .\n    FILTER (" + " && ".join(parts) + ")\n") if parts else ""


def requesters(measures: Iterable[Node], ptypes: Sequence[Node] = (), c: Corpus | None = None) -> str:
    """The body of a select of the submissions that request one of `measures` (and are of `ptypes`); with the
    corpus, also the submissions whose class is the application for one of them (pkg:applicationFor) and that
    request none of their class's application measures explicitly (an explicit request chooses)."""
    ms = sorted(measures, key=str)
    q = f"    VALUES ?m {{ {' '.join(n3(m) for m in ms)} }}\n"
    apps = [(m, t, allowed) for m in ms for t, allowed in (c.applications(m) if c is not None else [])]
    if not apps:
        q += "    ?this pkg:requests/pkg:measure ?m .\n"
    else:
        q += "    { ?this pkg:requests/pkg:measure ?m . }\n"
        for m, t, allowed in apps:
            own = " ".join(n3(x) for x in sorted(c.g.objects(t, PKG.applicationFor), key=str))  # type: ignore[union-attr]
            q += (f"    UNION {{ VALUES (?m ?st) {{ ({n3(m)} {n3(t)}) }}\n      ?this a ?st .\n"
                  f"      FILTER NOT EXISTS {{ ?this pkg:requests/pkg:measure ?own . VALUES ?own {{ {own} }} }}\n")
            if allowed:
                sel = c.g.value(t, PKG.applicationSelector)  # type: ignore[union-attr]
                q += (f"      OPTIONAL {{ ?this <{sel}> ?selector }}\n"
                      f"      FILTER (!BOUND(?selector) || ?selector IN ({in_list(allowed)}))\n")
            q += "    }\n"
    if ptypes:
        q += f"    VALUES ?t {{ {' '.join(n3(t) for t in ptypes)} }}\n    ?this pkg:projectType ?t .\n"
    return q


def guard_pattern(c: Corpus, guard: Node, i: int) -> str:
    """The submission meets a pkg:appliesWhen criterion (a value in a list, a numeric threshold, a declaration)."""
    g = c.g
    p = g.value(guard, PKG.onProperty)
    if PKG.ValueInCriterion in c.types(guard):
        allowed = c.objs(guard, PKG.allowedValue) + c.objs(guard, PKG.allowedLiteral)
        return f"?this <{p}> ?g{i} . FILTER (?g{i} IN ({in_list(allowed)}))\n"
    if PKG.RequiredCondition in c.types(guard):
        return f"?this <{p}> {n3(g.value(guard, PKG.requiredValue))} .\n"
    if PKG.Threshold in c.types(guard) and g.value(guard, PKG.thresholdValue) is not None:
        op = SPARQL_OP[str(g.value(guard, PKG.comparator))]
        return f"?this <{p}> ?g{i} . FILTER (?g{i} {op} {n3(g.value(guard, PKG.thresholdValue))})\n"
    raise CorpusError(f"pkg:appliesWhen <{guard}> is not a value-in criterion, a declaration or a numeric "
                      "threshold", str(guard))


def general(c: Corpus, scopes: Sequence[tuple], ptypes: Sequence[Node]) -> str:
    """The body of a select of the submissions a constraint applies to (union over its owners)."""
    branches = []
    for subtypes, otypes, doc, guards in scopes:
        b = f"    VALUES ?st {{ {' '.join(n3(s) for s in subtypes)} }}\n    ?this a ?st .\n"
        types = [t for t in otypes if not ptypes or t in ptypes] if otypes else list(ptypes)
        if types:
            b += f"    VALUES ?t {{ {' '.join(n3(t) for t in types)} }}\n    ?this pkg:projectType ?t .\n"
        b += "    " + doc_filter(doc) if doc_filter(doc) else ""
        for i, gd in enumerate(guards):
            b += "    " + guard_pattern(c, gd, i)
        branches.append(b)
    return "  {\n" + "  } UNION {\n".join(branches) + "  }\n"


def select(body: str, extra: str = "") -> str:
    return PFX + "SELECT DISTINCT ?this WHERE {\n" + body + extra + "}"


def date_literal(d: object) -> Literal:
    return Literal(str(d), datatype=XSD.date)
