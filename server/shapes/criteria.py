"""Shapes for criteria, constraints and post-delivery targets.

Two modes (docs/encoding.md, shapegen_model): a criterion of a requested measure is
STRICT – a missing value is reported, since eligibility cannot be shown without it; a
criterion of a constraint is LENIENT – only the values given are checked (an OR is
checked once any of its properties is given). Declarations (pkg:RequiredCondition) are
always strict (docs/submission.md: a missing or false one is reported). A criterion used
both ways gets a strict shape and a lenient `/unrequested` one that skips the requesters.
"""
from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.term import Node

from policykg.namespaces import PKG, SH
from policykg.shapes import text as T
from policykg.shapes.build import Writer, general, local, requesters, select, shape_iri
from policykg.shapes.model import DATE_PROPS, NESTED_PATH, Corpus

COMPLETED = URIRef("https://w3id.org/policykg/concept/status/completed")


def checkable_rules(c: Corpus) -> list[URIRef]:
    """Criteria (and constraints or targets carrying their own threshold) that get a shape."""
    out = []
    for crit in c.criteria() + c.of_class(PKG.Constraint) + c.of_class(PKG.PostDeliveryTarget):
        if not c.checkable(crit) or c.g.value(crit, PKG.onProperty) is None and \
                PKG.AlternativeCriteria not in c.types(crit):
            continue
        owners = c.owners(crit)
        if not owners and not c.objs(crit, PKG.appliesToSubmissionType) and any(c.g.subjects(PKG.appliesWhen, crit)):
            continue  # only an applicability guard: part of its owners' targets
        out.append(crit)
    return sorted(set(out), key=str)


def severity(c: Corpus, crit: Node, owners_softened: list[bool]) -> URIRef:
    if PKG.PostDeliveryTarget in c.types(crit):
        return SH.Info
    if c.flag(crit, PKG.softened) or (owners_softened and all(owners_softened)):
        return SH.Warning
    return SH.Violation


def encoded(c: Corpus, crit: Node) -> list[Node]:
    """The provisions a criterion's shape stands for: itself, its alternatives, its owners and their guards."""
    out: list[Node] = [crit] + c.guards(crit)
    for a in c.objs(crit, PKG.alternative):
        out += [x for x in encoded(c, a) if x not in out and c.checkable(a)]
    for o in c.owners(crit):
        if c.g.value(o, PKG.slug) is None and c.checkable(o):
            out += [x for x in [o, *c.guards(o)] if x not in out]
    return out


def emit(w: Writer, crit: URIRef, iri: URIRef, sev: URIRef, strict: bool, target: str | None,
         provisions: list[Node], prefix: str = "") -> URIRef:
    """One shape for criterion `crit` (recursively for the alternatives of an OR)."""
    c = w.c
    kinds = c.types(crit)
    names = (c.label(crit, "zh"), c.label(crit, "en"))
    clauses = c.clauses(crit)
    reqs = [w.requirement(crit, lang) for lang in ("zh", "en")]
    if PKG.AlternativeCriteria in kinds:
        props = w.props(crit)
        shown = [T.values_of([(p, c.property_label(p, lang)) for p in props], lang) for lang in ("zh", "en")]
        msgs = tuple(prefix + T.message(n, r, s, lang) for n, r, s, lang in zip(names, reqs, shown, ("zh", "en"), strict=True))
        w.annotate(iri, SH.NodeShape, names, sev, msgs, clauses, provisions)
        # inner shapes are Violations whatever the rule's severity: pySHACL run with allow_warnings treats a
        # nested shape that fails with a Warning as conforming, which would make every softened OR pass
        alts = [emit(w, a, URIRef(f"{iri}/or/{local(a)}"), SH.Violation, True, None, [a])
                for a in w.alternatives(crit)]
        w.g.add((iri, SH["or"], w.rdf_list(alts)))
    elif c.g.value(crit, PKG.thresholdProperty) is not None:
        q = c.g.value(crit, PKG.thresholdProperty)
        shown = ["{?value}（" + c.property_label(q, "zh") + "：{?other}）",
                 "{?value} (" + c.property_label(q, "en") + ": {?other})"]
        msgs = tuple(prefix + T.message(n, r, s, lang) for n, r, s, lang in zip(names, reqs, shown, ("zh", "en"), strict=True))
        w.annotate(iri, SH.NodeShape, names, sev, msgs, clauses, provisions)
        w.sparql(iri, "sparql", w.property_select(crit, strict))
    elif c.g.value(crit, PKG.relativeTo) is not None:
        p = c.g.value(crit, PKG.onProperty)
        shown = ["{?value}（" + ("起" if lang == "zh" else "from ") + "{?from}）" if p in DATE_PROPS
                 else "{pkg:" + local(p) + "}" for lang in ("zh", "en")]
        shown[1] = shown[1].replace("（", " (").replace("）", ")")
        msgs = tuple(prefix + T.message(n, r, s, lang) for n, r, s, lang in zip(names, reqs, shown, ("zh", "en"), strict=True))
        w.annotate(iri, SH.NodeShape, names, sev, msgs, clauses, provisions)
        w.sparql(iri, "sparql", w.relative_select(crit, strict))
    else:
        msgs = tuple(prefix + T.message(n, r, "{$value}", lang) for n, r, lang in zip(names, reqs, ("zh", "en"), strict=True))
        w.annotate(iri, SH.PropertyShape, names, sev, msgs, clauses, provisions)
        w.constrain(iri, crit, strict)
    if target:
        w.target(iri, target)
    return iri


