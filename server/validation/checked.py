"""What a validation checked, per submission, and the finding that nothing was checked.

    scope = governance(store, b)                         # per corpus version, cached in the bundle
    found = describe(b, scope, dg, dates, sources, focus)  # one Checked per submission

A submission is checked against the rules whose shapes have it as a focus node (validation_targets).
Its `checked` object names the as-of date and its source ("parameter" | "applicationDate" | "today"),
the documents that govern its submission type (some provision pkg:appliesToSubmissionType it) in force
that day and those that are not (with their validity), the measures evaluated (requested, or applied
for by the submission's class: pkg:applicationFor) and the number of shapes applied.

When no shape of a document in force that day applied (a requested measure's document found in force
counts: its validity was checked; one found out of force does not), the submission was not evaluated: that is never a pass. Its status is "not-evaluated", and unless a validity shape
already says why (the document of a requested measure is not in force), a finding says it: a
Violation (so sh:conforms and `conforms` are false for every client) whose sourceConstraintComponent is
pkg:NotEvaluatedConstraintComponent, naming the governing documents with their validity, the as-of
date and its source, and the validity clause of a document out of force.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from policykg.namespaces import BASE, PKG, PREFIXES
from policykg.validation.bundle import Bundle
from policykg.validation.targets import split

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
DOCS_Q = PFX + """
SELECT ?doc ?number ?from ?until ?clause ?t WHERE {
  ?p pkg:appliesToSubmissionType ?t .
  { ?p pkg:definedIn ?doc } UNION { ?doc pkg:inCorpus true . FILTER (STRSTARTS(STR(?p), CONCAT(STR(?doc), "/"))) }
  ?doc pkg:inCorpus true .
  OPTIONAL { ?doc eli:id_local ?number }
  OPTIONAL { ?doc eli:first_date_entry_in_force ?from }
  OPTIONAL { ?doc eli:date_no_longer_in_force ?until }
  OPTIONAL { ?doc pkg:validityDerivedFrom ?clause }
}"""
APPS_Q = PFX + "SELECT ?t ?m WHERE { ?t pkg:applicationFor ?m }"
NOT_EVALUATED = URIRef(PREFIXES["pkg"] + "NotEvaluatedConstraintComponent")
SOURCE_ZH = {"parameter": "参数 asOf", "applicationDate": "申报日期", "today": "未给出申报日期，按今天"}
SOURCE_EN = {"parameter": "the asOf parameter", "applicationDate": "the application date",
             "today": "no application date given: today"}


@dataclass
class Doc:
    iri: URIRef
    number: str | None
    start: date | None
    end: date | None
    clause: URIRef | None

    def in_force(self, d: date) -> bool:
        return (self.start is None or self.start <= d) and (self.end is None or d <= self.end)


@dataclass
class Governance:
    docs: dict[URIRef, Doc] = field(default_factory=dict)
    governs: dict[URIRef, list[URIRef]] = field(default_factory=dict)  # submission type -> documents
    applications: dict[URIRef, list[URIRef]] = field(default_factory=dict)  # type -> measures (applicationFor)
    measure_doc: dict[URIRef, URIRef] = field(default_factory=dict)

    def doc_of_shape(self, shape: Node) -> Doc | None:
        """The document a shape encodes a rule of: shape IRIs mirror the provision's IRI under /shape/."""
        s = str(shape)
        if not s.startswith(BASE + "shape/"):
            return None
        path = BASE + "doc/" + s[len(BASE + "shape/"):]
        best = None
        for d in self.docs.values():
            if path == str(d.iri) or path.startswith(str(d.iri) + "/"):
                if best is None or len(str(d.iri)) > len(str(best.iri)):
                    best = d
        return best


