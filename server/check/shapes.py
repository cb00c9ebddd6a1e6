"""`policykg check`: the shapes are generated from the corpus, annotated, and cover every rule.

- shapes-generated: shapes/*.ttl equal a fresh `python -m policykg.shapes` (so every number in a
  shape is the parameter it encodes: one source of truth, docs/architecture.md);
- shapes-annotated: every shape has an IRI, sh:name, sh:severity, sh:message @zh and @en and
  prov:wasDerivedFrom a clause of the corpus;
- coverage: every provision (measure, criterion, constraint, target, rule) is encoded by a shape
  (pkg:encodesProvision) or marked pkg:machineCheckable false with a pkg:notCheckableReason; and
  every clause whose own text states a numeric condition has a provision derived from it. The
  reasoned not-checkable provisions are listed.
"""
from __future__ import annotations

import re
from pathlib import Path

import rdflib
from rdflib import RDF, Literal, URIRef

from policykg.check.report import Problem, Report, check
from policykg.errors import CorpusError
from policykg.namespaces import ELI, PKG, PROV, SH

PROVISION_CLASSES = {PKG.Provision, PKG.SupportMeasure, PKG.MonetarySupport, PKG.InvestmentSubsidy,
                     PKG.LoanInterestSubsidy, PKG.Reward, PKG.FinanceLeaseSubsidy, PKG.FundingGrant,
                     PKG.OperatingSupport, PKG.NonMonetarySupport, PKG.Constraint, PKG.PostDeliveryTarget,
                     PKG.DoubleFundingExclusion, PKG.ExclusiveGroup, PKG.Criterion, PKG.Threshold,
                     PKG.RequiredCondition, PKG.ValueInCriterion, PKG.AlternativeCriteria}
# A numeric condition: a comparison word next to a number with a unit (超过 3000 平方米, 不低于 30%, 3 年以上…).
NUMBER = (r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百两]+)\s*(?:万|亿)?\s*"
          r"(?:%|％|元|平方米|米|年|个月|日|天|周岁|岁|吨|倍|个工作日|家|个)")
COMPARE = r"(?:超过|超|不低于|不少于|不超过|不高于|不大于|不小于|低于|高于|最高|最长|至少|达到|达)"
NUMERIC = re.compile(rf"{COMPARE}\s*{NUMBER}|{NUMBER}\s*(?:（含）)?\s*(?:以上|以下|以内)")


def _shapes(root: Path) -> tuple[rdflib.Graph, dict[URIRef, str]]:
    g = rdflib.Graph()
    where: dict[URIRef, str] = {}
    for f in sorted((root / "shapes").glob("*.ttl")):
        try:
            part = rdflib.Graph().parse(f, format="turtle")
        except (SyntaxError, ValueError) as e:
            raise CorpusError(f"does not parse: {e}", f"shapes/{f.name}") from None
        for s in part.subjects(RDF.type, None):
            if isinstance(s, URIRef):
                where[s] = f"shapes/{f.name}"
        g += part
    return g, where


def _skip(name: str, e: CorpusError, report: Report) -> None:
    report.info.append(f"{name}: skipped, {e.file} does not parse (the turtle check names the line)")


@check("shapes-generated")
def check_generated(root: Path, report: Report) -> None:
    from policykg.shapes import differences

    try:
        diff = differences(root)
    except CorpusError as e:
        return _skip("shapes-generated", e, report)
    for name in diff:
        report.problems.append(Problem("shapes-generated", "differs from the corpus: run `python -m policykg.shapes`",
                                       f"shapes/{name}"))
    report.info.append(f"{len(list((root / 'shapes').glob('*.ttl')))} shape files, generated from the corpus")


