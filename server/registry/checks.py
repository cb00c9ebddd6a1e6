"""Validation of a submission together with the registry: what other submissions and awards imply.

- The awards of the same project (creditCode/projectCode, else the subject IRI) go to the
  validator as `registry_context`; the cross-policy shapes turn them into prior municipal
  funding, so "已获得市级其他财政资金支持的项目，不再重复支持" fires with its own shape and
  clause. An earlier year's award under the very measure requested, when that measure is
  paid by year (capPerYear / maxYears), is that measure's own instalment, not "other"
  funding: the shape itself leaves it out (shapegen_cross), and it counts against the
  per-year cap and the year limit below instead.
- Per-year caps are cumulative across submissions (e.g. 000 第（五）项: 单个企业年度补贴金额不超过
  1000 万元): the awards of the enterprise (or project, by pkg:capScope) under the measure in
  the same year, plus the requests of its other projects' stored conforming submissions of
  that year not yet awarded, plus this request, must stay within the cap; and a measure
  paid for at most N years (最高不超过 3 年) cannot be paid in an (N+1)th year. These
  findings carry the measure's amount shape and clause, and join the report graph.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef

from policykg.namespaces import PKG, PREFIXES, PROV, SH
from policykg.registry import records as registry
from policykg.registry.history import amount_shape, history_findings
from policykg.store import IN_ORDER
from policykg.validation import Bundle, Outcome, clause_ref, get_bundle, project_key, submissions, validate

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
PENDING_Q = PFX + IN_ORDER + """SELECT ?cc ?m ?rec ?key ?amount ?asOf ?at WHERE {
  GRAPH ?g {  # from the enterprise's code: grows with its own records, not the registry's (1.5 s -> 14 ms at 100k)
    ?a pkg:creditCode ?cc . ?s pkg:applicant ?a ; pkg:requests ?r . ?r pkg:measure ?m ; pkg:amount ?amount .
    ?rec foaf:primaryTopic ?s ; a pkg:SubmissionRecord ; pkg:projectKey ?key ; pkg:asOf ?asOf ; pkg:submittedAt ?at .
    ?report a sh:ValidationReport ; sh:conforms true .
  }
  FILTER (STR(?rec) = CONCAT("RECORD_BASE", STRAFTER(STR(?g), "GRAPH_BASE")))
}""".replace("RECORD_BASE", registry.RECORD).replace("GRAPH_BASE", registry.SUBMISSION_GRAPH)  # its graph's own record
# an enterprise holding more records than BIG: its pending requests read from the measure's requests instead
PENDING_BY_MEASURE_Q = PENDING_Q.replace(
    "?a pkg:creditCode ?cc . ?s pkg:applicant ?a ; pkg:requests ?r . ?r pkg:measure ?m ; pkg:amount ?amount .",
    "?r pkg:measure ?m ; pkg:amount ?amount . ?s pkg:requests ?r ; pkg:applicant ?a . ?a pkg:creditCode ?cc .")
BIG = 2000
SIZE_Q = PFX + "\nSELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a pkg:creditCode %s } LIMIT %d } }"
WAN = {"zh": "万元", "en": " 万元"}


@dataclass
class Yearly:
    """A measure's cap per year and year limit (from the bundle's policy context)."""

    cap_per_year: Decimal | None
    max_years: Decimal | None
    per_enterprise: bool


def yearly(b: Bundle, m: URIRef) -> Yearly | None:
    cache = b.cache.setdefault("registry-yearly", {})  # per corpus version, like the bundle
    if m not in cache:
        cache[m] = _yearly(b, m)
    return cache[m]


def _yearly(b: Bundle, m: URIRef) -> Yearly | None:
    vals: dict[str, Any] = {}
    for _s, p, o in b.context.get(m, ()):
        if _s == m and p in (PKG.capPerYear, PKG.maxYears, PKG.capScope):
            vals[str(p).rsplit("#", 1)[-1]] = o
    if "capPerYear" not in vals and "maxYears" not in vals:
        return None
    dec = {k: Decimal(str(v)) for k, v in vals.items() if k in ("capPerYear", "maxYears")}
    return Yearly(dec.get("capPerYear"), dec.get("maxYears"), str(vals.get("capScope", "")) == "per-enterprise")


def _credit_code(data: Graph, s: URIRef) -> str | None:
    return next((str(o) for a in data.objects(s, PKG.applicant) for o in data.objects(a, PKG.creditCode)), None)


def requested(data: Graph, s: URIRef) -> list[tuple[BNode | URIRef, URIRef, Decimal | None]]:
    out = []
    for r in data.objects(s, PKG.requests):
        m = data.value(r, PKG.measure)
        amt = data.value(r, PKG.amount)
        if isinstance(m, URIRef):
            out.append((r, m, Decimal(str(amt)) if isinstance(amt, Literal) else None))
    return out


def as_of_days(b: Bundle, data: Graph, as_of: date | None) -> dict[URIRef, date]:
    """The day each submission is evaluated as of: the parameter, else its application date, else today."""
    out = {}
    for s in submissions(b, data):
        app = data.value(s, PKG.applicationDate)
        out[s] = as_of or (app.toPython() if isinstance(app, Literal) and isinstance(app.toPython(), date)
                           else date.today())
    return out


def _recorded_by(a: dict[str, Any], cutoff: str | None) -> bool:
    """An award the registry held at `cutoff` (a replay sees the registry as the decision saw it)."""
    return cutoff is None or (a.get("recordedAt") or "") <= cutoff


def registry_context(store: Any, b: Bundle, data: Graph, as_of: date | None = None, cutoff: str | None = None) -> Graph:
    """The awards of the projects in `data` decided on or before each one's as-of day, as AwardRecord triples.
    An award of a measure the submission requests again is not "other" funding: it is a duplicate application
    (registry/history.py), or, for a measure paid by year, an earlier instalment (the cross-policy shapes leave
    those out, and the per-year checks count them)."""
    g = Graph()
    fetched: dict[str, list[dict[str, Any]]] = {}
    for s, day in as_of_days(b, data, as_of).items():
        again = {str(m) for r in data.objects(s, PKG.requests) for m in data.objects(r, PKG.measure)}
        key = project_key(data, s)
        if key not in fetched:  # once per project (eligibility's copies share it)
            fetched[key] = registry.awards_for_project(store, key)
        for a in fetched[key]:
            if a["date"] > day.isoformat() or not _recorded_by(a, cutoff) or (
                    a["measure"] in again and yearly(b, URIRef(a["measure"])) is None):
                continue
            node = URIRef(a["iri"])
            g.add((node, RDF.type, PKG.AwardRecord))
            g.add((node, PKG.projectKey, Literal(a["project"])))
            g.add((node, PKG.measure, URIRef(a["measure"])))
            g.add((node, PKG.amount, Literal(format(a["amount"], "f"), datatype=XSD.decimal)))
            g.add((node, PKG.awardDate, Literal(a["date"], datatype=XSD.date)))
    return g


def used_in_year(store: Any, *, key: str, credit_code: str | None, measure: str, year: int,
                 per_enterprise: bool, until: date | None = None, cutoff: str | None = None
                 ) -> tuple[Decimal, list[int], list[str]]:
    """(amount used in `year`, years with awards for the project, what it is made of) for one measure;
    awards decided after `until` (the as-of day) did not exist yet and do not count."""
    big = False
    if per_enterprise and credit_code:
        size = store.select(SIZE_Q % (ox.Literal(credit_code), BIG + 1), registry=True)  # bounded count
        big = bool(size) and int(size[0]["n"].value) > BIG
    scope_awards = (registry.awards_for_enterprise(store, credit_code, measure, big) if per_enterprise and credit_code
                    else registry.awards_for_project(store, key))
    awards = [a for a in scope_awards if a["measure"] == measure and _recorded_by(a, cutoff)
              and (until is None or a["date"] <= until.isoformat())]
    used = Decimal(0)
    parts: list[str] = []
    awarded_keys = set()
    for a in awards:
        if int(a["date"][:4]) == year:
            used += a["amount"]
            awarded_keys.add(a["project"])
            parts.append(f"award {a['date']} {_n(a['amount'])}")
    years = sorted({int(a["date"][:4]) for a in awards if a["project"] == key})
    if per_enterprise and credit_code:
        latest: dict[str, tuple[str, Decimal]] = {}
        q = PENDING_BY_MEASURE_Q if big else PENDING_Q
        for r in store.select(registry.bound(q, {"cc": ox.Literal(credit_code), "m": ox.NamedNode(measure)}),
                              registry=True):
            k = r["key"].value
            at = r["at"].value
            if k == key or k in awarded_keys or int(r["asOf"].value[:4]) != year or (cutoff and at >= cutoff):
                continue
            if k not in latest or at > latest[k][0]:
                latest[k] = (at, Decimal(r["amount"].value))
        for k, (_at, amt) in sorted(latest.items()):
            used += amt
            parts.append(f"request of {k} {_n(amt)}")
    return used, years, parts


def _n(d: Decimal) -> str:
    return format(d.normalize(), "f")


def yearly_findings(store: Any, b: Bundle, data: Graph, dates: dict[str, str],
                    cutoff: str | None = None) -> list[dict[str, Any]]:
    """Cumulative per-year caps and year limits, across the registry."""
    out = []
    for s in submissions(b, data):
        day = date.fromisoformat(dates.get(str(s)) or date.today().isoformat())
        year = day.year
        key, cc = project_key(data, s), _credit_code(data, s)
        for _r, m, amount in requested(data, s):
            y = yearly(b, m)
            if y is None:
                continue
            used, years, _parts = used_in_year(store, key=key, credit_code=cc, measure=str(m), year=year,
                                               per_enterprise=y.per_enterprise, until=day, cutoff=cutoff)
            label = {lang: b.label(m, lang) or str(m) for lang in ("zh", "en")}
            if y.cap_per_year is not None and (used >= y.cap_per_year or
                                               amount is not None and used + amount > y.cap_per_year):
                amount = amount or Decimal(0)
                who = ({"zh": "该企业", "en": "the enterprise"} if y.per_enterprise
                       else {"zh": "该项目", "en": "the project"})
                msg = {"zh": f"“{label['zh']}”每年不超过{_n(y.cap_per_year)}万元：{who['zh']}{year}年已获或已申请"
                             f"{_n(used)}万元，本次申请{_n(amount)}万元，合计{_n(used + amount)}万元",
                       "en": f"“{label['en']}” is capped at {_n(y.cap_per_year)} 万元 per year: {who['en']} already "
                             f"holds or requested {_n(used)} 万元 in {year}; with this request of {_n(amount)} 万元 "
                             f"the total is {_n(used + amount)} 万元"}
                out.append(finding(store, b, s, m, amount, msg))
            if y.max_years is not None and year not in years and len(years) >= y.max_years:
                shown = "、".join(str(x) for x in years)
                msg = {"zh": f"“{label['zh']}”最长补贴{_n(y.max_years)}年：该项目已于{shown}年获得补贴",
                       "en": f"“{label['en']}” is paid for at most {_n(y.max_years)} years: the project was "
                             f"already paid in {', '.join(str(x) for x in years)}"}
                out.append(finding(store, b, s, m, Decimal(len(years)), msg))
    return out


def finding(store: Any, b: Bundle, s: URIRef, m: URIRef, value: Decimal, msg: dict[str, str]) -> dict[str, Any]:
    shape = amount_shape(b, m)
    return {"severity": "Violation", "message": msg, "focusNode": str(s), "path": str(PKG.requests),
            "value": float(value), "sourceShape": str(shape),
            "sourceConstraintComponent": str(SH.SPARQLConstraintComponent),
            "clause": clause_ref(b, store, shape)}


def add_to_report(report: Graph, found: list[dict[str, Any]]) -> None:
    top = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
    if top is None:
        return
    for f in found:
        r = BNode()
        report.add((top, SH.result, r))
        report.add((r, RDF.type, SH.ValidationResult))
        report.add((r, SH.focusNode, URIRef(f["focusNode"])))
        report.add((r, SH.resultPath, URIRef(f["path"])))
        report.add((r, SH.value, Literal(str(f["value"]), datatype=XSD.decimal)))
        report.add((r, SH.sourceShape, URIRef(f["sourceShape"])))
        report.add((r, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        report.add((r, SH.resultSeverity, SH[f["severity"]]))
        for lang, text in f["message"].items():
            report.add((r, SH.resultMessage, Literal(text, lang=lang)))
        if f["clause"]:
            report.add((r, PROV.wasDerivedFrom, URIRef(f["clause"]["iri"])))


def check(store: Any, data: Graph, as_of: date | None = None, engine: str = "compiled",
          cutoff: str | None = None, graph_sha256: str | None = None) -> Outcome:
    """validate() with the registry: prior awards as context, cumulative caps across submissions. `cutoff` (an
    ISO timestamp) limits the registry to the records it held then: a replay sees what the decision saw.
    `graph_sha256`: graph_hash(data), when the caller has it (the id of the stored copy of this submission)."""
    from policykg.registry.prefetch import Prefetched

    b = get_bundle(store)
    reads = Prefetched(store)  # the registry's reads of this one check, each asked once (the project's awards: twice)
    out = validate(store, data, as_of=as_of, registry_context=registry_context(reads, b, data, as_of, cutoff),
                   engine=engine)  # type: ignore[arg-type]
    own = {registry.submission_id(graph_sha256 or registry.graph_hash(data))}  # the stored copy of this submission
    found = (yearly_findings(reads, b, data, out.as_of, cutoff)
             + history_findings(reads, b, data, out.as_of, own, cutoff))
    if not found:
        return out
    add_to_report(out.report_graph, found)
    results = sorted(out.results + found, key=lambda x: (x["sourceShape"], x["focusNode"] or "",
                                                         str(x["value"]), x["message"]["en"]))
    conforms = not any(r["severity"] == "Violation" for r in results)
    top = next(iter(out.report_graph.subjects(RDF.type, SH.ValidationReport)), None)
    if top is not None:
        out.report_graph.set((top, SH.conforms, Literal(conforms)))
    return Outcome(conforms, results, out.report_graph, out.as_of, out.shapes_version, out.engine)