def governance(store: Any, b: Bundle) -> Governance:
    cached = b.cache.get("governance")
    if cached is not None:
        return cached
    g = Governance()
    for r in store.select(DOCS_Q):
        iri = URIRef(r["doc"].value)
        clause = URIRef(r["clause"].value) if "clause" in r else None
        if iri not in g.docs:
            day = {k: date.fromisoformat(r[k].value[:10]) if k in r else None for k in ("from", "until")}
            g.docs[iri] = Doc(iri, r["number"].value if "number" in r else None, day["from"], day["until"], clause)
        elif clause is not None and (g.docs[iri].clause is None or str(clause) < str(g.docs[iri].clause)):
            g.docs[iri].clause = clause  # several validity clauses: the first by IRI, whatever the row order
        docs = g.governs.setdefault(URIRef(r["t"].value), [])
        if iri not in docs:
            docs.append(iri)
    for v in g.governs.values():
        v.sort(key=str)
    for r in store.select(APPS_Q):
        g.applications.setdefault(URIRef(r["t"].value), []).append(URIRef(r["m"].value))
    for m, triples in b.context.items():
        for s, p, o in triples:
            if s == m and p == PKG.definedIn and isinstance(o, URIRef):
                g.measure_doc[m] = o
    b.cache["governance"] = g
    return g


@dataclass
class Checked:
    """What was checked for one submission."""

    focus: URIRef
    as_of: date
    source: str
    types: list[URIRef]
    in_force: list[Doc]
    not_in_force: list[Doc]
    measures: list[tuple[URIRef, bool]]  # (measure, applied for by the submission's class)
    shapes: int
    rules_in_force: int
    finding: bool = False  # a validity shape or the not-evaluated finding says why nothing was checked

    @property
    def status(self) -> str:
        return "not-evaluated" if self.rules_in_force == 0 else "evaluated"


def describe(b: Bundle, gov: Governance, data: Graph, dates: dict[str, str], sources: dict[str, str],
             focus: dict[URIRef, list[Node]], subjects: list[URIRef]) -> list[Checked]:
    applied: dict[Node, list[URIRef]] = {}
    for shape, nodes in focus.items():
        for n in nodes:
            applied.setdefault(n, []).append(shape)
    targets = split(b).targets
    out = []
    for s in subjects:
        day = date.fromisoformat(dates[str(s)])
        types = sorted((t for t in data.objects(s, RDF.type) if t in b.submission_classes), key=str)
        docs = [gov.docs[d] for t in types for d in gov.governs.get(t, [])]
        docs = list({d.iri: d for d in docs}.values())
        measures: dict[URIRef, bool] = {}
        for r in data.objects(s, PKG.requests):
            m = data.value(r, PKG.measure)
            if isinstance(m, URIRef):
                measures[m] = False
        shapes = applied.get(s, [])
        for t in types:  # applied for by its class: the generated targets of m's own shapes selected it
            for m in gov.applications.get(t, []):
                if m not in measures and any(targets[sh].measures == frozenset({str(m)}) for sh in shapes
                                             if sh in targets):
                    measures[m] = True
        rules = [sh for sh in shapes if _in_force(gov, sh, day)]  # a validity check passed counts, one failed not
        out.append(Checked(s, day, sources[str(s)], types, [d for d in docs if d.in_force(day)],
                           [d for d in docs if not d.in_force(day)], sorted(measures.items(), key=lambda x: str(x[0])),
                           len(shapes), len(rules)))
    return out


def _in_force(gov: Governance, shape: URIRef, day: date) -> bool:
    d = gov.doc_of_shape(shape)
    return d is None or d.in_force(day)


def span(d: Doc) -> str:
    return f"{d.start.isoformat() if d.start else '…'}–{d.end.isoformat() if d.end else '…'}"


def name(b: Bundle, d: Doc, lang: str) -> str:
    title = b.label(d.iri, lang) or str(d.iri)
    return d.number or (f"《{title}》" if lang == "zh" else f"“{title}”")