@check("shapes-annotated")
def check_annotated(root: Path, report: Report) -> None:
    from policykg.shapes import corpus_graph

    try:
        g, where = _shapes(root)
        corpus = corpus_graph(root)
    except CorpusError as e:
        return _skip("shapes-annotated", e, report)
    shapes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    for s in sorted(shapes, key=str):
        file = where.get(s) if isinstance(s, URIRef) else None
        if not isinstance(s, URIRef):
            report.problems.append(Problem("shapes-annotated", "a blank-node shape: every shape needs an IRI", file))
            continue
        for p, what in ((SH.name, "sh:name"), (SH.message, "sh:message")):
            langs = {o.language for o in g.objects(s, p) if isinstance(o, Literal)}
            if not {"zh", "en"} <= langs:
                report.problems.append(Problem("shapes-annotated", f"<{s}> lacks {what} @zh and @en", file))
        if g.value(s, SH.severity) is None:
            report.problems.append(Problem("shapes-annotated", f"<{s}> lacks sh:severity", file))
        clauses = list(g.objects(s, PROV.wasDerivedFrom))
        if not clauses:
            report.problems.append(Problem("shapes-annotated", f"<{s}> has no clause (prov:wasDerivedFrom)", file))
        for c in clauses:
            if not any(True for _ in corpus.triples((c, RDF.type, None))):
                report.problems.append(Problem("shapes-annotated", f"<{s}> cites <{c}>, not in the corpus", file))
    report.info.append(f"{len(shapes)} shapes, each named, with severity, messages @zh @en and its clause")


@check("coverage")
def check_coverage(root: Path, report: Report) -> None:
    from policykg.shapes import Corpus

    try:
        c = Corpus(root)
        g, _ = _shapes(root)
    except CorpusError as e:
        return _skip("coverage", e, report)
    encoded = set(g.objects(None, PKG.encodesProvision))
    provisions = sorted({s for cls in PROVISION_CLASSES for s in c.g.subjects(RDF.type, cls)
                         if isinstance(s, URIRef) and c.in_corpus(s)}, key=str)
    reasoned = []
    for p in provisions:
        if p in encoded:
            continue
        owners = c.owners(p)
        if c.checkable(p) and owners and all(not c.checkable(o) for o in owners):
            reason = "; ".join(f"only used by <{o}>: {_reason(c, o)}" for o in owners)
            reasoned.append((p, reason))
            continue
        if not c.checkable(p):
            reason = _reason(c, p)
            if reason:
                reasoned.append((p, reason))
                continue
            report.problems.append(Problem("coverage", f"<{p}> is marked not machine-checkable without a "
                                           "pkg:notCheckableReason", _file(c, p)))
            continue
        report.problems.append(Problem("coverage", f"<{p}> is encoded by no shape and not marked pkg:machineCheckable "
                                       "false (a criterion no measure or constraint lists?)", _file(c, p)))
    for clause, text in uncovered_numeric_clauses(c):
        report.problems.append(Problem("coverage", f"clause <{clause}> states a numeric condition ({text}) but no "
                                       "provision derives from it", _file(c, clause)))
    report.info.append(f"coverage: {len(provisions) - len(reasoned)} provisions encoded by shapes, "
                       f"{len(reasoned)} not machine-checkable with a reason:")
    for p, reason in reasoned:
        report.info.append(f"  not checkable: {str(p).removeprefix('https://w3id.org/policykg/doc/')}: {reason}")


def _reason(c, p: URIRef) -> str | None:
    return next((str(o) for o in c.g.objects(p, PKG.notCheckableReason)), None)


def _file(c, node: URIRef) -> str | None:
    doc = c.doc_of(node)
    return f"policies/{doc.slug}.ttl" if doc else None


def own_text(c, clause: URIRef) -> str:
    """The clause's text without the text of its sub-clauses."""
    text = str(c.g.value(clause, PROV.value) or "")
    for child in c.g.subjects(ELI.is_part_of, clause):
        t = str(c.g.value(child, PROV.value) or "")
        if t:
            text = text.replace(t, "")
    return text


def uncovered_numeric_clauses(c) -> list[tuple[URIRef, str]]:
    cited = set(c.g.objects(None, PROV.wasDerivedFrom)) | set(c.g.objects(None, PKG.validityDerivedFrom))
    out = []
    for clause in sorted(c.g.subjects(RDF.type, ELI.LegalResourceSubdivision), key=str):
        if clause in cited or not c.in_corpus(clause):
            continue
        m = NUMERIC.search(own_text(c, clause))
        if m:
            out.append((clause, m.group(0)))
    return out