def gate(w: Writer, crit: Node) -> str:
    """Lenient OR: only once one of its properties is given."""
    paths = [f"<{NESTED_PATH[p]}>/<{p}>" if p in NESTED_PATH else f"<{p}>" for p in w.props(crit)]
    return f"  FILTER EXISTS {{ ?this {'|'.join(paths)} ?given }}\n" if paths else ""


def criterion_shapes(w_for: dict[str, Writer], c: Corpus) -> None:
    for crit in checkable_rules(c):
        doc = c.doc_of(crit)
        if doc is None:
            continue
        w = w_for[doc.slug]
        kinds = c.types(crit)
        if PKG.PostDeliveryTarget in kinds:
            target_shape(w, crit)
            continue
        sc = c.scope(crit)
        ptypes = c.objs(crit, PKG.appliesToProjectType)
        provisions = encoded(c, crit)
        sev = severity(c, crit, [])
        strict_body = requesters(sc.measures, ptypes, c) if sc.measures else ""
        if sc.measures:
            emit(w, crit, shape_iri(crit), sev, True, select(strict_body), provisions)
        if sc.general:
            always = PKG.RequiredCondition in kinds
            extra = f"  FILTER NOT EXISTS {{\n{strict_body}  }}\n" if strict_body else ""
            if PKG.AlternativeCriteria in kinds:
                extra += gate(w, crit)
            iri = shape_iri(crit, "/unrequested" if sc.measures else "")
            emit(w, crit, iri, severity(c, crit, sc.softened_owners), always,
                 select(general(c, sc.general, ptypes), extra), provisions)


def target_shape(w: Writer, t: URIRef) -> None:
    """A post-delivery target, reported as Info: on the submissions of its type (with its guards) while the
    document is in force, or – without a submission type – on completed projects funded or applying under
    a measure of its document."""
    c = w.c
    if c.g.value(t, PKG.comparator) is None and c.g.value(t, PKG.requiredValue) is None:
        return
    doc = c.doc_of(t)
    sc = c.scope(t)
    ptypes = c.objs(t, PKG.appliesToProjectType)
    if sc.general:
        body = general(c, sc.general, ptypes)
    else:
        ms = [m for m in c.measures() if c.doc_of(m) == doc]
        body = requesters(ms, ptypes).replace("pkg:requests/pkg:measure", "(pkg:requests|pkg:priorMunicipalFunding)"
                                              "/pkg:measure") + f"    ?this pkg:status <{COMPLETED}> .\n"
    prefix = ("改造目标（交付后考核）：", "Post-delivery target: ")
    iri = shape_iri(t)
    emit(w, t, iri, SH.Info, False, select(body), encoded(c, t))
    for lang, p in zip(("zh", "en"), prefix, strict=True):
        old = next(m for m in w.g.objects(iri, SH.message) if isinstance(m, Literal) and m.language == lang)
        w.g.remove((iri, SH.message, old))
        w.g.add((iri, SH.message, Literal(p + str(old), lang=lang)))