def findings(b: Bundle, store: Any, c: Checked) -> list[dict[str, Any]]:
    """The not-evaluated findings of submission c, in zh and en: one per governing document out of force (with
    its validity clause) when none is in force, else one saying that no rule of those in force reaches it."""
    tz = "、".join(b.label(t, "zh") or str(t) for t in c.types) or "该申报"
    te = ", ".join(b.label(t, "en") or str(t) for t in c.types) or "this submission"
    day, sz, se = c.as_of.isoformat(), SOURCE_ZH[c.source], SOURCE_EN[c.source]
    if not c.in_force and c.not_in_force:
        return [_finding(c, {"zh": f"{name(b, d, 'zh')}适用于{tz}，有效期{span(d)}；本申报的评估日期为{day}（{sz}），"
                                   "不在有效期内，未按该文件校验任何规则",
                             "en": f"{name(b, d, 'en')} governs {te} submissions and is in force {span(d)}; the "
                                   f"submission is evaluated as of {day} ({se}), outside it: no rule of it was checked"},
                         clause_json(b, store, d.clause)) for d in c.not_in_force]
    if c.in_force:
        nz = "、".join(name(b, d, "zh") for d in c.in_force)
        ne = ", ".join(name(b, d, "en") for d in c.in_force)
        return [_finding(c, {
            "zh": f"评估日期{day}（{sz}）现行适用于{tz}的文件（{nz}）中，没有规则适用于本申报：未申请现行措施，"
                  "也不满足任何约束的适用条件；未校验任何规则",
            "en": f"Of the documents in force on {day} ({se}) that govern {te} submissions ({ne}), no rule applies "
                  "to this submission: it requests no measure in force and meets no constraint's conditions; "
                  "nothing was checked"}, None)]
    return [_finding(c, {"zh": f"没有文件规定{tz}的校验规则；未校验任何规则",
                         "en": f"No document governs {te} submissions: nothing was checked"}, None)]


def _finding(c: Checked, message: dict[str, str], clause: dict[str, Any] | None) -> dict[str, Any]:
    return {"severity": "Violation", "message": message, "focusNode": str(c.focus), "path": None,
            "value": c.as_of.isoformat(), "sourceShape": str(not_evaluated_shape(c)),
            "sourceConstraintComponent": str(NOT_EVALUATED), "clause": clause}


def not_evaluated_shape(c: Checked) -> URIRef:
    t = str(c.types[0]).rsplit("#", 1)[-1] if c.types else "Submission"
    return URIRef(f"{BASE}shape/submission-type/{t}/not-evaluated")


def clause_json(b: Bundle, store: Any, c: URIRef | None) -> dict[str, Any] | None:
    from policykg.provenance import catalog

    if c is None:
        return None
    cache = b.cache.setdefault("clause-json", {})  # per corpus version (eligibility asks for the same clauses often)
    if str(c) not in cache:
        ref = catalog(store).clause_ref(str(c)) or {}
        cache[str(c)] = {"iri": str(c), "documentNumber": ref.get("documentNumber"),
                         "label": ref.get("fullLabel") or ref.get("label"), "text": b.clause_text.get(str(c)),
                         "document": ref.get("document")}
    return dict(cache[str(c)])


def sources(data: Graph, subjects: list[URIRef], as_of: date | None) -> dict[str, str]:
    """Where each submission's as-of date came from (engine.prepare picks it the same way)."""
    out = {}
    for s in subjects:
        app = data.value(s, PKG.applicationDate)
        has_app = isinstance(app, Literal) and isinstance(app.toPython(), date)
        out[str(s)] = "parameter" if as_of else "applicationDate" if has_app else "today"
    return out


def account_data(store: Any, b: Bundle, data: Any, facts: Any, dates: dict[str, str], as_of: date | None,
                 res: list[dict[str, Any]], subjects: list[URIRef], focus: dict[Any, list[Node]]
                 ) -> tuple[list[dict[str, Any]], list[Checked], list[dict[str, Any]]]:
    """What was checked, as plain data: (the results with the not-evaluated findings, sorted; the scopes; the
    findings added). `facts`: the prepared submission (a graph or compiled Facts), `focus`: shape -> focus nodes."""
    scopes = describe(b, governance(store, b), facts, dates, sources(data, subjects, as_of), focus, subjects)
    added: list[dict[str, Any]] = []
    for c in scopes:
        said = any(r["focusNode"] == str(c.focus) and r["severity"] == "Violation"
                   and r["sourceShape"].endswith("/in-force") for r in res)
        if c.status == "not-evaluated" and not said:
            added += findings(b, store, c)
    out = sorted([*res, *added], key=lambda x: (x["sourceShape"], x["focusNode"] or "", str(x["value"]),
                                                 x["message"]["en"]))
    return out, scopes, added
