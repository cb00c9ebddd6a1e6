"""The corpus as the shape generator sees it: checkable rules and who they apply to.

Read-only views over the corpus graph (ontology + policies + clauses). Conventions of
docs/encoding.md that the generator relies on:
- a criterion applies to the submissions that request a measure listing it (pkg:hasCriterion,
  or the criterion's pkg:appliesToMeasure), restricted to its own pkg:appliesToProjectType;
  a submission whose class is the application for the measure (pkg:applicationFor, chosen by
  pkg:applicationSelector) requests it without a pkg:requests entry;
- a pkg:Constraint (or pkg:PostDeliveryTarget) applies to its pkg:appliesToSubmissionType and
  pkg:appliesToProjectType while its document is in force, and only to the submissions that
  meet its pkg:appliesWhen criteria (applicability guards, not requirements); a constraint
  with pkg:appliesToMeasure applies to that measure's requesters;
- a pkg:Threshold with pkg:thresholdProperty compares two properties of the submission;
- pkg:machineCheckable false removes a provision (and its scope) from the shapes.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.term import Node

from policykg.corpus import load_manifest
from policykg.errors import CorpusError
from policykg.namespaces import BASE, ELI, PKG, PROV

DOC_BASE = BASE + "doc/"
MONETARY = {PKG.InvestmentSubsidy, PKG.LoanInterestSubsidy, PKG.Reward, PKG.FinanceLeaseSubsidy,
            PKG.FundingGrant, PKG.OperatingSupport, PKG.MonetarySupport}
CRITERIA = {PKG.Threshold, PKG.RequiredCondition, PKG.ValueInCriterion, PKG.AlternativeCriteria}
# Properties that live on nested nodes of a submission, reached by a path (docs/submission.md).
NESTED_PATH = {PKG.periodFrom: PKG.extensions, PKG.periodUntil: PKG.extensions}
DATE_PROPS = {PKG.applicationDate, PKG.validFrom, PKG.validUntil, PKG.periodFrom, PKG.periodUntil}


def corpus_graph(root: Path) -> rdflib.Graph:
    """Ontology, policies and clauses in one graph; a file that does not parse is a CorpusError naming it."""
    g = rdflib.Graph()
    pol = root / "policies"
    files = sorted((root / "ontology").glob("*.ttl")) + sorted(pol.glob("*.ttl")) + sorted((pol / "clauses").glob("*.ttl"))
    for f in files:
        try:
            g.parse(f, format="turtle", publicID=BASE)
        except (SyntaxError, ValueError) as e:
            raise CorpusError(f"does not parse: {str(e)[:200]}", f.relative_to(root).as_posix()) from None
    return g


@dataclass(frozen=True)
class Doc:
    slug: str
    iri: URIRef
    number: str | None
    start: date | None
    end: date | None
    validity_clause: URIRef | None


@dataclass
class Scope:
    """Who a checkable rule applies to."""

    measures: set[URIRef] = field(default_factory=set)  # strict: requesters of these measures
    general: list[tuple[tuple[URIRef, ...], tuple[URIRef, ...], Doc, tuple[URIRef, ...]]] = field(
        default_factory=list)  # lenient: (submission types, project types, document, guard criteria)
    softened_owners: list[bool] = field(default_factory=list)


class Corpus:
    """Typed accessors over the corpus graph."""

    def __init__(self, root: Path, graph: rdflib.Graph | None = None) -> None:
        """The corpus at `root`, or `graph` in its place (a reform evaluates changed parameters in memory)."""
        self.root = root
        self.g = graph if graph is not None else corpus_graph(root)
        self.docs = [self._doc(d["slug"], URIRef(BASE + d["iri"])) for d in load_manifest(root)["documents"]]

    # -- documents ------------------------------------------------------
    def _doc(self, slug: str, iri: URIRef) -> Doc:
        g = self.g
        num = g.value(iri, ELI.id_local)
        start, end = g.value(iri, ELI.first_date_entry_in_force), g.value(iri, ELI.date_no_longer_in_force)
        return Doc(slug, iri, str(num) if num else None, start.toPython() if start else None,
                   end.toPython() if end else None, g.value(iri, PKG.validityDerivedFrom))

    def doc_of(self, node: Node) -> Doc | None:
        """The in-corpus document a provision belongs to: pkg:definedIn, else the longest IRI prefix."""
        d = self.g.value(node, PKG.definedIn)
        best = None
        for doc in self.docs:
            if d == doc.iri or (d is None and str(node).startswith(str(doc.iri) + "/")):
                if best is None or len(str(doc.iri)) > len(str(best.iri)):
                    best = doc
        return best

    # -- generic --------------------------------------------------------
    def types(self, node: Node) -> set[Node]:
        return set(self.g.objects(node, RDF.type))

    def objs(self, node: Node, p: URIRef) -> list[Node]:
        return sorted(self.g.objects(node, p), key=str)

    def label(self, node: Node, lang: str) -> str:
        for p in (RDFS.label, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), ELI.title):
            for o in self.g.objects(node, p):
                if isinstance(o, Literal) and o.language == lang:
                    return str(o)
        if lang == "en":
            return self.label(node, "zh")
        return str(node).rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def clauses(self, node: Node) -> list[URIRef]:
        return [c for c in self.objs(node, PROV.wasDerivedFrom) if isinstance(c, URIRef)]

    def flag(self, node: Node, p: URIRef) -> bool:
        return any(o.toPython() is True for o in self.g.objects(node, p) if isinstance(o, Literal))

    def checkable(self, node: Node) -> bool:
        return not any(o.toPython() is False for o in self.g.objects(node, PKG.machineCheckable)
                       if isinstance(o, Literal))

    def in_corpus(self, node: Node) -> bool:
        return self.doc_of(node) is not None

    # -- provisions -----------------------------------------------------
    def measures(self) -> list[URIRef]:
        return sorted({s for s in self.g.subjects(PKG.slug, None) if self.g.value(s, PKG.kind) is not None
                       and isinstance(s, URIRef)}, key=str)

    def is_monetary(self, m: Node) -> bool:
        return bool(self.types(m) & MONETARY) or str(self.g.value(m, PKG.kind) or "") not in ("", "non-monetary")

    def of_class(self, cls: URIRef) -> list[URIRef]:
        return sorted({s for s in self.g.subjects(RDF.type, cls) if isinstance(s, URIRef) and self.in_corpus(s)},
                      key=str)

    def criteria(self) -> list[URIRef]:
        out: set[URIRef] = set()
        for cls in CRITERIA:
            out.update(self.of_class(cls))
        return sorted(out, key=str)

    def is_alternative_member(self, c: Node) -> bool:
        return any(True for _ in self.g.subjects(PKG.alternative, c))

    def owners(self, c: Node) -> list[URIRef]:
        """Measures, constraints and targets that list criterion c."""
        return sorted({s for s in self.g.subjects(PKG.hasCriterion, c) if isinstance(s, URIRef)}, key=str)

    def guards(self, owner: Node) -> list[URIRef]:
        """The pkg:appliesWhen criteria of a provision: it applies only where they hold."""
        return [g for g in self.objs(owner, PKG.appliesWhen) if isinstance(g, URIRef)]

    def is_guard(self, c: Node, owner: Node) -> bool:
        return c in self.guards(owner)

    def scope(self, c: URIRef) -> Scope:
        """Who criterion (or self-contained constraint/target) c applies to."""
        sc = Scope()
        sc.measures.update(m for m in self.objs(c, PKG.appliesToMeasure) if m in set(self.measures()))
        holders = self.owners(c) or ([c] if self.objs(c, PKG.appliesToSubmissionType) else [])
        for o in holders:
            if not self.checkable(o) and o != c:
                continue
            if self.g.value(o, PKG.slug) is not None:  # a measure
                sc.measures.add(o)
                continue
            if self.objs(o, PKG.appliesToMeasure):
                sc.measures.update(self.objs(o, PKG.appliesToMeasure))
                continue
            doc = self.doc_of(o)
            subtypes = tuple(self.objs(o, PKG.appliesToSubmissionType))
            if doc is None or not subtypes:
                continue
            guards = tuple(x for x in self.guards(o) if x != c)
            sc.general.append((subtypes, tuple(self.objs(o, PKG.appliesToProjectType)), doc, guards))
            sc.softened_owners.append(self.flag(o, PKG.softened))
        return sc

    def applications(self, m: Node) -> list[tuple[URIRef, list[Node]]]:
        """The submission classes that are themselves the application for measure m (pkg:applicationFor), each
        with the values of its pkg:applicationSelector that choose m (empty: no selector, m always applies)."""
        out = []
        for t in sorted(self.g.subjects(PKG.applicationFor, m), key=str):
            sel = self.g.value(t, PKG.applicationSelector)
            allowed: list[Node] = []
            if sel is not None:
                for crit in self.objs(m, PKG.hasCriterion):
                    if PKG.ValueInCriterion in self.types(crit) and self.g.value(crit, PKG.onProperty) == sel:
                        allowed += self.objs(crit, PKG.allowedValue) + self.objs(crit, PKG.allowedLiteral)
            if isinstance(t, URIRef):
                out.append((t, allowed))
        return out

    def exclusive_pairs(self) -> Iterable[tuple[URIRef, URIRef]]:
        """pkg:exclusiveWith pairs (either direction), each once."""
        seen = set()
        for a, b in self.g.subject_objects(PKG.exclusiveWith):
            key = tuple(sorted((str(a), str(b))))
            if key not in seen and a != b:
                seen.add(key)
                yield URIRef(key[0]), URIRef(key[1])

    def property_label(self, p: Node, lang: str) -> str:
        return self.label(p, lang)
