"""Documents, clauses and measures as the API and pages show them: from any rule to its clause.

Everything here reads the store through SPARQL (embedded or remote alike); user
input (ids, search text) goes in as substitutions, never spliced. The clause
skeleton of the corpus (clause -> parent, printed label) is read once per corpus
version into a `Catalog`, from which full labels such as 二、（一）2. are built.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from policykg.errors import BadInput, NotFound
from policykg.namespaces import BASE, PREFIXES

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
P, ELI, PROV = PREFIXES["pkg"], PREFIXES["eli"], PREFIXES["prov"]
RDF_TYPE, RDFS, SH = PREFIXES["rdf"] + "type", PREFIXES["rdfs"], PREFIXES["sh"]
SKOS, DCT = PREFIXES["skos"], PREFIXES["dcterms"]
SEP = "\u001f"

DOCS_Q = PFX + """
SELECT ?doc ?number ?title ?issued ?from ?until ?slug ?noEnd
       (GROUP_CONCAT(DISTINCT ?auth; separator="\\u001f") AS ?auths)
       (COUNT(DISTINCT ?clause) AS ?clauses)
WHERE {
  ?doc a eli:LegalResource ; pkg:inCorpus true .
  OPTIONAL { ?doc eli:id_local ?number }
  OPTIONAL { ?doc eli:title ?title FILTER(lang(?title) = "zh") }
  OPTIONAL { ?doc eli:date_document ?issued }
  OPTIONAL { ?doc eli:first_date_entry_in_force ?from }
  OPTIONAL { ?doc eli:date_no_longer_in_force ?until }
  OPTIONAL { ?doc pkg:slug ?slug }
  OPTIONAL { ?doc pkg:noEndDateStated ?noEnd }
  OPTIONAL { ?doc eli:passed_by/skos:prefLabel ?auth FILTER(lang(?auth) = "zh") }
  OPTIONAL { ?clause eli:is_part_of+ ?doc }
}
GROUP BY ?doc ?number ?title ?issued ?from ?until ?slug ?noEnd
ORDER BY ?issued ?doc
"""
ALL_DOCS_Q = PFX + """SELECT ?d ?number ?title ?slug ?in WHERE { ?d a eli:LegalResource .
  FILTER NOT EXISTS { ?d a eli:LegalResourceSubdivision }
  OPTIONAL { ?d eli:id_local ?number } OPTIONAL { ?d eli:title ?title FILTER(lang(?title) = "zh") }
  OPTIONAL { ?d pkg:slug ?slug } OPTIONAL { ?d pkg:inCorpus ?in } }"""
CLAUSES_Q = PFX + """SELECT ?c ?parent ?number ?heading ?pos ?level WHERE {
  ?c a eli:LegalResourceSubdivision ; eli:is_part_of ?parent .
  OPTIONAL { ?c eli:number ?number } OPTIONAL { ?c pkg:heading ?heading }
  OPTIONAL { ?c pkg:position ?pos } OPTIONAL { ?c pkg:clauseLevel ?level } }"""
AMBIGUITY_Q = PFX + """SELECT ?of ?node ?zh ?en ?reading WHERE {
  ?node pkg:ambiguity ?any . OPTIONAL { ?node pkg:ambiguityOf ?owner } BIND(COALESCE(?owner, ?node) AS ?of)
  OPTIONAL { ?node pkg:ambiguity ?zh FILTER(lang(?zh) = "zh") } OPTIONAL { ?node pkg:ambiguity ?en FILTER(lang(?en) = "en") }
  OPTIONAL { ?node pkg:chosenReading ?reading } }"""
PROPERTY_LABELS_Q = PFX + """SELECT ?p ?l WHERE { ?p rdfs:label ?l FILTER(STRSTARTS(STR(?p), STR(pkg:))) }"""
CONCEPTS_Q = PFX + """SELECT ?c ?n ?zh ?en WHERE { ?c a skos:Concept ; skos:notation ?n .
  OPTIONAL { ?c skos:prefLabel ?zh FILTER(lang(?zh) = "zh") } OPTIONAL { ?c skos:prefLabel ?en FILTER(lang(?en) = "en") } }"""
# ?x and everything said about it, with its super-classes as extra rdf:type values. pyoxigraph
# joins `?x ?p ?o` by scanning the store; LATERAL (an Oxigraph extension) makes it a lookup per ?x,
# 6x faster. Other SPARQL servers get the standard form.
DESCRIBE = """{{ SELECT DISTINCT ?root ?x {where} }}
  {{ ?x ?p ?o }} UNION {{ ?x a/rdfs:subClassOf+ ?o BIND(rdf:type AS ?p) }}"""
DESCRIBE_OX = """{{ SELECT DISTINCT ?root ?x {where} }}
  LATERAL {{ {{ ?x ?p ?o }} UNION {{ ?x a/rdfs:subClassOf+ ?o BIND(rdf:type AS ?p) }} }}"""
DERIVED_BODY = """?c eli:is_part_of* ?root .
  ?x0 ?rel ?c FILTER(?rel IN (prov:wasDerivedFrom, pkg:validityDerivedFrom, pkg:usesClause))
  OPTIONAL { ?owner sh:property ?x0 }"""
DERIVED_WHERE = "WHERE { " + DERIVED_BODY + """ VALUES ?which { 1 2 }
  BIND(IF(?which = 1, ?x0, ?owner) AS ?x) FILTER(BOUND(?x)) }"""
DERIVED_Q = PFX + "SELECT ?root ?c ?x0 ?rel ?owner WHERE { " + DERIVED_BODY + " }"
ANOMALY_Q = PFX + """SELECT ?root ?on ?a ?kind ?missing ?comment WHERE { ?on eli:is_part_of* ?root ; pkg:hasAnomaly ?a .
  OPTIONAL { ?a pkg:anomalyKind ?kind } OPTIONAL { ?a pkg:missingLabel ?missing }
  OPTIONAL { ?a rdfs:comment ?comment } }"""
SLUG_Q = PFX + "SELECT ?slug ?x WHERE { ?x pkg:slug ?slug }"
TYPES_Q = PFX + "SELECT ?x ?t WHERE { ?x a/rdfs:subClassOf* ?t }"
KINDS = [  # most specific first: a clause is also an eli:LegalResource
    ("clause", ELI + "LegalResourceSubdivision"), ("document", ELI + "LegalResource"),
    ("measure", P + "SupportMeasure"), ("criterion", P + "Criterion"), ("target", P + "PostDeliveryTarget"),
    ("rule", P + "DoubleFundingExclusion"), ("rule", P + "ExclusiveGroup"), ("rule", P + "SupportCeiling"),
    ("constraint", P + "Constraint"),
    ("provision", P + "Provision"), ("shape", SH + "NodeShape"), ("shape", SH + "PropertyShape"),
    ("query", P + "NamedQuery"), ("anomaly", P + "SourceAnomaly"), ("fact", P + "SourceFact"),
    ("source", P + "SecondarySource"), ("publication", P + "GazetteIssue"), ("concept", SKOS + "Concept"),
]


def _v(row: dict[str, Any], key: str) -> Any:
    t = row.get(key)
    return None if t is None else t.value


def pyval(t: Any) -> Any:
    """A term as JSON: IRIs as strings, typed literals as numbers/booleans where they are."""
    if t is None:
        return None
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    dt = getattr(getattr(t, "datatype", None), "value", "")
    if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger", "#positiveInteger")):
        return int(t.value)
    if dt.endswith(("#decimal", "#double", "#float")):
        return float(t.value)
    if dt.endswith("#boolean"):
        return t.value in ("true", "1")
    return t.value


class Props(dict):
    """Property IRI -> list of terms, for one subject."""

    def all(self, p: str) -> list[Any]:
        return [pyval(t) for t in self.get(p, [])]

    def one(self, p: str, lang: str | None = None) -> Any:
        terms = self.get(p, [])
        if lang is not None:
            terms = [t for t in terms if getattr(t, "language", None) == lang] or \
                    [t for t in terms if not getattr(t, "language", None)]
        return pyval(terms[0]) if terms else None

    @property
    def types(self) -> set[str]:
        return {t.value for t in self.get(RDF_TYPE, [])}


def kind_of(types: set[str]) -> str:
    return next((k for k, t in KINDS if t in types), "other")


def describe(store: Any, where: str, bindings: dict[str, Any] | None = None) -> dict[str, Props]:
    """Every property of each ?x matched by `where` (a SELECT body binding ?root and ?x)."""
    out: dict[str, Props] = {}
    template = DESCRIBE_OX if getattr(store, "ox", None) is not None else DESCRIBE
    for r in store.select(PFX + "SELECT ?root ?x ?p ?o WHERE {" + template.format(where=where) + "}", bindings):
        out.setdefault(pyval(r["x"]), Props()).setdefault(r["p"].value, []).append(r["o"])
    return out


SELF_Q = PFX + "SELECT ?x ?p ?o WHERE { { ?x ?p ?o } UNION { ?x a/rdfs:subClassOf+ ?o BIND(rdf:type AS ?p) } }"


def props_of(store: Any, iri: str) -> Props:
    """Everything said about one IRI (super-classes as extra rdf:type values)."""
    out = Props()
    for r in store.select(SELF_Q, {"x": ox.NamedNode(iri)}):
        out.setdefault(r["p"].value, []).append(r["o"])
    return out


@dataclass
class Catalog:
    """The corpus skeleton: documents, clauses (parent, printed label), concepts."""

    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    clauses: dict[str, dict[str, Any]] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    concepts: dict[str, dict[str, Any]] = field(default_factory=dict)
    ambiguities: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # provision -> its ambiguities
    property_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # local name of a pkg: term -> lang -> label

    def doc_of(self, iri: str) -> str | None:
        seen = 0
        while iri in self.clauses and seen < 64:
            iri, seen = self.clauses[iri]["parent"], seen + 1
        return iri if iri in self.docs else None

    def path(self, iri: str) -> list[str]:
        """The clause and its ancestor clauses, outermost first."""
        out: list[str] = []
        while iri in self.clauses and len(out) < 64:
            out.insert(0, iri)
            iri = self.clauses[iri]["parent"]
        return out

    def label(self, iri: str) -> str:
        """The printed labels along the path, e.g. 二、（一）2.; ¶n for the n-th unnumbered paragraph (the `pn` of
        its IRI, not its position among numbered siblings)."""
        parts = []
        for c in self.path(iri):
            info = self.clauses[c]
            tail = c.rsplit("/", 1)[-1]
            para = tail[1:] if tail[:1] == "p" and tail[1:].isdigit() else info["position"] or ""
            parts.append(info["number"] or ("通知" if info["level"] == "notice" else f"¶{para}"))
        return "".join(parts)

    def doc_label(self, doc: str | None) -> str | None:
        """How a document is named next to a clause label: its number, else its title in 《》."""
        d = self.docs.get(doc or "") or {}
        return d.get("number") or (f"《{d['title']}》" if d.get("title") else None)

    def clause_ref(self, iri: str | None) -> dict[str, Any] | None:
        if not iri:
            return None
        if iri in self.docs:
            return {"iri": iri, "label": None, "fullLabel": "", "document": iri,
                    "documentNumber": self.docs[iri].get("number"), "documentLabel": self.doc_label(iri),
                    "heading": None}
        info = self.clauses.get(iri, {})
        doc = self.doc_of(iri)
        return {"iri": iri, "label": info.get("number"), "fullLabel": self.label(iri), "heading": info.get("heading"),
                "document": doc, "documentNumber": (self.docs.get(doc) or {}).get("number"),
                "documentLabel": self.doc_label(doc)}

    def doc_ref(self, iri: str | None) -> dict[str, Any] | None:
        if not iri:
            return None
        d = self.docs.get(iri, {})
        return {"iri": iri, "number": d.get("number"), "title": d.get("title"), "slug": d.get("slug"),
                "label": self.doc_label(iri), "inCorpus": bool(d.get("inCorpus"))}

    def project_types(self) -> list[dict[str, Any]]:
        return [self.concept(c) for c in sorted(self.concepts) if "/concept/project-type/" in c]

    def concept(self, iri: str) -> dict[str, Any]:
        c = self.concepts.get(iri, {})
        return {"iri": iri, "notation": c.get("notation"), "zh": c.get("zh"), "en": c.get("en")}


_CATALOGS: dict[tuple[int, str], Catalog] = {}


def catalog(store: Any) -> Catalog:
    """The skeleton, cached per store and corpus version."""
    from policykg.corpus import store_version

    key = (id(getattr(store, "base", store)), store_version(store))  # kept by the store until its corpus is written
    if key in _CATALOGS:
        return _CATALOGS[key]
    cat = Catalog()
    for r in store.select(ALL_DOCS_Q):
        cat.docs[r["d"].value] = {"number": _v(r, "number"), "title": _v(r, "title"), "slug": _v(r, "slug"),
                                  "inCorpus": pyval(r.get("in")) is True}
    for r in store.select(CLAUSES_Q):
        c = r["c"].value
        cat.clauses[c] = {"parent": r["parent"].value, "number": _v(r, "number"), "heading": _v(r, "heading"),
                          "position": pyval(r.get("pos")), "level": _v(r, "level")}
        cat.children.setdefault(r["parent"].value, []).append(c)
    for kids in cat.children.values():
        kids.sort(key=lambda c: (cat.clauses[c]["position"] or 0, c))
    for r in store.select(CONCEPTS_Q):
        cat.concepts[r["c"].value] = {"notation": _v(r, "n"), "zh": _v(r, "zh"), "en": _v(r, "en")}
    for r in store.select(PROPERTY_LABELS_Q):
        lit = r["l"]
        cat.property_labels.setdefault(r["p"].value.rsplit("#", 1)[-1], {})[getattr(lit, "language", None) or "zh"] = \
            lit.value
    seen: set[tuple[str, str]] = set()
    for r in store.select(AMBIGUITY_Q):
        node = r["node"].value
        if (node, _v(r, "en") or "") in seen:
            continue
        seen.add((node, _v(r, "en") or ""))
        cat.ambiguities.setdefault(r["of"].value, []).append(
            {"iri": node, "ambiguity": _v(r, "zh"), "ambiguityEn": _v(r, "en"), "chosenReading": _v(r, "reading")})
    for amb in cat.ambiguities.values():
        amb.sort(key=lambda a: a["iri"])  # the provision's own first: its nodes' IRIs extend its IRI
    if len(_CATALOGS) > 8:
        _CATALOGS.clear()
    _CATALOGS[key] = cat
    return cat


def kinds(store: Any, iri: str) -> set[str]:
    """The classes of `iri` with their super-classes; empty for an unknown or malformed IRI."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return set()
    return {pyval(r["t"]) for r in store.select(TYPES_Q, {"x": node})}


def resolve(store: Any, ident: str, want: str | None = None) -> str:
    """A full IRI for an id: a full IRI, an IRI path (doc/jfgg/2023/12/2/4/1), a slug
    (jfgg-2023-12, a measure slug) or a slug followed by a clause path (jfgg-2023-12/2/4/1).
    NotFound unless it names a thing of kind `want` (document, clause, measure, …)."""
    ident = (ident or "").strip(" \t\n\r\f\v")  # the whitespace the OpenAPI pattern's \s means (not U+0085)
    if not ident or len(ident) > 500 or any(ch in ident for ch in "<>\"{}|\\^` \n"):
        raise BadInput("not an id", {"id": ident[:200]})
    if ident.startswith(("http://", "https://")):
        cands = [ident]
    else:
        path = ident.strip("/")
        cands = [BASE + path]
        head, _, rest = path.partition("/")
        for r in store.select(SLUG_Q, {"slug": ox.Literal(head)}):
            cands.insert(0, r["x"].value + ("/" + rest if rest else ""))
    for iri in cands:
        ks = kinds(store, iri)
        if ks and (want is None or kind_of(ks) == want):
            return iri
    raise NotFound(f"no {want or 'resource'} {ident!r}", {"id": ident, "kind": want})
